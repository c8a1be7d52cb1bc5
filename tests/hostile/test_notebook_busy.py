"""A notebook another process keeps locked: the CLI says it is waiting and then who holds
the lock (never a traceback), the screen waits only briefly and says it once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cockpit import locations
from cockpit.cli import main
from cockpit.config import Config, OnCall
from cockpit.store import NotebookBusyError, open_notebook
from cockpit.store import notebook as notebook_module
from cockpit.ui.app import CockpitApp

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    sys.stdin.readline()  # hold the write lock until told
    conn.execute("ROLLBACK")
    """
)


@contextmanager
def held(database: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the notebook's write lock, until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None and process.stdin is not None
    try:
        assert process.stdout.readline().strip() == "locked"
        yield process
    finally:
        process.stdin.close()
        process.wait(10)


def list_notes(database: Path, incident: str) -> list[str]:
    with open_notebook(database) as store:
        rows = store.connection.execute(
            "SELECT body FROM notes WHERE incident_id = ? ORDER BY id", (incident,)
        ).fetchall()
    return [str(row[0]) for row in rows]


def _incident() -> str:
    code = main(["incident", "create", "--title", "db down", "--severity", "Sev2"])
    assert code == 0
    with open_notebook(locations.database_file()) as store:
        row = store.connection.execute("SELECT id FROM incidents").fetchone()
    return str(row[0])


def _cockpit(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cockpit", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
    )  # fmt: skip


def test_the_cli_says_it_waits_and_writes_once_the_lock_is_gone() -> None:
    incident = _incident()
    with held(locations.database_file()) as holder:
        note = _cockpit("incident", "note", incident, "checked the replica")
        assert note.stderr is not None
        first = note.stderr.readline()
        assert first.startswith("notebook busy, waiting…"), first
        assert f"pid {holder.pid} (python" in first
    _, err = note.communicate(timeout=30)
    assert note.returncode == 0, err
    assert "Traceback" not in err
    assert list_notes(locations.database_file(), incident) == ["checked the replica"]


def test_the_cli_gives_up_naming_the_holder() -> None:
    incident = _incident()
    with held(locations.database_file()) as holder:
        note = _cockpit("incident", "note", incident, "never written")
        _, err = note.communicate(timeout=60)
    assert note.returncode == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith("notebook busy, waiting…")
    assert f"is locked: pid {holder.pid} (python" in lines[-1]
    assert "held its write lock for over 5 s; nothing was written" in lines[-1]
    assert list_notes(locations.database_file(), incident) == []


def test_the_store_tells_once_and_names_the_holder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(notebook_module, "busy_notice", told.append)
    database = tmp_path / "n.sqlite3"
    open_notebook(database).close()
    store = open_notebook(database, write_wait=1.2)
    try:
        with (
            held(database) as holder,
            pytest.raises(NotebookBusyError) as caught,
            store.transaction(),
        ):
            pass
        assert isinstance(caught.value, sqlite3.OperationalError)  # old handlers catch it
        assert len(told) == 1 and told[0].startswith("notebook busy, waiting…")
        assert f"pid {holder.pid}" in str(caught.value)
        with store.transaction() as conn:  # and it works again once the lock is gone
            conn.execute("SELECT 1")
    finally:
        store.close()


async def test_the_screen_waits_briefly_and_says_it_once(tmp_path: Path) -> None:
    database = tmp_path / "data" / "cockpit.sqlite3"
    app = CockpitApp(Config(path=None, oncall=OnCall(me="alice", timezone="UTC")), database,
                     poll=False)  # fmt: skip
    async with app.run_test() as pilot:
        assert app.notebook is not None and app.notebook.write_wait <= 1.0
        app.notebook.write_wait = 0.2
        app.clear_notifications()

        def write(store: object) -> bool:
            assert app.notebook is not None
            with app.notebook.transaction() as conn:
                conn.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
            return False

        with held(database) as holder:
            for _ in range(5):  # five poll cycles
                app._write(write)
                await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert len(notices) == 1, notices
        assert "Could not write to the notebook: the notebook" in notices[0]
        assert f"is locked: pid {holder.pid} (python" in notices[0]
        app._write(write)
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert notices[-1] == "notebook works again (4 more failure(s) since the notice)."
