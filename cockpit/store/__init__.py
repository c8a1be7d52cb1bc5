"""The notebook: incidents, notes, runbook runs, handoffs, timeline; on a local SQLite file
or a team's PostgreSQL database."""

from __future__ import annotations

from cockpit.store.notebook import (
    Notebook,
    NotebookBusyError,
    NotebookError,
    NotebookReadOnlyError,
    SchemaTooNewError,
    SqliteNotebook,
)
from cockpit.store.open import open_notebook

__all__ = [
    "Notebook",
    "NotebookBusyError",
    "NotebookError",
    "NotebookReadOnlyError",
    "SchemaTooNewError",
    "SqliteNotebook",
    "open_notebook",
]
