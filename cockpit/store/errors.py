"""What the notebook raises, whichever backend holds it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class NotebookError(Exception):
    """The notebook file cannot be opened, migrated or used."""


class NotebookIntegrityError(NotebookError):
    """The notebook refused a write that breaks one of its rules (a unique index, a foreign
    key, a signed handoff's read-only trigger). The SQLite file raises
    ``sqlite3.IntegrityError`` for the same refusals."""


class NotebookBusyError(NotebookError, sqlite3.OperationalError):
    """Another process held the write lock for longer than this write would wait.

    Also an ``sqlite3.OperationalError`` (what a busy write raised before), so code that
    catches that still catches this; ``str()`` names the holder."""

    sqlite_errorcode = sqlite3.SQLITE_BUSY


class NotebookReadOnlyError(NotebookError):
    """This cockpit may only read the notebook (its PostgreSQL role has no write grants):
    the write was not tried."""


class SchemaTooNewError(NotebookError):
    """The file was written by a newer cockpit; this one must not touch it."""

    def __init__(self, path: Path | str, found: int, known: int) -> None:
        self.path = path
        self.found = found
        self.known = known
        super().__init__(
            f"{path} has schema version {found}, but this cockpit only knows versions up to "
            f"{known}. Upgrade cockpit to open it; the file was left untouched."
        )
