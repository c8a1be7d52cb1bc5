from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from importlib.resources import files
from pathlib import Path

import pytest

from cockpit.store import Notebook, NotebookError, SchemaTooNewError, open_notebook
from cockpit.store.incidents import (
    create_incident,
    get_incident,
    new_incident_id,
    open_incidents,
)
from cockpit.store.notebook import (
    LATEST_VERSION,
    from_db_time,
    load_migrations,
    split_statements,
    to_db_time,
)

T0 = datetime(2025, 10, 14, 10, 30, 0, tzinfo=UTC)

EXPECTED_TABLES = {
    "schema_version",
    "notebook_changes",
    "recorder_duty",
    "probe_samples",
    "announcements",
    "incidents",
    "incident_components",
    "incident_alerts",
    "action_items",
    "timeline_events",
    "notes",
    "runbook_runs",
    "runbook_steps",
    "handoffs",
    "handoff_checklist_items",
    "acks",
    "slo_snapshots",
    "runbook_run_leases",
    "runbook_run_takeovers",
}


def initial_sql() -> str:
    return (files("cockpit.store") / "migrations" / "0001_initial.sql").read_text("utf-8")


def migrations_v1(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "0001_initial.sql").write_text(initial_sql(), encoding="utf-8")
    return directory


def raw_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT version FROM schema_version").fetchone()[0])
    finally:
        conn.close()


def tables(store: Notebook) -> set[str]:
    rows = store.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row["name"] for row in rows}


def add_note(store: Notebook, body: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO notes (author, created_at, body) VALUES ('me', ?, ?)",
            ("2025-10-14T10:30:00.000000Z", body),
        )


def note_bodies(store: Notebook) -> list[str]:
    rows = store.connection.execute("SELECT body FROM notes ORDER BY id")
    return [row["body"] for row in rows]


# --- opening and migrating -------------------------------------------------------------


def test_new_file_gets_wal_foreign_keys_latest_schema_and_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "notebook.db"
    with open_notebook(path) as store:
        conn = store.connection
        assert store.path == path
        assert path.exists()
        assert store.schema_version == LATEST_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert conn.isolation_level is None
        assert isinstance(conn.execute("SELECT 1 AS one").fetchone(), sqlite3.Row)
        assert tables(store) == EXPECTED_TABLES
        assert store.backup_path is None
    assert [p.name for p in path.parent.iterdir() if ".bak-" in p.name] == []


def test_reopen_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "notebook.db"
    with open_notebook(path) as store:
        add_note(store, "kept")
    with open_notebook(path) as store:
        assert store.schema_version == LATEST_VERSION
        assert store.backup_path is None
        assert note_bodies(store) == ["kept"]
        rows = store.connection.execute("SELECT id, version FROM schema_version").fetchall()
        assert [tuple(r) for r in rows] == [(1, LATEST_VERSION)]
    assert not any(".bak-" in p.name for p in tmp_path.iterdir())


def test_upgrade_backs_up_old_data_first(tmp_path: Path) -> None:
    migrations = migrations_v1(tmp_path)
    path = tmp_path / "notebook.db"
    with open_notebook(path, migrations_dir=migrations) as store:
        assert store.schema_version == 1
        add_note(store, "before upgrade")

    (migrations / "0002_note_tags.sql").write_text(
        "ALTER TABLE notes ADD COLUMN tags TEXT NOT NULL DEFAULT '';\n"
        "UPDATE notes SET tags = 'migrated';\n",
        encoding="utf-8",
    )
    with open_notebook(path, migrations_dir=migrations) as store:
        assert store.schema_version == 2
        assert store.backup_path is not None
        rows = store.connection.execute("SELECT body, tags FROM notes").fetchall()
        assert [tuple(r) for r in rows] == [("before upgrade", "migrated")]
        backup = store.backup_path

    assert backup.parent == tmp_path
    assert re.fullmatch(r"notebook\.db\.bak-v1-\d{8}T\d{6}Z", backup.name), backup.name
    old = sqlite3.connect(backup)
    try:
        assert old.execute("SELECT version FROM schema_version").fetchone()[0] == 1
        assert old.execute("SELECT body FROM notes").fetchall() == [("before upgrade",)]
        columns = [row[1] for row in old.execute("PRAGMA table_info(notes)")]
        assert "tags" not in columns
    finally:
        old.close()
    assert raw_version(path) == 2


