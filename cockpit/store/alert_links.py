"""Links between incidents and the alerts they came from (the ``incident_alerts`` table)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from cockpit.model.incident_draft import LinkedAlert
from cockpit.store.db import Store, to_db_time


def link_alerts(
    conn: sqlite3.Connection, incident_id: str, alerts: Iterable[LinkedAlert], at: datetime
) -> None:
    """Insert inside the caller's transaction; linking twice is harmless."""
    conn.executemany(
        "INSERT OR IGNORE INTO incident_alerts (incident_id, fingerprint, alertname, labels,"
        " linked_at) VALUES (?, ?, ?, ?, ?)",
        [
            (
                incident_id,
                a.fingerprint,
                a.alertname,
                json.dumps(dict(a.labels), sort_keys=True),
                to_db_time(at),
            )
            for a in alerts
        ],
    )


def incidents_for_alert(store: Store, fingerprint: str) -> list[str]:
    """Incident ids an alert is linked to, newest link first."""
    rows = store.connection.execute(
        "SELECT incident_id FROM incident_alerts WHERE fingerprint = ? ORDER BY linked_at DESC",
        (fingerprint,),
    ).fetchall()
    return [str(row[0]) for row in rows]
