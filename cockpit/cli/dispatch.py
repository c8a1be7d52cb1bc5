"""Running one parsed command: the checks before it (a stopped demo's config, the data
folder), the plugin notifiers, the output sanitiser, and the last resort for what escapes
it (a message, never a traceback). ``cli/main.py`` parses every command and runs it here;
``cli/lean.py`` runs `cockpit alerts` here without building that parser."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable

from cockpit import locations
from cockpit.cli.output import visible_output
from cockpit.exit_codes import EXIT_USAGE


def run(
    command: str,
    args: argparse.Namespace,
    handler: Callable[[argparse.Namespace], int],
    *,
    notebook: bool = True,
) -> int:
    """``handler(args)``'s exit code; ``notebook`` False for a command that never opens
    the notebook (`alerts`), which then need not import the store to set its busy notice."""
    gone = _gone_demo_config(command, args)
    if gone is not None:
        print(gone, file=sys.stderr)
        return EXIT_USAGE
    locations.secure_data_dir()
    if notebook:
        _tell_when_the_notebook_is_busy()
    # The cockpit loads its own plugins; other commands load notifiers on first publish.
    loader = None
    if command not in ("run", "demo", "serve", "probe", "record"):
        from cockpit.cli.plugins import lazy_notifiers

        loader = lazy_notifiers()
    # The screen-drawing commands write to the terminal through Textual, which needs it raw.
    guard = contextlib.nullcontext() if command in ("run", "demo", "serve") else visible_output()
    try:
        with guard:
            return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `cockpit ... | head`: the reader has what it wanted. No traceback; the exit
        # status is the shell's for a closed pipe, and later writes go nowhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:  # the last resort: a message and a log file, no traceback
        return _failed(exc, command)
    finally:
        if loader is not None:
            loader.close()


def _gone_demo_config(command: str, args: argparse.Namespace) -> str | None:
    """Why a command must not run on COCKPIT_CONFIG, when it names a stopped demo's config.

    ``eval "$(cockpit demo env)"`` outlives the demo; its config file goes with the demo's
    work folder, and a missing config would otherwise read as an empty one ("nothing to
    ask"). Starting a demo, asking for its variables, `locate` and `config init` still run.
    """
    override = os.environ.get(locations.CONFIG_ENV)
    if not override or command in ("demo", "locate"):
        return None
    if command == "config" and args.config_command == "init":
        return None
    path = locations.config_file()
    if path.exists():
        return None
    from cockpit.demo.stack import WORKDIR_PREFIX

    if not path.parent.name.startswith(WORKDIR_PREFIX):
        return None
    return (
        f"the config file {path} no longer exists (the demo stopped?): start `cockpit demo` "
        f'and run `eval "$(cockpit demo env)"` again, or `unset {locations.CONFIG_ENV} '
        f"{locations.NOTEBOOK_ENV}` to use your own config"
    )


def _tell_when_the_notebook_is_busy() -> None:
    from cockpit.store import notebook as notebook_module

    def notice(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    notebook_module.busy_notice = notice


def _failed(exc: Exception, command: str) -> int:
    """What escaped a command: the notebook's trouble said plainly, anything else logged.
    Exit 2 either way: for the deploy gate (`slo check`) it means "cannot tell"."""
    import sqlite3

    from cockpit.store import NotebookError
    from cockpit.store.notebook_file import describe_error

    if isinstance(exc, NotebookError):
        print(f"cockpit: {exc}", file=sys.stderr)
    elif isinstance(exc, sqlite3.Error):
        why = describe_error(exc, locations.database_file())
        print(f"cockpit: the notebook {locations.database_file()}: {why}", file=sys.stderr)
    else:
        print(locations.record_crash(exc, f"`cockpit {command}`"), file=sys.stderr)
    return EXIT_USAGE
