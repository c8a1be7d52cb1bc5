"""Two notebook connections in one process (the screen, its notebook thread, a dialog) and
a CLI command in another: the command's exit must not checkpoint and delete the -wal and
-shm under the open connections, and what is written after it must not be lost.

Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
included; opening a second Notebook once did that (it opened and closed the file to set its
mode), so the CLI took itself for the last user and removed the WAL.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cockpit.store import open_notebook


def _another_process_reads(path: Path, sql: str) -> int:
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "print(c.execute(sys.argv[2]).fetchone()[0]); c.close()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), sql], capture_output=True, text=True, check=True
    )
    return int(out.stdout)


def test_a_second_store_and_another_process_leave_the_wal_in_place(tmp_path: Path) -> None:
    path = tmp_path / "notebook.sqlite3"
    wal = path.with_name(path.name + "-wal")
    shm = path.with_name(path.name + "-shm")
    first = open_notebook(path)
    second = open_notebook(path)  # what the notebook thread or a dialog opens
    try:
        assert wal.exists() and shm.exists()
        _another_process_reads(path, "select count(*) from sqlite_master")
        assert wal.exists() and shm.exists(), "the other process removed the WAL under us"
        open_notebook(path).close()  # a third Notebook in this process, opened and closed
        first.connection.execute("create table scratch (x integer)")
        for value in range(5):
            first.connection.execute("insert into scratch values (?)", (value,))
        _another_process_reads(path, "select count(*) from sqlite_master")
        assert wal.exists() and shm.exists()
        assert second.connection.execute("select count(*) from scratch").fetchone()[0] == 5
        assert _another_process_reads(path, "select count(*) from scratch") == 5
    finally:
        second.close()
        first.close()
    assert _another_process_reads(path, "select count(*) from scratch") == 5
