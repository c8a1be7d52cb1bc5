"""Is the notebook's schema what its version number says? For `cockpit doctor`.

The version row alone can lie: a migration interrupted half way (by an older cockpit, a
hand edit, or a copy taken mid-write) leaves tables of the next version beside the old
number, or a table missing. The shape the migrations 1..N build in memory is compared
with the file's: tables, their columns, indexes, triggers and views.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cockpit.store.notebook import (
    BUSY_TIMEOUT_MS,
    Migration,
    MigrationsDir,
    NotebookError,
    _read_version,
    load_migrations,
    split_statements,
)

# Kept by the store itself, not by a migration.
_OWN = frozenset(
    {"table schema_version", "column schema_version.id", "column schema_version.version"}
)


@dataclass(frozen=True)
class SchemaState:
    version: int  # what the file says
    latest: int  # what this cockpit knows
    problems: tuple[str, ...]  # empty: the shape matches the version

    @property
    def too_new(self) -> bool:
        return self.version > self.latest


def _shape(conn: sqlite3.Connection) -> set[str]:
    found: set[str] = set()
    rows = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for kind, name in rows:
        found.add(f"{kind} {name}")
        if kind == "table":
            for column in conn.execute(f"PRAGMA table_info({_quote(name)})").fetchall():
                found.add(f"column {name}.{column[1]}")
    return found - _OWN


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _built(migrations: list[Migration]) -> set[str]:
    conn = sqlite3.connect(":memory:")
    try:
        for migration in migrations:
            for statement in split_statements(migration.sql):
                conn.execute(statement)
        return _shape(conn)
    finally:
        conn.close()


def check_schema(path: str | Path, *, migrations_dir: MigrationsDir | None = None) -> SchemaState:
    """Read-only: the file's version against this cockpit's, and its shape against both."""
    migrations = load_migrations(migrations_dir)
    latest = len(migrations)
    uri = f"file:{Path(path).resolve()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            version = _read_version(conn)
            actual = _shape(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise NotebookError(f"cannot read {path}: {exc}") from exc
    if version > latest:
        return SchemaState(version, latest, ())
    expected = _built(migrations[:version])
    problems: list[str] = []
    missing = _without_columns_of_missing_tables(expected - actual)
    if missing:
        problems.append(f"schema v{version} should have {_names(missing)}, but the file has not")
    if version < latest:
        following = migrations[version]
        early = _without_columns_of_missing_tables(
            (_built(migrations[: version + 1]) - expected) & actual
        )
        if early:
            problems.append(
                f"migration {following.filename} was applied half way: {_names(early)} "
                f"exist, but the schema version still says {version}"
            )
    return SchemaState(version, latest, tuple(problems))


def _without_columns_of_missing_tables(items: set[str]) -> list[str]:
    """A missing table, not also each of its columns; tables first."""
    tables = {item.split(" ", 1)[1] for item in items if item.startswith("table ")}
    kept = [
        item
        for item in items
        if not (item.startswith("column ") and item[7:].split(".", 1)[0] in tables)
    ]
    return sorted(kept, key=lambda item: (not item.startswith("table "), item))


def _names(items: list[str], most: int = 4) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")
