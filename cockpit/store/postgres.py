"""The notebook on a PostgreSQL server: what a team shares.

The same store code runs here as on the SQLite file: ``PgConnection`` gives psycopg's
connection the ``Connection`` shape of ``store/sql.py`` (``?`` placeholders, rows by
position and by name). Writes keep SQLite's semantics: every write transaction first takes
one transaction-scoped advisory lock, so writers queue one at a time exactly as
``BEGIN IMMEDIATE`` makes them queue on the file, and a check made inside a transaction
(a lifecycle move, a lease, the recording duty) still holds when the write commits.
Migrations are the numbered files in ``migrations/postgresql/``, in step with the SQLite
ones, each in its own transaction under the same lock.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from importlib.resources import files
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import RowFactory, RowMaker

from cockpit.model.notebook_url import redact
from cockpit.store.notebook import (
    BUMP_CHANGES,
    WRITE_WAIT_S,
    MigrationsDir,
    Notebook,
    NotebookBusyError,
    NotebookError,
    NotebookIntegrityError,
    SchemaTooNewError,
    load_migrations,
)
from cockpit.store.sql import qmark_to_format

# One key for the whole notebook: writers queue on it as on SQLite's write lock.
WRITE_LOCK_KEY = 0x636F636B  # "cock"
CONNECT_TIMEOUT_S = 10
# Every write that is not quiet sends this as it commits; store/changes.py listens on it.
CHANNEL = "cockpit_notebook"
PASSWORD_HINT = (
    "give the notebook's password with `cockpit secret set notebook` (or "
    "COCKPIT_SECRET_NOTEBOOK, or libpq's PGPASSWORD / ~/.pgpass), never in the URL"
)


def default_migrations_dir() -> MigrationsDir:
    return files("cockpit.store") / "migrations" / "postgresql"


class PgRow(tuple[Any, ...]):
    """A row by position (``row[0]``) or by column name (``row["id"]``), as sqlite3.Row."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise IndexError(f"no column {key!r}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor[Any]) -> RowMaker[PgRow]:
    names = tuple(column.name for column in cursor.description or ())
    row_type = type("Row", (PgRow,), {"_names": names})

    def make(values: Sequence[Any]) -> PgRow:
        row: PgRow = row_type(values)
        return row

    return make


class PgCursor:
    def __init__(self, cursor: psycopg.Cursor[PgRow]) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self) -> PgRow | None:
        if self._cursor.description is None:
            return None
        return self._cursor.fetchone()

    def fetchall(self) -> list[PgRow]:
        if self._cursor.description is None:
            return []
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[PgRow]:
        return iter(self.fetchall())


class PgConnection:
    """psycopg's connection in the shape store code uses; errors become NotebookError."""

    def __init__(self, conn: psycopg.Connection[PgRow], where: str) -> None:
        self.raw = conn
        self._where = where

    def execute(self, sql: str, parameters: Any = (), /) -> PgCursor:
        cursor = self.raw.cursor()
        try:
            cursor.execute(qmark_to_format(sql), tuple(parameters))
        except psycopg.Error as exc:
            raise _notebook_error(exc, self._where) from exc
        return PgCursor(cursor)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> PgCursor:
        cursor = self.raw.cursor()
        try:
            cursor.executemany(qmark_to_format(sql), [tuple(p) for p in parameters])
        except psycopg.Error as exc:
            raise _notebook_error(exc, self._where) from exc
        return PgCursor(cursor)


class PgNotebookError(NotebookError):
    """The server refused or failed; ``sqlstate`` is PostgreSQL's code for it."""

    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class PgIntegrityError(PgNotebookError, NotebookIntegrityError):
    """A constraint or trigger refused the write (SQLSTATE class 23)."""


def _notebook_error(exc: psycopg.Error, where: str) -> NotebookError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, psycopg.IntegrityError) or (exc.sqlstate or "").startswith("23"):
        return PgIntegrityError(f"{where}: {first}", exc.sqlstate)
    return PgNotebookError(f"{where}: {first}", exc.sqlstate)


def connect(
    url: str,
    password: str | None,
    *,
    application_name: str,
    row_factory: RowFactory[Any] | None = None,
) -> psycopg.Connection[Any]:
    """An autocommit connection to the notebook's server; ``PgNotebookError`` says why not
    in libpq's words, and where the password goes when that is the trouble."""
    extra = {"password": password} if password else {}
    conninfo = psycopg.conninfo.make_conninfo(
        url, connect_timeout=CONNECT_TIMEOUT_S, application_name=application_name, **extra
    )
    try:
        if row_factory is None:
            return psycopg.connect(conninfo, autocommit=True)
        return psycopg.connect(conninfo, autocommit=True, row_factory=row_factory)
    except psycopg.Error as exc:
        # libpq says "connection failed: connection to server at ... failed: WHY".
        why = str(exc).strip().splitlines()[0].rsplit("failed: ", 1)[-1]
        why = why.removeprefix("FATAL:").strip()
        if "password" in why:
            why = f"{why}; {PASSWORD_HINT}"
        raise PgNotebookError(f"cannot connect to {redact(url)}: {why}", exc.sqlstate) from exc


