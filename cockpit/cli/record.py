"""`cockpit record`: the poll cycles without a screen (see services/headless_recording.py)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from cockpit.cli.common import load_config, notebook_of
from cockpit.exit_codes import EXIT_OK, EXIT_USAGE


def add_parsers(sub: Any) -> None:
    record = sub.add_parser(
        "record",
        help="poll without a screen and write transitions to the notebook (runs until stopped)",
    )
    record.add_argument(
        "--notebook", type=Path, metavar="FILE", help="the notebook file (default: `locate`)"
    )


def _say(text: str) -> None:
    print(f"{datetime.now().astimezone():%H:%M:%S} {text}", flush=True)


def record(args: argparse.Namespace) -> int:
    from cockpit.cli.plugins import start
    from cockpit.secrets import SecretError
    from cockpit.services.headless_recording import HeadlessRecording
    from cockpit.services.notebook_admin import open_target
    from cockpit.services.transition_recorder import Recording, this_process
    from cockpit.store import NotebookError

    config = load_config()
    if config is None:
        return EXIT_USAGE
    path = args.notebook or notebook_of(config)
    try:
        store = open_target(path, me=config.oncall.who_am_i())
    except (NotebookError, SecretError, OSError) as exc:
        print(f"cannot open the notebook {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    plugins = start(config)  # notifiers for due updates; alert sources and probe kinds
    recording = Recording(config, this_process(config.oncall.me or "recorder"))
    loop = HeadlessRecording(config, store, recording, _say)
    _say(f"recording into {path} as {recording.me.describe()}; stop with Ctrl-C or SIGTERM")
    try:
        asyncio.run(_until_signalled(loop))
    finally:
        with contextlib.suppress(Exception):
            recording.release(store)
        store.close()
        plugins.close(timeout=10.0)
        _say("stopped; the recording duty is free")
    return EXIT_OK


async def _until_signalled(loop: Any) -> None:
    stop = asyncio.Event()
    running = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        running.add_signal_handler(signum, stop.set)
    await loop.run(stop)
