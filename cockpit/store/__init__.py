"""The local SQLite notebook: incidents, notes, runbook runs, handoffs, timeline."""

from __future__ import annotations

from cockpit.store.db import NotebookBusyError, SchemaTooNewError, Store, StoreError, open_store

__all__ = ["NotebookBusyError", "SchemaTooNewError", "Store", "StoreError", "open_store"]
