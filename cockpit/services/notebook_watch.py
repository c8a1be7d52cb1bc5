"""Live across cockpits: a thread that waits on the notebook's change feed
(``store/changes.py``) and says when another cockpit (or the CLI) wrote something.

The callback runs on the watcher's thread; the TUI hands it to its UI thread. A feed that
breaks (the server restarted, the file moved) is said once through ``on_trouble`` and
opened again after a pause; nothing is lost meanwhile, since readers reload everything
they show when the feed comes back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from cockpit.secrets import SecretError
from cockpit.services.notebook_admin import password_for
from cockpit.store import NotebookError
from cockpit.store.changes import ChangeWatch, watch_changes

WAIT_S = 1.0  # how long one wait lasts before the stop flag is looked at again
RETRY_S = 5.0  # after the feed broke


class NotebookWatcher:
    def __init__(
        self,
        target: Path | str,
        on_change: Callable[[], None],
        on_trouble: Callable[[str], None],
    ) -> None:
        self.target = target
        self.on_change = on_change
        self.on_trouble = on_trouble
        self._stop = threading.Event()
        # Set once the feed is open: from then on every write elsewhere wakes it.
        self.watching = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="notebook-watch", daemon=True)

    def start(self) -> NotebookWatcher:
        self._thread.start()
        return self

    def stop(self, *, wait: bool = False) -> None:
        """Ask the thread to end; it does within ``WAIT_S`` and closes its connection.
        Quitting does not wait for it (a daemon thread)."""
        self._stop.set()
        if wait and self._thread.is_alive():
            self._thread.join(WAIT_S * 3)

    def _open(self) -> ChangeWatch:
        return watch_changes(self.target, password_for(self.target))

    def _loop(self) -> None:
        watch: ChangeWatch | None = None
        told = False
        try:
            while not self._stop.is_set():
                try:
                    if watch is None:
                        watch = self._open()
                        told = False
                        # What was written before the watch began (or while it was
                        # broken) woke nobody: reload once now, so nothing is missed.
                        self.on_change()
                        self.watching.set()
                    if watch.wait(WAIT_S) and not self._stop.is_set():
                        self.on_change()
                except (NotebookError, SecretError, OSError) as exc:
                    if not told:
                        told = True
                        self.on_trouble(f"live updates from the notebook paused: {exc}")
                    self.watching.clear()
                    if watch is not None:
                        watch.close()
                        watch = None
                    self._stop.wait(RETRY_S)
        finally:
            if watch is not None:
                watch.close()
