"""The notebook is its owner's alone (data dir 0700; notebook, -wal, -shm, backups and
exports 0600, under umask 022), and `cockpit doctor` says when the schema is not what
its version says: a migration applied half way, a table missing, a newer cockpit's file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit import locations
from cockpit.cli import main
from cockpit.store import open_notebook
from cockpit.store.notebook import LATEST_VERSION, default_migrations_dir, split_statements


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_a_note(path: Path) -> None:
    with open_notebook(path) as store, store.transaction() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS scratch (x TEXT)")
        conn.execute("INSERT INTO scratch VALUES ('env output')")


def test_a_new_notebook_and_its_dir_are_private() -> None:
    database = locations.database_file()
    assert not database.parent.exists()
    store = open_notebook(database)
    try:
        with store.transaction() as conn:
            conn.execute("CREATE TABLE scratch (x TEXT)")
        assert _mode(database.parent) == 0o700
        assert _mode(database) == 0o600
        for suffix in ("-wal", "-shm"):
            side = database.with_name(database.name + suffix)
            assert side.exists() and _mode(side) == 0o600, suffix
    finally:
        store.close()


def test_an_old_world_readable_notebook_is_tightened(tmp_path: Path) -> None:
    data = locations.data_dir()
    data.mkdir(parents=True, mode=0o755)
    data.chmod(0o755)
    database = locations.database_file()
    _write_a_note(database)
    for path in (database, *data.glob("*-*")):
        path.chmod(0o644)
    assert main(["locate"]) == 0  # any command tightens the data dir
    assert _mode(data) == 0o700
    _write_a_note(database)
    assert _mode(database) == 0o600
    assert all(_mode(p) == 0o600 for p in data.glob("*-*"))


def test_a_migration_backup_is_private(tmp_path: Path) -> None:
    older = tmp_path / "older"
    older.mkdir()
    for entry in default_migrations_dir().iterdir():
        if entry.name.endswith(".sql") and int(entry.name[:4]) < LATEST_VERSION:
            (older / entry.name).write_text(entry.read_text(encoding="utf-8"))
    database = tmp_path / "notes" / "cockpit.sqlite3"
    open_notebook(database, migrations_dir=older).close()
    with open_notebook(database) as store:
        assert store.backup_path is not None
        assert _mode(store.backup_path) == 0o600


def test_exports_are_private(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "handoff.md"
    report.write_text("old")
    report.chmod(0o644)
    assert main(["review", "--out", str(report)]) == 0, capsys.readouterr().err
    assert _mode(report) == 0o600
    from cockpit.services.incident_report import save_report

    saved = save_report("# postmortem\n", tmp_path / "postmortem.md")
    assert _mode(saved) == 0o600


def _doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    # An empty config: doctor fails without one, and has no source to reach with it.
    config = locations.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("")
    code = main(["doctor"])
    out = capsys.readouterr().out
    return code, next(line for line in out.splitlines() if line[6:].startswith("notebook "))


def test_doctor_says_a_current_notebook_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    open_notebook(locations.database_file()).close()
    code, line = _doctor(capsys)
    assert code == 0 and line.startswith("ok") and f"v{LATEST_VERSION}, current" in line


def test_doctor_fails_a_migration_applied_half_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = tmp_path / "older"
    older.mkdir()
    last = None
    for entry in default_migrations_dir().iterdir():
        if not entry.name.endswith(".sql"):
            continue
        if int(entry.name[:4]) < LATEST_VERSION:
            (older / entry.name).write_text(entry.read_text(encoding="utf-8"))
        else:
            last = entry
    assert last is not None
    database = locations.database_file()
    open_notebook(database, migrations_dir=older).close()
    # The first statement of the last migration landed, the version bump did not.
    conn = sqlite3.connect(database)
    conn.execute(split_statements(last.read_text(encoding="utf-8"))[0])
    conn.commit()
    conn.close()
    code, line = _doctor(capsys)
    assert code == 1 and line.startswith("FAIL"), line
    assert f"migration {last.name} was applied half way" in line
    assert f"still says {LATEST_VERSION - 1}" in line


def test_doctor_fails_a_missing_table(capsys: pytest.CaptureFixture[str]) -> None:
    database = locations.database_file()
    open_notebook(database).close()
    conn = sqlite3.connect(database)
    conn.execute("DROP TABLE runbook_run_takeovers")
    conn.commit()
    conn.close()
    code, line = _doctor(capsys)
    assert code == 1 and "table runbook_run_takeovers" in line, line


def test_doctor_fails_a_notebook_newer_than_the_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = locations.database_file()
    open_notebook(database).close()
    conn = sqlite3.connect(database)
    conn.execute("UPDATE schema_version SET version = ?", (LATEST_VERSION + 1,))
    conn.commit()
    conn.close()
    before = database.read_bytes()
    code, line = _doctor(capsys)
    assert code == 1 and line.startswith("FAIL"), line
    assert f"schema v{LATEST_VERSION + 1}, newer than this cockpit" in line
    assert database.read_bytes() == before


def test_doctor_says_an_older_notebook_will_be_migrated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = tmp_path / "older"
    shutil.copytree(Path(str(default_migrations_dir())), older)
    (older / sorted(p.name for p in older.glob("*.sql"))[-1]).unlink()
    open_notebook(locations.database_file(), migrations_dir=older).close()
    code, line = _doctor(capsys)
    assert code == 0 and f"migrates it to v{LATEST_VERSION}" in line, line
