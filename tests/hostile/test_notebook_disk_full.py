"""A full disk says "disk full": in the CLI (a real full tmpfs where the test may mount
one), in the store's words, and in the screen once, not once per poll cycle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.cli import main
from cockpit.config import Config, OnCall
from cockpit.store import open_notebook
from cockpit.store.notebook_file import describe_error
from cockpit.ui.app import CockpitApp

NOTE = "x" * 100_000


def _fill_to_the_page_limit(conn: object) -> None:
    import sqlite3

    assert isinstance(conn, sqlite3.Connection)
    conn.execute("PRAGMA max_page_count = 60")  # SQLite's own SQLITE_FULL, no disk needed


def test_the_store_says_disk_full(tmp_path: Path) -> None:
    import sqlite3

    store = open_notebook(tmp_path / "n.sqlite3")
    try:
        _fill_to_the_page_limit(store.connection)
        with pytest.raises(sqlite3.Error) as caught, store.transaction() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
            for _ in range(100):
                conn.execute("INSERT INTO scratch VALUES (?)", (NOTE,))
        assert describe_error(caught.value).startswith("disk full")
    finally:
        store.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 600 KB tmpfs: only where this test may mount one (root); else skipped."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_the_cli_says_disk_full_on_a_full_disk(
    small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(small_disk / "data"))
    assert main(["incident", "create", "--title", "disk", "--severity", "Sev3"]) == 0
    with open_notebook(small_disk / "data" / "cockpit.sqlite3") as store:
        incident = str(store.connection.execute("SELECT id FROM incidents").fetchone()[0])
    with (small_disk / "filler").open("wb") as filler:  # the rest of the disk
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass
    for _ in range(3):
        result = subprocess.run(
            [sys.executable, "-m", "cockpit", "incident", "note", incident, NOTE],
            capture_output=True, text=True, timeout=60, env=os.environ.copy(),
        )  # fmt: skip
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert "disk full" in result.stderr, result.stderr
        assert "disk I/O error" not in result.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "cockpit", "incident", "list"],
        capture_output=True, text=True, timeout=60, env=os.environ.copy(),
    )  # fmt: skip
    # Opening needs room for the -shm file: it may fail too, but in the same words.
    assert "Traceback" not in listed.stderr
    assert listed.returncode == 0 or "disk full" in listed.stderr


async def test_the_screen_says_disk_full_once(tmp_path: Path) -> None:
    app = CockpitApp(Config(path=None, oncall=OnCall(me="alice", timezone="UTC")),
                     tmp_path / "data" / "cockpit.sqlite3", poll=False)  # fmt: skip
    async with app.run_test() as pilot:
        assert app.notebook is not None
        _fill_to_the_page_limit(app.notebook.connection)
        app.clear_notifications()

        def write(store: object) -> bool:
            assert app.notebook is not None
            with app.notebook.transaction() as conn:
                conn.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
                conn.execute("INSERT INTO scratch VALUES (?)", (NOTE,))
            return False

        for _ in range(6):  # six poll cycles
            app._write(write)
            await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert len(notices) == 1, notices
        assert notices[0].startswith("Could not write to the notebook: disk full")
