"""Notebook work that must not hold the screen: one thread with its own connection.

SQLite connections belong to the thread that opened them, and a busy notebook makes a
query wait (up to the busy timeout) or fail. The TUI's timers hand their reads (and the
short claim writes that go with them) to this thread and get a future back; the UI shows
the result, or the error as a message, when it arrives.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from typing import TypeVar

from cockpit.secrets import SecretError
from cockpit.store import Notebook, NotebookError

T = TypeVar("T")
# What a notebook job can raise that is about the notebook, not a bug.
# SecretError: the team notebook's password could not be read from the keyring.
NOTEBOOK_ERRORS = (sqlite3.Error, NotebookError, SecretError, OSError)


class NotebookThread:
    """Runs ``job(store)`` calls one at a time on one thread, with a store opened there
    by ``opener`` on first use. After an error the store is closed and opened again for
    the next job, so a notebook that vanished or was replaced is found again."""

    def __init__(self, opener: Callable[[], Notebook]) -> None:
        self._opener = opener
        self._store: Notebook | None = None  # used only on the thread
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notebook")
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, job: Callable[[Notebook], T]) -> Future[T]:
        if self._closed:
            future: Future[T] = Future()
            future.set_exception(NotebookError("the notebook thread is closed"))
            return future
        return self._executor.submit(self._run, job)

    def _run(self, job: Callable[[Notebook], T]) -> T:
        if self._closed:
            raise NotebookError("the notebook thread is closed")
        try:
            if self._store is None:
                self._store = self._opener()
            return job(self._store)
        except NOTEBOOK_ERRORS:
            self._drop()
            raise

    def _drop(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            # Closing a broken connection: the error that matters was already raised.
            with suppress(sqlite3.Error):
                store.close()

    def close(self) -> None:
        """Finish the running job, drop the queued ones, close the store (on its thread)."""
        if self._closed:
            return
        self._closed = True
        self._executor.submit(self._drop)
        self._executor.shutdown(wait=False, cancel_futures=False)
