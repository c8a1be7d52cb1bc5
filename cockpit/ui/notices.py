"""One notice per source while its trouble lasts, and the screen's last resort.

A full disk fails every notebook write of every poll cycle; one toast each would cover
the panes within a minute. ``Notices`` says it once, keeps it on screen while it lasts,
and says when it is over. ``crash_exit`` is what an unexpected exception gets instead of
Textual's traceback (which prints local variables, tokens among them): the traceback
goes to a private log file, the terminal gets one line naming it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.app import App

from cockpit import locations
from cockpit.store import NotebookError
from cockpit.store.notebook_file import describe_error


class Notices:
    def __init__(self, app: App[None]) -> None:
        self.app = app
        self.troubled: dict[str, str] = {}  # source -> the notice shown for it
        self.repeats: dict[str, int] = {}

    def trouble(self, source: str, text: str) -> None:
        """Say ``text`` unless ``source`` is already in trouble (then only count it)."""
        if source in self.troubled:
            self.repeats[source] = self.repeats.get(source, 0) + 1
            return
        self.troubled[source] = text
        self.repeats[source] = 0
        self.app.notify(text, title=source, severity="error", timeout=60, markup=False)

    def recovered(self, source: str) -> None:
        if self.troubled.pop(source, None) is None:
            return
        again = self.repeats.pop(source, 0)
        more = f" ({again} more failure(s) since the notice)" if again else ""
        self.app.notify(f"{source} works again{more}.", title=source, markup=False)


def notebook_trouble(exc: Exception, target: Path | str | None) -> str:
    """An exception from a notebook write, in words (disk full, locked: said plainly)."""
    if isinstance(exc, NotebookError):  # its own words (a busy one names the lock holder)
        return str(exc)
    if isinstance(exc, sqlite3.Error) and not isinstance(target, str):
        return describe_error(exc, target)
    return str(exc)


def crash_exit(app: App[None], error: Exception) -> str:
    """Textual's ``_handle_exception``, without the traceback on the terminal: the line to
    print once the terminal is back (plain ``print``: Rich would wrap the path)."""
    line = locations.record_crash(error, "the cockpit screen")
    app._return_code = 2
    if app._exception is None:  # Pilot re-raises it in tests
        app._exception = error
        app._exception_event.set()
    app._close_messages_no_wait()
    return line
