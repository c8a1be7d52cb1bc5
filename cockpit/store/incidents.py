"""Incidents, minimal for now: create, look up, list the open ones."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from cockpit.model.incident_record import FINISHED_STATUSES, SEVERITIES, IncidentRecord
from cockpit.model.timeline import TimelineEvent, require_aware
from cockpit.store.db import Store, from_db_time, to_db_time, utc_now
from cockpit.store.events import insert_event

_SELECT = (
    "SELECT i.*,"
    " (SELECT json_group_array(component) FROM"
    "   (SELECT component FROM incident_components c"
    "    WHERE c.incident_id = i.id ORDER BY component)) AS components_json"
    " FROM incidents i"
)


def _id_base(at: datetime) -> str:
    require_aware(at, "at")
    return "INC-" + at.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _next_id(conn: sqlite3.Connection, at: datetime) -> str:
    base = _id_base(at)
    taken = [
        str(row[0])
        for row in conn.execute(
            "SELECT id FROM incidents WHERE id = ? OR id GLOB ?", (base, base + "-[0-9]*")
        )
    ]
    if base not in taken:
        return base
    suffixes = [
        int(t.rsplit("-", 1)[1]) for t in taken if t != base and t[len(base) + 1 :].isdigit()
    ]
    return f"{base}-{max(suffixes, default=1) + 1}"


def new_incident_id(store: Store, at: datetime) -> str:
    """``INC-YYYYMMDD-HHMMSS`` from ``at`` in UTC, with ``-2``, ``-3``... if already taken.

    Only a suggestion: another process may take it before you insert. ``create_incident``
    picks the id inside its own write transaction, so it never collides.
    """
    return _next_id(store.connection, at)


def _opt_time(value: str | None) -> datetime | None:
    return None if value is None else from_db_time(value)


def _row_to_record(row: sqlite3.Row) -> IncidentRecord:
    return IncidentRecord(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        severity=row["severity"],
        status=row["status"],
        detected_at=from_db_time(row["detected_at"]),
        acknowledged_at=_opt_time(row["acknowledged_at"]),
        mitigated_at=_opt_time(row["mitigated_at"]),
        resolved_at=_opt_time(row["resolved_at"]),
        closed_at=_opt_time(row["closed_at"]),
        responder=row["responder"],
        commander=row["commander"],
        root_cause=row["root_cause"],
        resolution=row["resolution"],
        postmortem_done=bool(row["postmortem_done"]),
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        components=tuple(json.loads(row["components_json"])),
    )


def create_incident(
    store: Store,
    *,
    title: str,
    severity: str,
    detected_at: datetime,
    components: Iterable[str] = (),
    author: str | None = None,
    description: str = "",
) -> IncidentRecord:
    """Open a new incident in status ``detected`` and note that on the timeline."""
    require_aware(detected_at, "detected_at")
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    title = title.strip()
    if not title:
        raise ValueError("an incident needs a title")
    component_set = sorted({c.strip() for c in components if c.strip()})
    now = utc_now()
    with store.transaction() as conn:
        incident_id = _next_id(conn, detected_at)
        conn.execute(
            "INSERT INTO incidents (id, title, description, severity, status, detected_at,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 'detected', ?, ?, ?)",
            (
                incident_id,
                title,
                description,
                severity,
                to_db_time(detected_at),
                to_db_time(now),
                to_db_time(now),
            ),
        )
        conn.executemany(
            "INSERT INTO incident_components (incident_id, component) VALUES (?, ?)",
            [(incident_id, component) for component in component_set],
        )
        insert_event(
            conn,
            TimelineEvent(
                kind="status_change",
                occurred_at=detected_at,
                source="user",
                subject=incident_id,
                body="detected",
                author=author,
                incident_id=incident_id,
                labels={"status": "detected", "severity": severity},
            ),
            now,
        )
    record = get_incident(store, incident_id)
    if record is None:  # only if someone deleted it in the instant since our commit
        raise LookupError(f"incident {incident_id} vanished right after it was created")
    return record


def get_incident(store: Store, incident_id: str) -> IncidentRecord | None:
    row = store.connection.execute(f"{_SELECT} WHERE i.id = ?", (incident_id,)).fetchone()
    return None if row is None else _row_to_record(row)


def open_incidents(store: Store) -> list[IncidentRecord]:
    """Incidents not yet resolved or closed: most severe first, then newest detected first."""
    finished = sorted(FINISHED_STATUSES)
    placeholders = ", ".join("?" for _ in finished)
    rows = store.connection.execute(
        f"{_SELECT} WHERE i.status NOT IN ({placeholders})"
        " ORDER BY i.severity, i.detected_at DESC, i.id DESC",
        finished,
    )
    return [_row_to_record(row) for row in rows]
