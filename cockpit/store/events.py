"""Reading and writing timeline events."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
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
    " fingerprint, cluster"
)


def insert_event(conn: Connection, event: TimelineEvent, recorded_at: datetime) -> int:
    """Insert inside a transaction the caller already holds (incidents use this)."""
    if event.id is not None:
        raise ValueError(f"event {event.id} is already recorded")
    cursor = conn.execute(
        "INSERT INTO timeline_events (occurred_at, recorded_at, kind, source, author,"
        " incident_id, subject, component, labels, body, fingerprint, cluster, written_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cockpit_me()) RETURNING id",
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
            event.cluster or None,
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
        cluster=row["cluster"],
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


_PARTS_PER_QUERY = 100  # SQLite allows 500 SELECTs in one compound query


def _union_newest(
    store: Notebook, parts: Sequence[tuple[str, Sequence[str | int]]], limit: int | None
) -> list[TimelineEvent]:
    """The rows any of ``parts`` (WHERE clause, its parameters) matches, newest first.
    With ``limit``, each part reads only its own newest ``limit`` rows (newest first
    through an index), so no part costs more than a window."""
    found: dict[int, TimelineEvent] = {}
    for first in range(0, len(parts), _PARTS_PER_QUERY):
        selects: list[str] = []
        params: list[str | int] = []
        for where, values in parts[first : first + _PARTS_PER_QUERY]:
            select = f"SELECT {_COLUMNS} FROM timeline_events WHERE {where}"
            params.extend(values)
            if limit is not None:
                select = f"SELECT * FROM ({select} ORDER BY occurred_at DESC, id DESC LIMIT ?) AS p"
                params.append(limit)
            selects.append(select)
        sql = " UNION ".join(selects) + " ORDER BY occurred_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        for row in store.connection.execute(sql, params):
            event = _row_to_event(row)
            found[event.id or 0] = event
    newest = sorted(found.values(), key=lambda e: (e.occurred_at, e.id or 0), reverse=True)
    return newest if limit is None else newest[:limit]


def incident_events(
    store: Notebook,
    incident_id: str,
    *,
    alerts: Mapping[AlertRef, datetime],
    components: Collection[str],
    since: datetime,
    until: datetime,
    kinds: Collection[str],
    automatic_kinds: Collection[str],
    limit: int | None = None,
) -> list[TimelineEvent]:
    """An incident's events, newest first: its own (every kind in ``kinds``, any time),
    plus events of no incident with a kind in both ``kinds`` and ``automatic_kinds``
    before ``until`` that are about a linked alert (``alerts``: (fingerprint, cluster), see
    ``AlertRef``) at or after that alert's time, or carry one of ``components`` at or
    after ``since``. With ``limit`` only
    the newest ``limit``; each part is read newest first through its index (migration
    0011), so a long-open incident costs a window, not every event since it began."""
    for moment in (since, until, *alerts.values()):
        require_aware(moment, "since, until and the alerts' times")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must not be negative, got {limit}")
    wanted = sorted(set(kinds))
    if not wanted or limit == 0:
        return []
    parts: list[tuple[str, Sequence[str | int]]] = [
        (f"incident_id = ? AND {_in_clause('kind', wanted)}", [incident_id, *wanted])
    ]
    automatic = sorted(set(wanted) & set(automatic_kinds))
    branches = [
        (*_about_alert(fp, cluster), start) for (fp, cluster), start in sorted(alerts.items())
    ]
    branches += [("component = ?", [c], since) for c in sorted(set(components))]
    for test, values, start in branches if automatic else []:
        where = (
            f"{test} AND incident_id IS NULL AND {_in_clause('kind', automatic)}"
            " AND occurred_at >= ? AND occurred_at < ?"
        )
        parts.append((where, [*values, *automatic, to_db_time(start), to_db_time(until)]))
    return _union_newest(store, parts, limit)


# A linked alert: (fingerprint, cluster). The same labels in two clusters are two alerts;
# cluster "" (a link made before the notebook kept clusters) stands for any cluster, and
# an event of no cluster (written before) may be about the alert in any cluster.
AlertRef = tuple[str, str]


def _about_alert(fingerprint: str, cluster: str) -> tuple[str, list[str | int]]:
    """The WHERE test (and its parameters) for events about one linked alert."""
    if not cluster:
        return "fingerprint = ?", [fingerprint]
    return "fingerprint = ? AND (cluster = ? OR cluster IS NULL)", [fingerprint, cluster]


def last_firings(
    store: Notebook, alerts: Collection[AlertRef], start: datetime, end: datetime
) -> dict[AlertRef, datetime]:
    """Per alert (fingerprint, cluster), its newest alert_fired event in [start, end)."""
    require_aware(start, "start")
    require_aware(end, "end")
    found: dict[AlertRef, datetime] = {}
    for alert in sorted(set(alerts)):
        test, values = _about_alert(*alert)
        row = store.connection.execute(
            f"SELECT occurred_at FROM timeline_events WHERE {test}"
            " AND kind = 'alert_fired' AND occurred_at >= ? AND occurred_at < ?"
            " ORDER BY occurred_at DESC, id DESC LIMIT 1",
            (*values, to_db_time(start), to_db_time(end)),
        ).fetchone()
        if row is not None:
            found[alert] = from_db_time(row["occurred_at"])
    return found
