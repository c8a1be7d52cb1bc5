"""The numbered migration files: ``NNNN_name.sql``, 1, 2, 3... with no gaps, one set per
backend (``migrations/`` for SQLite, ``migrations/postgresql/``)."""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from cockpit.store.errors import NotebookError

# Tests (and tools) point a Notebook at their own migrations directory.
MigrationsDir = Traversable | str | os.PathLike[str]

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    filename: str
    sql: str


def default_migrations_dir() -> Traversable:
    return files("cockpit.store") / "migrations"


def load_migrations(directory: MigrationsDir | None = None) -> list[Migration]:
    """Read ``NNNN_name.sql`` files, checking they number 1, 2, 3... with no gaps."""
    root: Traversable
    if directory is None:
        root = default_migrations_dir()
    elif isinstance(directory, str | os.PathLike):
        root = Path(directory)
    else:
        root = directory
    found: dict[int, Migration] = {}
    for entry in root.iterdir():
        if not entry.is_file() or not entry.name.endswith(".sql"):
            continue
        match = _MIGRATION_NAME.match(entry.name)
        if match is None:
            raise NotebookError(f"migration file {entry.name} is not named NNNN_name.sql")
        version = int(match.group(1))
        if version in found:
            raise NotebookError(
                f"two migrations share version {version}: {found[version].filename}, {entry.name}"
            )
        found[version] = Migration(version, entry.name, entry.read_text(encoding="utf-8"))
    versions = sorted(found)
    if versions != list(range(1, len(versions) + 1)):
        raise NotebookError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return [found[v] for v in versions]


def split_statements(script: str) -> list[str]:
    """Split a SQL script into single statements (triggers and quoted ';' survive).

    Needed because ``executescript`` commits any open transaction first, which would
    break "one migration, one transaction".
    """
    statements: list[str] = []
    pending = ""
    pieces = script.split(";")
    for index, piece in enumerate(pieces):
        pending += piece
        if index < len(pieces) - 1:
            pending += ";"
            if sqlite3.complete_statement(pending):
                statements.append(pending.strip())
                pending = ""
    if pending.strip():
        # A last statement without ';' (or trailing comments) still runs.
        statements.append(pending.strip())
    return statements
