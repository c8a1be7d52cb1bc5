"""Has another cockpit written to the notebook? The signal behind live updates.

Every write that is not a heartbeat moves a counter (``notebook_changes``, migration 8).
- SQLite file: a connection of our own polls it, reading it only when
  ``PRAGMA data_version`` says another connection committed something.
- PostgreSQL: such a write also sends ``NOTIFY`` on one channel as it commits
  (``store/postgres.py``, ``CHANNEL``); a connection of our own ``LISTEN``s and wakes on it.

``wait(timeout)`` returns True once something changed since the last call (or since the
watch was opened), False after ``timeout`` with nothing new. It never says what changed:
readers reload what they show, which is cheap and cannot miss a kind of change.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from cockpit.model.notebook_url import is_url, redact
from cockpit.store.notebook import BUSY_TIMEOUT_MS, NotebookError

POLL_EVERY_S = 0.25  # SQLite: how often data_version is read while waiting


class ChangeWatch:
    def wait(self, timeout: float) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class FileChangeWatch(ChangeWatch):
    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            # Made on one thread, waited on from the watcher's: one user at a time.
            self._conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            self._version = self._data_version()
            self._seen = self._counter()
        except sqlite3.Error as exc:
            raise NotebookError(f"cannot watch {path} for changes: {exc}") from exc

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _counter(self) -> int:
        return int(
            self._conn.execute("SELECT counter FROM notebook_changes WHERE id = 1").fetchone()[0]
        )

    def _changed(self) -> bool:
        # data_version moves on any commit by another connection (a heartbeat too): cheap
        # to read; only then is the counter read, which moves on writes worth a reload.
        version = self._data_version()
        if version == self._version:
            return False
        self._version = version
        counter = self._counter()
        if counter == self._seen:
            return False
        self._seen = counter
        return True

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._changed():
                    return True
            except sqlite3.Error as exc:
                raise NotebookError(f"cannot watch {self._path} for changes: {exc}") from exc
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(POLL_EVERY_S, left))

    def close(self) -> None:
        self._conn.close()


class PgChangeWatch(ChangeWatch):
    """Each write's NOTIFY carries the change counter it moved to. A wake-up reads the
    counter itself, so a signal for a count already seen (writes that came in a burst
    before the wake-up) wakes nobody: one wake-up stands for all writes before it."""

    def __init__(self, url: str, password: str | None = None) -> None:
        import psycopg

        from cockpit.store.postgres import CHANNEL, connect

        self._where = redact(url)
        self._error = psycopg.Error
        self._conn = connect(url, password, application_name="cockpit-watch")
        try:
            self._conn.execute(f"LISTEN {CHANNEL}")
            self._seen = self._counter()
        except psycopg.Error as exc:
            self._conn.close()
            raise NotebookError(f"cannot watch {self._where} for changes: {exc}") from exc

    def _counter(self) -> int:
        row = self._conn.execute("SELECT counter FROM notebook_changes WHERE id = 1").fetchone()
        return int(row[0]) if row else 0

    def _news(self, payload: str) -> bool:
        try:
            return int(payload) > self._seen
        except ValueError:  # a writer that sends no count: always news
            return True

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = max(0.0, deadline - time.monotonic())
                # Listed first: the generator holds the connection until it ends.
                got = list(self._conn.notifies(timeout=left, stop_after=1))
                if any(self._news(note.payload) for note in got):
                    self._seen = max(self._seen, self._counter())
                    return True
                if time.monotonic() >= deadline:
                    return False
        except self._error as exc:
            raise NotebookError(f"lost the change feed of {self._where}: {exc}") from exc

    def close(self) -> None:
        self._conn.close()


def watch_changes(target: str | Path, password: str | None = None) -> ChangeWatch:
    if is_url(str(target)):
        return PgChangeWatch(str(target), password)
    return FileChangeWatch(Path(target))
