"""Deadline notifications already sent, shared by every process on the notebook."""

from __future__ import annotations

from datetime import datetime

from cockpit.store.notebook import Notebook, to_db_time


def claim_announcement(
    store: Notebook, incident_id: str, kind: str, due_at: datetime, now: datetime
) -> bool:
    """Whether this caller is the first to announce ``kind`` for this deadline; if so
    the claim is committed before it returns, so nobody else announces it again."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO announcements (incident_id, kind, due_at, announced_at, written_by) "
            "VALUES (?, ?, ?, ?, cockpit_me()) ON CONFLICT DO NOTHING",
            (incident_id, kind, to_db_time(due_at), to_db_time(now)),
        )
        return cursor.rowcount == 1
