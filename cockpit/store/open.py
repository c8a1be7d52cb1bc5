"""Open the notebook a target names: a SQLite file path, or a ``postgresql://`` URL."""

from __future__ import annotations

import os
from pathlib import Path

from cockpit.store.notebook import WRITE_WAIT_S, MigrationsDir, Notebook, SqliteNotebook
from cockpit.store.notebook_url import is_url


def open_notebook(
    target: str | os.PathLike[str],
    *,
    migrations_dir: MigrationsDir | None = None,
    write_wait: float = WRITE_WAIT_S,
    password: str | None = None,
) -> Notebook:
    """The notebook at ``target``, migrated to this cockpit's schema. A URL opens the
    team's PostgreSQL database (psycopg is imported only then); anything else is a file."""
    if is_url(target):
        from cockpit.store.postgres import PostgresNotebook

        return PostgresNotebook(
            str(target), migrations_dir=migrations_dir, write_wait=write_wait, password=password
        )
    return SqliteNotebook(Path(target), migrations_dir=migrations_dir, write_wait=write_wait)
