"""`cockpit demo`: the stack on loopback, then the cockpit on it; nothing left behind."""

from __future__ import annotations

import dataclasses
import json
import shlex
import signal
import sys
import time
from pathlib import Path

from cockpit import locations
from cockpit.demo.control import FaultError, apply_faults
from cockpit.demo.signals import StopRequest
from cockpit.demo.stack import DemoStack, StackError, read_state_file, write_state_file
from cockpit.exit_codes import EXIT_OK, EXIT_STACK, EXIT_USAGE


def state_file() -> Path:
    return locations.data_dir() / "demo.json"


def demo(*, no_ui: bool, read_only: bool = False) -> int:
    stack = DemoStack()
    print("starting the demo stack on loopback…", file=sys.stderr)
    try:
        stack.start()
    except StackError as exc:
        print(f"the demo stack did not start: {exc}", file=sys.stderr)
        return EXIT_STACK
    try:
        write_state_file(state_file(), stack)
        if stack.missing:
            print(stack.missing_message(), file=sys.stderr)
        return _wait(stack) if no_ui else _ui(stack, read_only)
    finally:
        stack.stop()
        state_file().unlink(missing_ok=True)


def _wait(stack: DemoStack) -> int:
    # Before the URLs go out: whoever reads them may send SIGTERM at once.
    stop = StopRequest().install(signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    print(f"service       {stack.service_url}")
    print(f"prometheus    {stack.prometheus_url or 'not running'}")
    print(f"alertmanager  {stack.alertmanager_url or 'not running'}")
    print(f"config        {stack.config_path}")
    print('cli           eval "$(cockpit demo env)"   (points the CLI at this demo)')
    print("try: cockpit demo fault error-rate=5%   (Ctrl-C or SIGTERM stops the stack)", flush=True)
    while not stop.requested:
        time.sleep(0.2)
        if any(c.process.poll() is not None for c in stack.children):
            dead = [c.name for c in stack.children if c.process.poll() is not None]
            print(f"{', '.join(dead)} stopped unexpectedly; stopping the demo", file=sys.stderr)
            return EXIT_STACK
    return EXIT_OK


def _ui(stack: DemoStack, read_only: bool) -> int:
    from cockpit.config import ConfigError, load
    from cockpit.ui.app import CockpitApp, DemoInfo

    assert stack.config_path is not None
    try:
        config = load(stack.config_path)
    except ConfigError as exc:  # our own file: a bug, but say it plainly
        print(f"the demo config is invalid: {exc}", file=sys.stderr)
        return EXIT_STACK
    if read_only:
        config = dataclasses.replace(config, read_only=True)
    database = locations.demo_database_file()
    app = CockpitApp(config, database, demo=DemoInfo(stack.service_url, stack.missing_message()))
    app.run()
    if app.crash_line:
        print(app.crash_line, file=sys.stderr)
    return app.return_code or EXIT_OK


PROMETHEUS_URL_ENV = "COCKPIT_PROMETHEUS_URL"
ALERTMANAGER_URL_ENV = "COCKPIT_ALERTMANAGER_URL"
SERVICE_URL_ENV = "COCKPIT_DEMO_SERVICE_URL"


def env(*, as_json: bool = False) -> int:
    """`cockpit demo env`: the variables that point the CLI (and amtool) at the running demo.

    The URLs are for the user's other tools; the cockpit itself reads only its config.
    """
    state = read_state_file(state_file())
    if state is None:
        print("no demo is running; start one with `cockpit demo`", file=sys.stderr)
        return EXIT_USAGE

    def url(key: str) -> str | None:
        value = state.get(key)
        return value if isinstance(value, str) and value else None

    variables: dict[str, str | None] = {
        locations.CONFIG_ENV: str(state["config_path"]),
        locations.NOTEBOOK_ENV: str(locations.demo_database_file()),
        PROMETHEUS_URL_ENV: url("prometheus_url"),
        ALERTMANAGER_URL_ENV: url("alertmanager_url"),
        SERVICE_URL_ENV: url("service_url"),
    }
    if as_json:
        print(json.dumps(variables, indent=2))
        return EXIT_OK
    for name, value in variables.items():
        # A part the demo does not run is unset, so an earlier demo's URL cannot linger.
        print(f"unset {name}" if value is None else f"export {name}={shlex.quote(value)}")
    if variables[ALERTMANAGER_URL_ENV] is not None:
        print(f'# amtool --alertmanager.url="${ALERTMANAGER_URL_ENV}" alert query')
    return EXIT_OK


def fault(faults: list[str], url: str | None) -> int:
    if url is None:
        state = read_state_file(state_file())
        if state is None:
            print(
                "no demo is running; start one with `cockpit demo` (or pass --url)", file=sys.stderr
            )
            return EXIT_USAGE
        url = str(state["service_url"])
    try:
        active = apply_faults(url, faults)
    except FaultError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    print(f"demo faults now: {active or 'none'}")
    return EXIT_OK
