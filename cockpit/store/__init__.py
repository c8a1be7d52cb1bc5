"""The local SQLite notebook: incidents, notes, runbook runs, handoffs, timeline."""

from __future__ import annotations

from cockpit.store.notebook import (
    Notebook,
    NotebookBusyError,
    NotebookError,
    SchemaTooNewError,
    open_notebook,
)

__all__ = ["Notebook", "NotebookBusyError", "NotebookError", "SchemaTooNewError", "open_notebook"]
