"""Reading and writing timeline events."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime

from cockpit.model.timeline import EVENT_KINDS, Labels, TimelineEvent, require_aware
from cockpit.store.notebook import (
    Notebook,
    from_db_time,
    new_id,
    to_db_time,
    utc_now,
)
from cockpit.store.sql import Connection, Row

_COLUMNS = (
    "id, occurred_at, kind, source, author, incident_id, subject, component, labels, body,"
    " fingerprint"
)


def insert_event(conn: Connection, event: TimelineEvent, recorded_at: datetime) -> int:
    """Insert inside a transaction the caller already holds (incidents use this)."""
    if event.id is not None:
        raise ValueError(f"event {event.id} is already recorded")
    cursor = conn.execute(
        "INSERT INTO timeline_events (occurred_at, recorded_at, kind, source, author,"
        " incident_id, subject, component, labels, body, fingerprint, written_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cockpit_me()) RETURNING id",
        (
            to_db_time(event.occurred_at),
            to_db_time(recorded_at),
            event.kind,
            event.source,
            event.author,
            event.incident_id,
            event.subject,
            event.component,
            json.dumps(dict(event.labels), sort_keys=True),
            event.body,
            event.fingerprint,
        ),
    )
    return new_id(cursor, "timeline event")


def record_events(store: Notebook, events: Sequence[TimelineEvent]) -> list[int]:
    """Notebook all events in one transaction; returns their new ids in the same order."""
    if not events:
        return []
    recorded_at = utc_now()
    with store.transaction() as conn:
        return [insert_event(conn, event, recorded_at) for event in events]


def _row_to_event(row: Row) -> TimelineEvent:
    return TimelineEvent(
        id=int(row["id"]),
        kind=row["kind"],
        occurred_at=from_db_time(row["occurred_at"]),
        source=row["source"],
        subject=row["subject"],
        body=row["body"],
        author=row["author"],
        incident_id=row["incident_id"],
        component=row["component"],
        labels=Labels(json.loads(row["labels"])),
        fingerprint=row["fingerprint"],
    )


def _in_clause(column: str, values: Collection[str]) -> str:
    return f"{column} IN ({', '.join('?' for _ in values)})"


def events_between(
    store: Notebook,
    start: datetime,
    end: datetime,
    *,
    incident_id: str | None = None,
    kinds: Collection[str] | None = None,
    subjects: Collection[str] | None = None,
    components: Collection[str] | None = None,
    limit: int | None = None,
) -> list[TimelineEvent]:
    """Events with start <= occurred_at < end, oldest first.

    A filter left as None does not filter; an empty collection matches nothing.
    With ``limit`` the earliest ``limit`` events are returned.
    """
    require_aware(start, "start")
    require_aware(end, "end")
    if kinds is not None:
        unknown = set(kinds) - EVENT_KINDS
        if unknown:
            raise ValueError(f"unknown timeline event kinds: {sorted(unknown)}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must not be negative, got {limit}")
    where = ["occurred_at >= ?", "occurred_at < ?"]
    params: list[str | int] = [to_db_time(start), to_db_time(end)]
    if incident_id is not None:
        where.append("incident_id = ?")
        params.append(incident_id)
    for column, values in (("kind", kinds), ("subject", subjects), ("component", components)):
        if values is None:
            continue
        if not values:
            return []
        where.append(_in_clause(column, values))
        params.extend(values)
    sql = f"SELECT {_COLUMNS} FROM timeline_events WHERE {' AND '.join(where)}"
    sql += " ORDER BY occurred_at, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_row_to_event(row) for row in store.connection.execute(sql, params)]


def latest_events(store: Notebook, limit: int = 50) -> list[TimelineEvent]:
    """The most recent events by occurred_at, newest first."""
    if limit < 0:
        raise ValueError(f"limit must not be negative, got {limit}")
    rows = store.connection.execute(
        f"SELECT {_COLUMNS} FROM timeline_events ORDER BY occurred_at DESC, id DESC LIMIT ?",
        (limit,),
    )
    return [_row_to_event(row) for row in rows]


def events_before(store: Notebook, at: datetime, limit: int = 50) -> list[TimelineEvent]:
    """The ``limit`` most recent events that had happened by ``at``, newest first (the
    timeline as it stood then)."""
    require_aware(at, "at")
    rows = store.connection.execute(
        f"SELECT {_COLUMNS} FROM timeline_events WHERE occurred_at <= ?"
        " ORDER BY occurred_at DESC, id DESC LIMIT ?",
        (to_db_time(at), limit),
    )
    return [_row_to_event(row) for row in rows]


def first_event_at(store: Notebook) -> datetime | None:
    """When the oldest recorded event happened: before it the notebook knows nothing."""
    row = store.connection.execute("SELECT MIN(occurred_at) FROM timeline_events").fetchone()
    return None if row is None or row[0] is None else from_db_time(str(row[0]))
