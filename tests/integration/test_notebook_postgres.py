"""The notebook on a real PostgreSQL server: migrations in step with SQLite's, writers
queued as on the file, a newer schema refused, passwords kept out of messages."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from cockpit.model.notebook_url import redact
from cockpit.store import NotebookBusyError, NotebookError, SchemaTooNewError, open_notebook
from cockpit.store.notebook import LATEST_VERSION, load_migrations
from cockpit.store.postgres import default_migrations_dir
from cockpit.store.sql import qmark_to_format
from tests.pg_server import PgServer


def test_placeholders_become_psycopgs_and_literal_percents_survive() -> None:
    assert qmark_to_format("SELECT a FROM t WHERE b = ? AND c LIKE ?") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE %s"
    )
    # A ? or % inside a quoted string is text, not a placeholder.
    assert qmark_to_format("SELECT '?', 'a%b' WHERE x = ?") == "SELECT '?', 'a%%b' WHERE x = %s"
    assert qmark_to_format('SELECT "odd?name" FROM t WHERE n % 2 = ?') == (
        'SELECT "odd?name" FROM t WHERE n %% 2 = %s'
    )


def test_both_backends_have_the_same_numbered_migrations() -> None:
    sqlite_side = [(m.version, m.filename) for m in load_migrations()]
    pg_side = [(m.version, m.filename) for m in load_migrations(default_migrations_dir())]
    assert pg_side == sqlite_side
    assert len(pg_side) == LATEST_VERSION


def _sqlite_columns(path: Path) -> dict[str, set[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in tables}
    finally:
        conn.close()


def test_both_backends_make_the_same_tables_and_columns(pg_server: Any, tmp_path: Path) -> None:
    open_notebook(tmp_path / "n.sqlite3").close()
    with open_notebook(pg_server.database()) as notebook:
        rows = notebook.connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public'"
        ).fetchall()
    pg_columns: dict[str, set[str]] = {}
    for table, column in rows:
        pg_columns.setdefault(str(table), set()).add(str(column))
    assert pg_columns == _sqlite_columns(tmp_path / "n.sqlite3")


def test_reopening_applies_nothing_twice(pg_server: Any) -> None:
    url = pg_server.database()
    with open_notebook(url) as first:
        assert first.schema_version == LATEST_VERSION
        assert first.backend == "postgresql"
    with open_notebook(url) as second:
        assert second.schema_version == LATEST_VERSION
        rows = second.connection.execute("SELECT version FROM schema_version").fetchall()
    assert [tuple(r) for r in rows] == [(LATEST_VERSION,)]


def test_cockpits_starting_together_on_an_empty_database_migrate_it_once(pg_server: Any) -> None:
    url = pg_server.database()
    versions: list[int] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            with open_notebook(url) as notebook:
                versions.append(notebook.schema_version)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert versions == [LATEST_VERSION] * 4


def test_a_newer_schema_is_refused_and_left_alone(pg_server: Any) -> None:
    url = pg_server.database()
    with open_notebook(url) as notebook, notebook.transaction() as conn:
        conn.execute("UPDATE schema_version SET version = 99 WHERE id = 1")
    with pytest.raises(SchemaTooNewError, match=r"schema version 99.*only knows versions up to"):
        open_notebook(url)
    raw = pg_server.psql("SELECT version FROM schema_version", url.rsplit("/", 1)[1])
    assert raw.strip() == "99"


def test_writers_queue_and_a_long_holder_is_named_busy(pg_server: Any) -> None:
    url = pg_server.database()
    holder = open_notebook(url)
    waiter = open_notebook(url, write_wait=0.3)
    try:
        with holder.transaction() as conn:
            conn.execute(
                "INSERT INTO notes (author, created_at, body) VALUES (?, ?, ?)",
                ("alice", "2026-12-05T06:00:00.000000Z", "held"),
            )
            busy = pytest.raises(NotebookBusyError, match="locked: another cockpit held")
            with busy, waiter.transaction() as other:
                other.execute("SELECT 1")
        # Once the holder commits, the waiter writes, and sees the holder's row.
        with waiter.transaction() as conn:
            conn.execute(
                "INSERT INTO notes (author, created_at, body) VALUES (?, ?, ?)",
                ("bob", "2026-12-05T06:00:01.000000Z", "after"),
            )
        bodies = [
            r["body"] for r in waiter.connection.execute("SELECT body FROM notes ORDER BY id")
        ]
        assert bodies == ["held", "after"]
    finally:
        holder.close()
        waiter.close()


def test_a_failed_write_leaves_nothing_and_a_savepoint_undoes_only_its_part(
    pg_server: Any,
) -> None:
    with open_notebook(pg_server.database()) as notebook:
        with pytest.raises(RuntimeError), notebook.transaction() as conn:
            conn.execute(
                "INSERT INTO notes (created_at, body) VALUES (?, ?)",
                ("2026-12-05T06:00:00.000000Z", "lost"),
            )
            raise RuntimeError("the write fails halfway")
        with notebook.transaction() as conn:
            conn.execute(
                "INSERT INTO notes (created_at, body) VALUES (?, ?)",
                ("2026-12-05T06:00:00.000000Z", "kept"),
            )
            with pytest.raises(NotebookError), notebook.transaction() as inner:
                inner.execute("INSERT INTO notes (created_at, body) VALUES (?, ?)", ("bad", "x"))
        rows = notebook.connection.execute("SELECT body FROM notes").fetchall()
    assert [r[0] for r in rows] == ["kept"]


def test_a_password_never_appears_in_a_message(pg_server: Any) -> None:
    url = f"postgresql://cockpit_admin:s3cret-pw@127.0.0.1:{pg_server.port}/no_such_db"
    assert "s3cret-pw" not in redact(url)
    with pytest.raises(NotebookError) as refused:
        open_notebook(url)
    assert "s3cret-pw" not in str(refused.value)
    assert "no_such_db" in str(refused.value)


def test_the_test_server_itself_goes_away(tmp_path: Path) -> None:
    # Guards the fixture: a cluster made for a test is stopped and its directory removed.
    with PgServer() as server:
        root, port = server.root, server.port
        assert server.psql("SELECT 1").strip() == "1"
    assert not root.exists()
    import socket

    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_a_durable_test_server_syncs_its_commits(pg_server: Any) -> None:
    assert pg_server.psql("SHOW fsync").strip() == "off"  # the tests' throw-away cluster
    with PgServer(durable=True) as durable:  # the bench's
        assert durable.psql("SHOW fsync").strip() == "on"
        assert durable.psql("SHOW synchronous_commit").strip() == "on"