def test_broken_migration_rolls_back_and_names_the_file(tmp_path: Path) -> None:
    migrations = migrations_v1(tmp_path)
    path = tmp_path / "notebook.db"
    with open_notebook(path, migrations_dir=migrations) as store:
        add_note(store, "precious")

    (migrations / "0002_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\n"
        "UPDATE notes SET body = 'clobbered';\n"
        "INSERT INTO no_such_table VALUES (1);\n",
        encoding="utf-8",
    )
    with pytest.raises(NotebookError) as info:
        open_notebook(path, migrations_dir=migrations)
    message = str(info.value)
    assert "0002_broken.sql" in message
    assert "no such table: no_such_table" in message

    assert raw_version(path) == 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT body FROM notes").fetchall() == [("precious",)]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in names
    finally:
        conn.close()


def test_too_new_file_is_refused_and_left_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "notebook.db"
    with open_notebook(path) as store:
        add_note(store, "from the future")
        with store.transaction() as conn:
            conn.execute("UPDATE schema_version SET version = 99")
    # Out of WAL mode, so that even switching the journal mode would show in the bytes.
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    raw.close()
    before = path.read_bytes()
    listing = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(SchemaTooNewError) as info:
        open_notebook(path)
    message = str(info.value)
    assert "version 99" in message
    assert f"up to {LATEST_VERSION}" in message
    assert "Upgrade cockpit" in message
    assert (info.value.found, info.value.known) == (99, LATEST_VERSION)
    assert isinstance(info.value, NotebookError)

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_migration_files_must_be_numbered_without_gaps(tmp_path: Path) -> None:
    migrations = migrations_v1(tmp_path)
    (migrations / "0003_skipped_two.sql").write_text("SELECT 1;", encoding="utf-8")
    with pytest.raises(NotebookError, match=r"without gaps, found \[1, 3\]"):
        load_migrations(migrations)
    with pytest.raises(NotebookError):
        open_notebook(tmp_path / "x.db", migrations_dir=migrations)


def test_split_statements_keeps_triggers_and_quoted_semicolons() -> None:
    script = (
        "CREATE TABLE t (x TEXT); -- a comment; with a semicolon\n"
        "CREATE TRIGGER trg AFTER INSERT ON t BEGIN SELECT ';'; SELECT 2; END;\n"
        "INSERT INTO t VALUES ('a;b')"
    )
    assert split_statements(script) == [
        "CREATE TABLE t (x TEXT);",
        "-- a comment; with a semicolon\n"
        "CREATE TRIGGER trg AFTER INSERT ON t BEGIN SELECT ';'; SELECT 2; END;",
        "INSERT INTO t VALUES ('a;b')",
    ]


# --- schema rules ------------------------------------------------------------------------


def test_foreign_keys_cascade_and_refuse_orphans(tmp_path: Path) -> None:
    with open_notebook(tmp_path / "n.db") as store:
        incident = create_incident(
            store, title="db down", severity="Sev2", detected_at=T0, components=["db"]
        )
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
            conn.execute(
                "INSERT INTO incident_components (incident_id, component) VALUES ('INC-1', 'x')"
            )
        with store.transaction() as conn:
            conn.execute("DELETE FROM incidents WHERE id = ?", (incident.id,))
        for table in ("incident_components", "timeline_events"):
            count = store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert count == 0, table


def test_schema_refuses_non_canonical_timestamps_and_bad_enums(tmp_path: Path) -> None:
    with open_notebook(tmp_path / "n.db") as store:
        bad_rows = [
            ("2025-10-14 10:30:00", "Sev1"),  # not our timestamp shape
            ("2025-10-14T10:30:00+00:00", "Sev1"),
            ("2025-10-14T10:30:00.000000Z", "P1"),
        ]
        for detected_at, severity in bad_rows:
            with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
                conn.execute(
                    "INSERT INTO incidents (id, title, severity, detected_at, created_at,"
                    " updated_at) VALUES ('INC-1', 't', ?, ?, ?, ?)",
                    (severity, detected_at, detected_at, detected_at),
                )
        count = store.connection.execute("SELECT count(*) FROM incidents").fetchone()[0]
        assert count == 0


