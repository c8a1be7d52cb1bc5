"""The local SQLite notebook: incidents, notes, runbook runs, handoffs, timeline."""

from __future__ import annotations

from cockpit.store.db import SchemaTooNewError, Store, StoreError, open_store

__all__ = ["SchemaTooNewError", "Store", "StoreError", "open_store"]
