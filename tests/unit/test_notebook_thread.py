"""cockpit.services.notebook_thread: notebook jobs on one thread of their own."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from cockpit.services.notebook_thread import NotebookThread
from cockpit.store import Notebook, SqliteNotebook, open_notebook
from cockpit.store.handoffs import last_signed


def test_jobs_run_on_one_other_thread_with_its_own_store(tmp_path: Path) -> None:
    opened: list[Notebook] = []

    def opener() -> Notebook:
        opened.append(open_notebook(tmp_path / "n.sqlite3"))
        return opened[-1]

    worker = NotebookThread(opener)
    try:
        names = [worker.submit(lambda s: threading.current_thread().name).result(5)
                 for _ in range(3)]  # fmt: skip
        assert len(set(names)) == 1 and names[0] != threading.current_thread().name
        assert worker.submit(last_signed).result(5) is None
        assert len(opened) == 1  # opened once, kept
    finally:
        worker.close()


def test_an_error_reaches_the_caller_and_the_store_is_opened_again(tmp_path: Path) -> None:
    opened: list[Notebook] = []

    def opener() -> Notebook:
        opened.append(open_notebook(tmp_path / "n.sqlite3"))
        return opened[-1]

    def locked(store: Notebook) -> None:
        raise sqlite3.OperationalError("database is locked")

    worker = NotebookThread(opener)
    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            worker.submit(locked).result(5)
        assert worker.submit(lambda s: s is opened[-1]).result(5)
        assert len(opened) == 2
    finally:
        worker.close()


def test_an_opener_that_fails_is_reported_and_tried_again(tmp_path: Path) -> None:
    calls = []

    def opener() -> Notebook:
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("unable to open database file")
        return open_notebook(tmp_path / "n.sqlite3")

    worker = NotebookThread(opener)
    try:
        with pytest.raises(sqlite3.OperationalError):
            worker.submit(last_signed).result(5)
        assert worker.submit(last_signed).result(5) is None
    finally:
        worker.close()


def test_after_close_jobs_are_refused_and_the_store_is_closed(tmp_path: Path) -> None:
    closed_on: list[str] = []

    class Watched(SqliteNotebook):
        def close(self) -> None:
            closed_on.append(threading.current_thread().name)
            super().close()

    worker = NotebookThread(lambda: Watched(tmp_path / "n.sqlite3"))
    worker.submit(last_signed).result(5)
    worker.close()
    worker._executor.shutdown(wait=True)  # let the close job finish before looking
    assert len(closed_on) == 1 and closed_on[0].startswith("notebook")
    with pytest.raises(Exception, match="closed"):
        worker.submit(last_signed).result(5)


def test_closed_says_so(tmp_path: Path) -> None:
    worker = NotebookThread(lambda: open_notebook(tmp_path / "n.sqlite3"))
    assert worker.closed is False
    worker.close()
    assert worker.closed is True