class PostgresNotebook(Notebook):
    """One connection to the team's notebook database. One per thread, as on SQLite."""

    backend = "postgresql"

    def __init__(
        self,
        url: str,
        *,
        migrations_dir: MigrationsDir | None = None,
        write_wait: float = WRITE_WAIT_S,
        password: str | None = None,
        migrate: bool = True,
        me: str | None = None,
    ) -> None:
        self.url = url
        self.me = me
        self.where = redact(url)
        self.write_wait = write_wait
        self.backup_path = None
        self._savepoints = 0
        migrations = load_migrations(migrations_dir or default_migrations_dir())
        raw = connect(url, password, application_name="cockpit", row_factory=_row_factory)
        self.pg = PgConnection(raw, self.where)
        self.connection = self.pg
        try:
            # cockpit_me() (migration 9) reads it: who this session's writes are by.
            self.pg.execute("SELECT set_config('cockpit.me', ?, false)", (me or "",))
            # A check (`cockpit doctor`) looks without migrating: it reads the version only.
            self.schema_version = self._prepare(migrations) if migrate else self._read_version()
            found = self.pg.execute("SELECT to_regclass('notebook_changes')").fetchone()
            self.counts_changes = found is not None and found[0] is not None
            self.read_only = self._read_only_why()
        except BaseException:
            raw.close()
            raise

    @property
    def target(self) -> str:
        return self.url

    def describe(self) -> str:
        return self.where

    def _prepare(self, migrations: Sequence[Any]) -> int:
        latest = len(migrations)
        version = self._read_version()
        if version > latest:
            raise SchemaTooNewError(self.where, version, latest)
        for migration in migrations[version:]:
            with self.transaction(quiet=True) as conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
                )
                conn.execute(
                    "INSERT INTO schema_version (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING"
                )
                current = int(conn.execute("SELECT version FROM schema_version").fetchall()[0][0])
                if current >= migration.version:
                    continue  # another cockpit applied it while we waited for the lock
                if current != migration.version - 1:
                    raise NotebookError(
                        f"{self.where} is at version {current}; cannot apply {migration.filename}"
                    )
                try:
                    self.pg.raw.execute(migration.sql.encode())
                except psycopg.Error as exc:
                    raise _notebook_error(
                        exc, f"migration {migration.filename} failed on {self.where}"
                    ) from exc
                conn.execute(
                    "UPDATE schema_version SET version = ? WHERE id = 1", (migration.version,)
                )
        return self._read_version()

    def _read_only_why(self) -> str | None:
        """Why this role may only read the notebook, None when it may write it (checked
        on the table every user action writes: the timeline)."""
        if self.schema_version < 1:
            return None
        user, may_write = self.pg.execute(
            "SELECT current_user, has_table_privilege('timeline_events', 'INSERT')"
        ).fetchall()[0]
        return None if may_write else f"the role {user} may only read {self.where}"

    def _read_version(self) -> int:
        exists = self.connection.execute("SELECT to_regclass('schema_version')").fetchone()
        if exists is None or exists[0] is None:
            return 0
        row = self.connection.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def transaction(self, *, quiet: bool = False) -> Iterator[PgConnection]:
        """BEGIN, the notebook's write lock, the body, COMMIT (or ROLLBACK on error);
        nested use is a savepoint, as on SQLite."""
        raw = self.pg.raw
        self.refuse_if_read_only()
        if raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            self._savepoints += 1
            name = f"cockpit_sp_{self._savepoints}"
            raw.execute(f"SAVEPOINT {name}")
            try:
                yield self.pg
            except BaseException:
                raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
                raw.execute(f"RELEASE SAVEPOINT {name}")
                raise
            finally:
                self._savepoints -= 1
            raw.execute(f"RELEASE SAVEPOINT {name}")
            return
        self._begin_write()
        try:
            yield self.pg
            if not quiet and self.counts_changes:
                self.pg.execute(BUMP_CHANGES)
                # Delivered when the write commits, carrying the counter it moved to, so a
                # watch that has already seen that count can let the signal pass.
                self.pg.execute(
                    "SELECT pg_notify(?, counter::text) FROM notebook_changes WHERE id = 1",
                    (CHANNEL,),
                )
        except BaseException:
            self._rollback_quietly()
            raise
        try:
            raw.execute("COMMIT")
        except psycopg.Error as exc:
            self._rollback_quietly()
            raise _notebook_error(exc, f"cannot commit to {self.where}") from exc

    def _begin_write(self) -> None:
        raw = self.pg.raw
        started = time.monotonic()
        try:
            raw.execute("BEGIN")
            raw.execute(f"SET LOCAL lock_timeout = {max(1, int(self.write_wait * 1000))}")
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        except pg_errors.LockNotAvailable:
            self._rollback_quietly()
            waited = time.monotonic() - started
            raise NotebookBusyError(
                f"the notebook {self.where} is locked: another cockpit held its write lock "
                f"for over {waited:.0f} s; nothing was written, try again when it is done"
            ) from None
        except psycopg.Error as exc:
            self._rollback_quietly()
            raise _notebook_error(exc, f"cannot start a write on {self.where}") from exc

    def _rollback_quietly(self) -> None:
        raw = self.pg.raw
        if raw.closed:
            return
        if raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            with suppress(psycopg.Error):  # the original error is the one worth reporting
                raw.execute("ROLLBACK")

    def integrity_check(self) -> list[str]:
        """The server keeps its own data sound; nothing to check from here."""
        return []

    def close(self) -> None:
        self.pg.raw.close()

    def __repr__(self) -> str:
        return f"PostgresNotebook({self.where!r}, schema_version={self.schema_version})"
