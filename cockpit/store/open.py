"""Open the notebook a target names: a SQLite file path, or a ``postgresql://`` URL."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from cockpit.model.notebook_url import is_url
from cockpit.store.notebook import (
    WRITE_WAIT_S,
    MigrationsDir,
    Notebook,
    NotebookError,
    SqliteNotebook,
)


def open_notebook(
    target: str | os.PathLike[str],
    *,
    migrations_dir: MigrationsDir | None = None,
    write_wait: float = WRITE_WAIT_S,
    password: str | None = None,
    me: str | None = None,
) -> Notebook:
    """The notebook at ``target``, migrated to this cockpit's schema. A URL opens the
    team's PostgreSQL database (psycopg is imported only then); anything else is a file."""
    if is_url(target):
        from cockpit.store.postgres import PostgresNotebook

        return PostgresNotebook(
            str(target),
            migrations_dir=migrations_dir,
            write_wait=write_wait,
            password=password,
            me=me,
        )
    return SqliteNotebook(Path(target), migrations_dir=migrations_dir, write_wait=write_wait, me=me)


T = TypeVar("T")
# Where a write goes: the open notebook (the screen keeps one) or its target (a path or a
# URL), opened for that one write and closed again (a command line run).
# A callable opens it (the CLI's opener, which knows where the password is).
NotebookTarget = Notebook | str | os.PathLike[str] | Callable[[], Notebook]
# What a notebook write can raise that is said, never fatal: the notebook locked, broken
# or refusing (NotebookError, sqlite3.Error) or a file not there to open (OSError).
WRITE_TROUBLE = (NotebookError, sqlite3.Error, OSError)


def write_to(target: NotebookTarget, work: Callable[[Notebook], T]) -> T:
    """``work`` (one store writer) on ``target``; raises what the write raised."""
    if isinstance(target, Notebook):
        return work(target)
    opened = target() if callable(target) else open_notebook(target)
    with opened as notebook:
        return work(notebook)
