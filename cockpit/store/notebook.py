"""The notebook file: connection settings, migrations, backups and integrity checks.

Several cockpit processes may share one file, so every write goes through
``Notebook.transaction()`` (BEGIN IMMEDIATE, short) and the file runs in WAL mode so
readers never wait for writers.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from cockpit.model.timeline import require_aware
from cockpit.store.errors import (
    NotebookBusyError as NotebookBusyError,
)
from cockpit.store.errors import (
    NotebookError as NotebookError,
)
from cockpit.store.errors import (
    NotebookIntegrityError as NotebookIntegrityError,
)
from cockpit.store.errors import (
    NotebookReadOnlyError as NotebookReadOnlyError,
)
from cockpit.store.errors import (
    SchemaTooNewError as SchemaTooNewError,
)
from cockpit.store.migration_files import (
    Migration as Migration,
)
from cockpit.store.migration_files import (
    MigrationsDir as MigrationsDir,
)
from cockpit.store.migration_files import (
    default_migrations_dir as default_migrations_dir,
)
from cockpit.store.migration_files import (
    load_migrations as load_migrations,
)
from cockpit.store.migration_files import (
    split_statements as split_statements,
)
from cockpit.store.notebook_file import describe_error, lock_holders, make_private
from cockpit.store.sql import Connection, Cursor

BUSY_TIMEOUT_MS = 5000
# How long a write waits for another process's write lock before it says who holds it
# (the screen passes less: it must not freeze).
WRITE_WAIT_S = BUSY_TIMEOUT_MS / 1000
_WAIT_SLICE_MS = 500
# Told once per waiting write, e.g. the CLI prints "notebook busy, waiting…" on stderr.
busy_notice: Callable[[str], None] | None = None

# Moved by every write that is not quiet; see migration 0008 and store/changes.py.
BUMP_CHANGES = "UPDATE notebook_changes SET counter = counter + 1 WHERE id = 1"

_DB_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_DB_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def to_db_time(value: datetime) -> str:
    """Canonical stored form: UTC, microseconds, 'Z'. Fixed width, so text order is time order."""
    require_aware(value, "timestamp")
    return value.astimezone(UTC).strftime(_DB_TIME_FORMAT)


def from_db_time(text: str) -> datetime:
    """The stored form back to an aware UTC datetime; any other form is a ValueError.
    (``fromisoformat`` behind a strict pattern: ``strptime`` cost 15 µs a value, most of
    the weekly review's time.)"""
    if _DB_TIME.fullmatch(text) is None:
        raise ValueError(f"time data {text!r} does not match format {_DB_TIME_FORMAT!r}")
    return datetime.fromisoformat(text)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id(cursor: Cursor, what: str) -> int:
    """The id an ``INSERT ... RETURNING id`` gave back (the portable form of lastrowid)."""
    row = cursor.fetchone()
    if row is None:
        raise NotebookError(f"the notebook returned no id for the new {what}")
    return int(row[0])


LATEST_VERSION: int = len(load_migrations())


def _read_version(conn: sqlite3.Connection) -> int:
    # fetchall, not fetchone: a half-read cursor keeps a read transaction open, and
    # the WAL switch that follows refuses to run inside one.
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchall()
    if not exists:
        return 0
    rows = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchall()
    return int(rows[0][0]) if rows else 0


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    # A notebook made from a test's own migrations may lack the change counter.
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchall()
    return bool(found)


def _integrity_problems(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    problems = [str(row[0]) for row in rows if str(row[0]) != "ok"]
    for row in conn.execute("PRAGMA foreign_key_check").fetchall():
        problems.append(
            f"foreign key violation: {row[0]} rowid {row[1]} points at missing {row[2]}"
        )
    return problems


def inspect_readonly(path: str | os.PathLike[str]) -> tuple[int, list[str]]:
    """(schema version, integrity problems) of an existing file, opened read-only: a check
    must not migrate, back up or create the notebook it is looking at."""
    uri = f"file:{Path(path).resolve()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise NotebookError(f"cannot open {path} read-only: {exc}") from exc
    try:
        return _read_version(conn), _integrity_problems(conn)
    except sqlite3.Error as exc:
        raise NotebookError(f"cannot read {path}: {exc}") from exc
    finally:
        conn.close()


class Notebook:
    """The notebook, whichever backend holds it: a local SQLite file (``SqliteNotebook``)
    or a team's PostgreSQL database (``store/postgres.PostgresNotebook``). Store code uses
    only what is here: ``connection`` for reads, ``transaction()`` for writes (one at a
    time across every process on the notebook; nested use is a savepoint), ``close()``.
    One Notebook per thread; open another (``open_notebook(nb.target)``) for a worker."""

    backend: str
    connection: Connection
    schema_version: int
    write_wait: float
    # Whether writes move the change counter (migration 8); see transaction().
    counts_changes: bool = False
    # Who this cockpit writes as (``[oncall] me``): the SQL function cockpit_me() gives it
    # to the writers, which put it in each row's written_by (migration 9).
    me: str | None = None
    # Why this cockpit may only read the notebook (a PostgreSQL role without write
    # grants), None when it may write. Every write is then refused before it is tried.
    read_only: str | None = None
    # Where the last migration left a copy of the notebook as it was (SQLite files only).
    backup_path: Path | None

    @property
    def target(self) -> Path | str:
        """What ``open_notebook`` takes to open this notebook again (a path or a URL)."""
        raise NotImplementedError

    def describe(self) -> str:
        """The notebook for messages: a path, or a URL without its password."""
        raise NotImplementedError

    def transaction(self, *, quiet: bool = False) -> AbstractContextManager[Connection]:
        """One write, all or nothing. Unless ``quiet`` (a heartbeat), it moves the change
        counter, so the other cockpits on this notebook reload (store/changes.py)."""
        raise NotImplementedError

    def integrity_check(self) -> list[str]:
        raise NotImplementedError

    def refuse_if_read_only(self) -> None:
        if self.read_only is not None:
            raise NotebookReadOnlyError(
                f"nothing was written: {self.read_only} (a role with write grants is in "
                "docs/team-notebook.md, 'The role a cockpit needs')"
            )

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


class SqliteNotebook(Notebook):
    """One open notebook file. Use one per thread; open another for a worker thread."""

    backend = "sqlite"
    connection: sqlite3.Connection

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        migrations_dir: MigrationsDir | None = None,
        write_wait: float = WRITE_WAIT_S,
        me: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.write_wait = write_wait
        self.me = me
        self.backup_path: Path | None = None
        self._savepoints = 0
        migrations = load_migrations(migrations_dir)
        latest = len(migrations)
        try:
            make_private(self.path)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except (sqlite3.Error, OSError) as exc:
            raise NotebookError(
                f"cannot open {self.path}: {describe_error(exc, self.path)}"
            ) from exc
        conn.row_factory = sqlite3.Row
        conn.create_function("cockpit_me", 0, lambda: self.me, deterministic=True)
        self.connection = conn
        try:
            self.schema_version = self._prepare(migrations, latest)
            self.counts_changes = _has_table(conn, "notebook_changes")
        except BaseException:
            conn.close()
            raise

    def _prepare(self, migrations: list[Migration], latest: int) -> int:
        conn = self.connection
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            # Checked before anything that could write (even the WAL switch rewrites the
            # header): a file from a newer cockpit must stay byte-for-byte as it was.
            version = _read_version(conn)
        except sqlite3.Error as exc:
            raise NotebookError(
                f"cannot read {self.path}: {describe_error(exc, self.path)}"
            ) from exc
        if version > latest:
            raise SchemaTooNewError(self.path, version, latest)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.Error as exc:
            raise NotebookError(f"cannot switch {self.path} to WAL mode: {exc}") from exc
        if version < latest:
            self._backup_if_needed(latest)
            for migration in migrations[version:]:
                self._apply(migration)
            version = _read_version(conn)
        return version

    def _backup_if_needed(self, latest: int) -> None:
        conn = self.connection
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise NotebookError(f"cannot lock {self.path} to back it up: {exc}") from exc
        try:
            # Re-read under the write lock: another process may have upgraded meanwhile.
            old = _read_version(conn)
            if 1 <= old < latest:
                self.backup_path = self._backup(old)
        finally:
            conn.execute("ROLLBACK")

    def _backup(self, old_version: int) -> Path:
        stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
        base = f"{self.path.name}.bak-v{old_version}-{stamp}"
        target = self.path.with_name(base)
        counter = 2
        while target.exists():
            # Two processes upgrading in the same second must not overwrite each other.
            target = self.path.with_name(f"{base}-{counter}")
            counter += 1
        # The backup API refuses a source connection that holds a write lock, so read
        # through a second connection while ours keeps writers out.
        source = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            make_private(target)
            dest = sqlite3.connect(target)
        except (sqlite3.Error, OSError) as exc:
            source.close()
            raise NotebookError(f"cannot back up {self.path} to {target}: {exc}") from exc
        try:
            source.backup(dest)
        except sqlite3.Error as exc:
            dest.close()
            target.unlink(missing_ok=True)
            raise NotebookError(f"cannot back up {self.path} to {target}: {exc}") from exc
        finally:
            source.close()
            dest.close()
        return target

    def _apply(self, migration: Migration) -> None:
        conn = self.connection
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise NotebookError(
                f"cannot lock {self.path} to apply migration {migration.filename}: {exc}"
            ) from exc
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " id INTEGER PRIMARY KEY CHECK (id = 1),"
                " version INTEGER NOT NULL)"
            )
            conn.execute("INSERT OR IGNORE INTO schema_version (id, version) VALUES (1, 0)")
            current = _read_version(conn)
            if current >= migration.version:
                # Another process applied it between our version read and our lock.
                conn.execute("ROLLBACK")
                return
            if current != migration.version - 1:
                raise NotebookError(
                    f"{self.path} is at version {current}; cannot apply {migration.filename}"
                )
            for statement in split_statements(migration.sql):
                conn.execute(statement)
            conn.execute("UPDATE schema_version SET version = ? WHERE id = 1", (migration.version,))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback_quietly()
            raise NotebookError(
                f"migration {migration.filename} failed on {self.path}: {exc}; "
                f"the file stays at version {migration.version - 1}"
            ) from exc
        except BaseException:
            self._rollback_quietly()
            raise

    def _rollback_quietly(self) -> None:
        if self.connection.in_transaction:
            # The original error is the one worth reporting; SQLite may already have
            # rolled back on its own.
            with suppress(sqlite3.Error):
                self.connection.execute("ROLLBACK")

    @contextmanager
    def transaction(self, *, quiet: bool = False) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error. Keep the body short.

        Taking the write lock up front means a busy file makes us wait (busy_timeout)
        at BEGIN rather than fail later on a read-to-write upgrade. Nested use becomes a
        savepoint, so an inner failure the caller catches undoes only the inner part.
        """
        conn = self.connection
        self.refuse_if_read_only()
        if conn.in_transaction:
            self._savepoints += 1
            name = f"cockpit_sp_{self._savepoints}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._savepoints -= 1
            conn.execute(f"RELEASE {name}")
            return
        self._begin_write()
        try:
            yield conn
            if not quiet and self.counts_changes:
                conn.execute(BUMP_CHANGES)
        except BaseException:
            self._rollback_quietly()
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            self._rollback_quietly()
            raise

    def _begin_write(self) -> None:
        """BEGIN IMMEDIATE, waiting up to ``write_wait`` for another process's write lock:
        in short slices, so the wait is said once ("notebook busy, waiting…") and its end
        names who held the lock."""
        conn = self.connection
        deadline = time.monotonic() + self.write_wait
        told = False
        try:
            while True:
                left_ms = int((deadline - time.monotonic()) * 1000)
                conn.execute(f"PRAGMA busy_timeout = {max(0, min(_WAIT_SLICE_MS, left_ms))}")
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, 6):  # 6: LOCKED
                        raise
                    if time.monotonic() >= deadline:
                        raise NotebookBusyError(self._busy_message()) from None
                if not told and busy_notice is not None:
                    told = True
                    busy_notice(self._busy_message(waiting=True))
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _busy_message(self, *, waiting: bool = False) -> str:
        holders = lock_holders(self.path)
        who = ", ".join(holders) if holders else "another process"
        if waiting:
            return f"notebook busy, waiting… ({who} is writing to {self.path})"
        return (
            f"the notebook {self.path} is locked: {who} held its write lock for over "
            f"{self.write_wait:g} s; nothing was written, try again when it is done"
        )

    def integrity_check(self) -> list[str]:
        """Problems found by SQLite's own checks; an empty list means the file is sound."""
        return _integrity_problems(self.connection)

    def close(self) -> None:
        self.connection.close()

    @property
    def target(self) -> Path:
        return self.path

    def describe(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"SqliteNotebook({str(self.path)!r}, schema_version={self.schema_version})"