def test_integrity_check_is_empty_on_a_good_file_and_reports_orphans(tmp_path: Path) -> None:
    with open_notebook(tmp_path / "n.db") as store:
        create_incident(store, title="t", severity="Sev3", detected_at=T0)
        assert store.integrity_check() == []
        # Another tool writing with foreign keys off is how orphans really appear.
        store.connection.execute("PRAGMA foreign_keys = OFF")
        store.connection.execute(
            "INSERT INTO incident_components (incident_id, component) VALUES ('INC-9', 'x')"
        )
        problems = store.integrity_check()
        assert len(problems) == 1
        assert "incident_components" in problems[0]


# --- transactions and concurrency ---------------------------------------------------------


def test_transaction_rolls_back_on_error_and_nested_failure_is_contained(tmp_path: Path) -> None:
    with open_notebook(tmp_path / "n.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            add_note(store, "inner, undone with the outer")
            raise RuntimeError("boom")
        assert note_bodies(store) == []

        with store.transaction():
            add_note(store, "outer keeps this")
            with pytest.raises(RuntimeError), store.transaction():
                add_note(store, "inner undone")
                raise RuntimeError("inner boom")
        assert note_bodies(store) == ["outer keeps this"]
        assert not store.connection.in_transaction


def test_two_stores_on_one_file_interleave_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with open_notebook(path) as first, open_notebook(path) as second:
        for i in range(5):
            add_note(first, f"first {i}")
            add_note(second, f"second {i}")
        expected = [f"{who} {i}" for i in range(5) for who in ("first", "second")]
        assert note_bodies(first) == expected
        assert note_bodies(second) == expected


def test_writer_holding_a_transaction_makes_the_other_wait_not_fail(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    open_notebook(path).close()
    locked = threading.Event()
    errors: list[BaseException] = []

    def hold_lock() -> None:
        try:
            with open_notebook(path) as other, other.transaction() as conn:
                conn.execute(
                    "INSERT INTO notes (created_at, body) VALUES (?, 'from thread')",
                    ("2025-10-14T10:30:00.000000Z",),
                )
                locked.set()
                time.sleep(0.6)
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
            locked.set()

    with open_notebook(path) as store:
        worker = threading.Thread(target=hold_lock)
        worker.start()
        assert locked.wait(5)
        # WAL: reading while the other holds the write lock works and sees committed data only.
        assert note_bodies(store) == []
        started = time.monotonic()
        add_note(store, "from main")
        waited = time.monotonic() - started
        worker.join(5)
        assert errors == []
        assert waited > 0.3, "the write should have waited for the thread's lock"
        assert note_bodies(store) == ["from thread", "from main"]


def test_another_process_writing_while_we_read_and_write(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    open_notebook(path).close()
    script = (
        "import sys\n"
        "from cockpit.store import open_notebook\n"
        "with open_notebook(sys.argv[1]) as s:\n"
        "    for i in range(40):\n"
        "        with s.transaction() as c:\n"
        '            c.execute("INSERT INTO notes (created_at, body) VALUES "\n'
        "                      \"('2025-10-14T10:30:00.000000Z', ?)\", (f'child {i}',))\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(path)])
    try:
        with open_notebook(path) as store:
            for i in range(40):
                add_note(store, f"parent {i}")
                store.connection.execute("SELECT count(*) FROM notes").fetchone()
            assert child.wait(timeout=60) == 0
            bodies = note_bodies(store)
    finally:
        if child.poll() is None:
            child.kill()
    assert sorted(b for b in bodies if b.startswith("child")) == sorted(
        f"child {i}" for i in range(40)
    )
    assert [b for b in bodies if b.startswith("parent")] == [f"parent {i}" for i in range(40)]


# --- incidents ------------------------------------------------------------------------------


def test_incident_ids_stay_unique_within_one_second(tmp_path: Path) -> None:
    with open_notebook(tmp_path / "n.db") as store:
        assert new_incident_id(store, T0) == "INC-20251014-103000"
        ids = [
            create_incident(store, title=f"t{i}", severity="Sev3", detected_at=T0).id
            for i in range(3)
        ]
        assert ids == ["INC-20251014-103000", "INC-20251014-103000-2", "INC-20251014-103000-3"]
        # Same instant in another zone; sub-second differences share the second.
        same = T0.astimezone(timezone(timedelta(hours=2))) + timedelta(microseconds=900)
        assert new_incident_id(store, same) == "INC-20251014-103000-4"
        assert new_incident_id(store, T0 + timedelta(seconds=1)) == "INC-20251014-103001"


def test_create_incident_stores_fields_and_a_detected_event(tmp_path: Path) -> None:
    detected = datetime(2025, 10, 14, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    with open_notebook(tmp_path / "n.db") as store:
        record = create_incident(
            store,
            title="  Checkout errors  ",
            severity="Sev2",
            detected_at=detected,
            components=["payments", "checkout", "payments", " "],
            author="alice",
            description="5xx on /pay",
        )
        assert record.id == "INC-20251014-103000"
        assert record.title == "Checkout errors"
        assert (record.severity, record.status) == ("Sev2", "detected")
        assert record.detected_at == T0
        assert record.detected_at.tzinfo == UTC
        assert record.components == ("checkout", "payments")
        assert record.description == "5xx on /pay"
        assert record.created_at.tzinfo == UTC
        assert get_incident(store, record.id) == record
        assert get_incident(store, "INC-nope") is None

        events = store.connection.execute(
            "SELECT kind, body, author, incident_id, occurred_at FROM timeline_events"
        ).fetchall()
        assert [tuple(e) for e in events] == [
            ("status_change", "detected", "alice", record.id, "2025-10-14T10:30:00.000000Z")
        ]


def test_create_incident_refuses_bad_input(tmp_path: Path) -> None:
    with open_notebook(tmp_path / "n.db") as store:
        with pytest.raises(ValueError, match="timezone-aware"):
            create_incident(store, title="t", severity="Sev1", detected_at=datetime(2025, 1, 1))
        with pytest.raises(ValueError, match="severity"):
            create_incident(store, title="t", severity="P1", detected_at=T0)
        with pytest.raises(ValueError, match="title"):
            create_incident(store, title="  ", severity="Sev1", detected_at=T0)
        with pytest.raises(ValueError, match="timezone-aware"):
            new_incident_id(store, datetime(2025, 1, 1))
        assert store.connection.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0


def test_open_incidents_by_severity_then_newest(tmp_path: Path) -> None:
    with open_notebook(tmp_path / "n.db") as store:

        def make(title: str, severity: str, minutes: int) -> str:
            at = T0 + timedelta(minutes=minutes)
            return create_incident(store, title=title, severity=severity, detected_at=at).id

        make("old sev3", "Sev3", 0)
        make("sev1", "Sev1", 1)
        make("new sev3", "Sev3", 5)
        resolved = make("resolved sev1", "Sev1", 2)
        closed = make("closed sev2", "Sev2", 3)
        make("sev2", "Sev2", 4)
        with store.transaction() as conn:
            conn.execute("UPDATE incidents SET status = 'resolved' WHERE id = ?", (resolved,))
            conn.execute("UPDATE incidents SET status = 'closed' WHERE id = ?", (closed,))

        assert [r.title for r in open_incidents(store)] == ["sev1", "sev2", "new sev3", "old sev3"]


def test_stored_times_read_back_only_in_their_one_form() -> None:
    moment = datetime(2026, 3, 2, 12, 0, 5, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert to_db_time(moment) == "2026-03-02T10:00:05.123456Z"
    back = from_db_time(to_db_time(moment))
    assert back == moment and back.tzinfo is UTC
    for other in (
        "2026-03-02T10:00:05Z", "2026-03-02 10:00:05.123456Z", "2026-03-02T10:00:05,123456Z",
        "2026-03-02T10:00:05.123456+00:00", "2026-03-02T10:00:05.123456", "2026-W10-1T10:00",
        "2026-03-02T10:00:05.123456Z ", "\uff12026-03-02T10:00:05.123456Z", "",
    ):  # fmt: skip
        with pytest.raises(ValueError, match="does not match"):
            from_db_time(other)
