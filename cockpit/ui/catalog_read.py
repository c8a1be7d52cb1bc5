"""The runbook catalogue, read on a thread of its own as the cockpit starts.

Parsing every runbook (markdown-it: about 25 ms to import, then about 1 ms a runbook) was
two thirds of the app's mount, before the first frame, and it grows with a company's
runbooks. The read starts as the app mounts and the runbooks pane says it is reading
until the catalogue lands. Whoever needs the catalogue before then (a runbook key
pressed at once) waits for the read: it is the wait the first frame used to have.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path

from textual.message import Message

from cockpit.services.runbook_catalog import RunbookEntry, load_catalog


class CatalogLanded(Message):
    """The catalogue's read ended (posted from its thread)."""


class CatalogRead:
    def __init__(self, folders: Sequence[Path], landed: Callable[[], object]) -> None:
        """Start reading ``folders`` (after the bundled runbooks); ``landed`` is called
        from the reading thread once the catalogue (or the reason there is none) is
        known: it must only post, never touch the screen."""
        self._result: Future[list[RunbookEntry]] = Future()
        self.problem = ""  # why there is no catalogue, once read
        self._landed = landed
        threading.Thread(
            target=self._read, args=(list(folders),), name="runbook-catalog", daemon=True
        ).start()

    def _read(self, folders: list[Path]) -> None:
        try:
            entries = load_catalog(folders)
        except Exception as exc:  # a bad file is an entry with its problems: this is a bug
            self.problem = f"the runbooks could not be read ({type(exc).__name__}: {exc})"
            entries = []
        self._result.set_result(entries)
        self._landed()

    @property
    def read(self) -> bool:
        return self._result.done()

    def entries(self) -> list[RunbookEntry]:
        """The catalogue; waits for the read when it has not ended yet."""
        return self._result.result()
