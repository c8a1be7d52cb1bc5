"""Incidents: create (blank or from a promoted alert), link alerts, look up, list. Every
change is one transaction with its timeline event, so nothing half-written stays behind
(moves, severity, fields and the postmortem: ``incident_changes.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from cockpit.model.incident_draft import LinkedAlert
from cockpit.model.incident_record import (
    FINISHED_STATUSES,
    SEVERITIES,
    IncidentRecord,
)
from cockpit.model.timeline import TimelineEvent, require_aware
from cockpit.store.events import insert_event
from cockpit.store.notebook import Notebook, from_db_time, to_db_time, utc_now
from cockpit.store.sql import Connection, Row

INCIDENT_SELECT = (
    "SELECT i.*,"
    " (SELECT json_group_array(component) FROM"
    "   (SELECT component FROM incident_components c"
    "    WHERE c.incident_id = i.id ORDER BY component) AS comp) AS components_json"
    " FROM incidents i"
)


class UnknownIncidentError(LookupError):
    """No incident has this id; ``suggestions`` are the closest existing ids."""

    def __init__(self, incident_id: str, suggestions: Sequence[str]) -> None:
        self.incident_id = incident_id
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no incident {incident_id!r}{hint}")


def _id_base(at: datetime) -> str:
    require_aware(at, "at")
    return "INC-" + at.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _next_id(conn: Connection, at: datetime) -> str:
    base = _id_base(at)
    taken = [
        str(row[0])
        for row in conn.execute(
            "SELECT id FROM incidents WHERE id = ? OR id LIKE ?", (base, base + "-%")
        )
    ]
    if base not in taken:
        return base
    suffixes = [
        int(t.rsplit("-", 1)[1]) for t in taken if t != base and t[len(base) + 1 :].isdigit()
    ]
    return f"{base}-{max(suffixes, default=1) + 1}"


def new_incident_id(store: Notebook, at: datetime) -> str:
    """``INC-YYYYMMDD-HHMMSS`` from ``at`` in UTC, with ``-2``, ``-3``... if already taken.

    Only a suggestion: another process may take it before you insert. ``create_incident``
    picks the id inside its own write transaction, so it never collides.
    """
    return _next_id(store.connection, at)


def _opt_time(value: str | None) -> datetime | None:
    return None if value is None else from_db_time(value)


def row_to_record(row: Row) -> IncidentRecord:
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
        components=tuple(sorted(json.loads(row["components_json"]))),
        impact=row["impact"],
        suspected_cause=row["suspected_cause"],
        lessons=row["lessons"],
        postmortem_url=row["postmortem_url"],
        postmortem_document=row["postmortem_document"],
        postmortem_at=_opt_time(row["postmortem_at"]),
    )


def clean_components(components: Iterable[str]) -> list[str]:
    return sorted({c.strip() for c in components if c.strip()})


def _link_alerts(
    conn: Connection,
    incident_id: str,
    alerts: Iterable[LinkedAlert],
    at: datetime,
    author: str | None,
    now: datetime,
) -> int:
    linked = 0
    for alert in alerts:
        if not alert.fingerprint:
            raise ValueError(f"alert {alert.alertname!r} has no fingerprint to link by")
        cursor = conn.execute(
            "INSERT INTO incident_alerts (incident_id, cluster, fingerprint, alertname, labels,"
            " linked_at, written_by) VALUES (?, ?, ?, ?, ?, ?, cockpit_me())"
            " ON CONFLICT DO NOTHING",
            (
                incident_id,
                alert.cluster,
                alert.fingerprint,
                alert.alertname,
                json.dumps(dict(alert.labels), sort_keys=True),
                to_db_time(at),
            ),
        )
        if cursor.rowcount:
            linked += 1
            insert_event(
                conn,
                TimelineEvent(
                    kind="incident_linked",
                    occurred_at=at,
                    source="user",
                    subject=incident_id,
                    body=f"alert {alert.alertname} linked",
                    author=author,
                    incident_id=incident_id,
                    labels=dict(alert.labels),
                    fingerprint=alert.fingerprint,
                    cluster=alert.cluster or None,
                ),
                now,
            )
    return linked


def create_incident(
    store: Notebook,
    *,
    title: str,
    severity: str,
    detected_at: datetime,
    components: Iterable[str] = (),
    author: str | None = None,
    description: str = "",
    alerts: Iterable[LinkedAlert] = (),
    responder: str | None = None,
    commander: str | None = None,
    linked_at: datetime | None = None,
) -> IncidentRecord:
    """Open a new incident in status ``detected``, note that on the timeline, and link
    ``alerts``; all in one transaction."""
    require_aware(detected_at, "detected_at")
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    title = title.strip()
    if not title:
        raise ValueError("an incident needs a title")
    component_set = clean_components(components)
    alerts = list(alerts)
    now = utc_now()
    with store.transaction() as conn:
        incident_id = _next_id(conn, detected_at)
        conn.execute(
            "INSERT INTO incidents (id, title, description, severity, status, detected_at,"
            " responder, commander, created_at, updated_at, written_by)"
            " VALUES (?, ?, ?, ?, 'detected', ?, ?, ?, ?, ?, cockpit_me())",
            (
                incident_id,
                title,
                description,
                severity,
                to_db_time(detected_at),
                responder or None,
                commander or None,
                to_db_time(now),
                to_db_time(now),
            ),
        )
        conn.executemany(
            "INSERT INTO incident_components (incident_id, component, written_by)"
            " VALUES (?, ?, cockpit_me())",
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
        link_time = max(detected_at, linked_at or now)
        _link_alerts(conn, incident_id, alerts, link_time, author, now)
    return require_incident(store, incident_id)


def get_incident(store: Notebook, incident_id: str) -> IncidentRecord | None:
    row = store.connection.execute(f"{INCIDENT_SELECT} WHERE i.id = ?", (incident_id,)).fetchone()
    return None if row is None else row_to_record(row)


def all_ids(store: Notebook) -> list[str]:
    return [str(r[0]) for r in store.connection.execute("SELECT id FROM incidents ORDER BY id")]


def require_incident(store: Notebook, incident_id: str) -> IncidentRecord:
    """The incident, or UnknownIncidentError naming the closest ids."""
    record = get_incident(store, incident_id)
    if record is None:
        import difflib

        ids = all_ids(store)
        close = difflib.get_close_matches(incident_id, ids, n=3, cutoff=0.6)
        if not close:
            # A fragment ("103000") is how people type ids from a chat message.
            close = [i for i in ids if incident_id and incident_id in i][:3]
        raise UnknownIncidentError(incident_id, close)
    return record


def open_incidents(store: Notebook) -> list[IncidentRecord]:
    """Incidents not yet resolved or closed: most severe first, then newest detected first."""
    finished = sorted(FINISHED_STATUSES)
    placeholders = ", ".join("?" for _ in finished)
    rows = store.connection.execute(
        f"{INCIDENT_SELECT} WHERE i.status NOT IN ({placeholders})"
        " ORDER BY i.severity, i.detected_at DESC, i.id DESC",
        finished,
    )
    return [row_to_record(row) for row in rows]


def list_incidents(
    store: Notebook, *, open_only: bool = False, finished_limit: int = 50
) -> list[IncidentRecord]:
    """Open first (by severity, newest first), then the most recently finished ones."""
    records = open_incidents(store)
    if open_only:
        return records
    finished = sorted(FINISHED_STATUSES)
    placeholders = ", ".join("?" for _ in finished)
    rows = store.connection.execute(
        f"{INCIDENT_SELECT} WHERE i.status IN ({placeholders})"
        " ORDER BY COALESCE(i.closed_at, i.resolved_at, i.detected_at) DESC, i.id DESC LIMIT ?",
        [*finished, finished_limit],
    )
    return records + [row_to_record(row) for row in rows]


def incidents_detected_since(
    store: Notebook, since: datetime | None, before: datetime | None = None
) -> list[IncidentRecord]:
    """Incidents detected at or after ``since`` (None: ever) and, with ``before``, before
    it; oldest first."""
    where, params = [], []
    for bound, test in ((since, "i.detected_at >= ?"), (before, "i.detected_at < ?")):
        if bound is not None:
            where.append(test)
            params.append(to_db_time(bound))
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = store.connection.execute(f"{INCIDENT_SELECT}{clause} ORDER BY i.detected_at", params)
    return [row_to_record(row) for row in rows]


def touch(conn: Connection, incident_id: str, now: datetime) -> None:
    conn.execute(
        "UPDATE incidents SET written_by = cockpit_me(), updated_at = ? WHERE id = ?",
        (to_db_time(now), incident_id),
    )


def read_for_update(conn: Connection, store: Notebook, incident_id: str) -> IncidentRecord:
    row = conn.execute(f"{INCIDENT_SELECT} WHERE i.id = ?", (incident_id,)).fetchone()
    if row is None:
        return require_incident(store, incident_id)  # raises with suggestions
    return row_to_record(row)


def link_alerts(
    store: Notebook,
    incident_id: str,
    alerts: Iterable[LinkedAlert],
    *,
    at: datetime,
    author: str | None = None,
) -> int:
    """Link more alerts; an alert already linked is left as it is. Returns how many new."""
    now = utc_now()
    with store.transaction() as conn:
        record = read_for_update(conn, store, incident_id)
        count = _link_alerts(conn, record.id, alerts, at, author, now)
        touch(conn, record.id, now)
    return count


def links_at(store: Notebook, at: datetime) -> dict[tuple[str, str], list[str]]:
    """(cluster, fingerprint) -> the incidents its alert was linked to by ``at``, oldest
    link first. The cluster is "" for a link made before the notebook kept clusters."""
    rows = store.connection.execute(
        "SELECT cluster, fingerprint, incident_id FROM incident_alerts WHERE linked_at <= ?"
        " ORDER BY linked_at",
        (to_db_time(at),),
    ).fetchall()
    links: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        links.setdefault((str(row[0]), str(row[1])), []).append(str(row[2]))
    return links


def incidents_for_alert(store: Notebook, fingerprint: str, cluster: str = "") -> list[str]:
    """Incident ids an alert is linked to: open ones first, then newest link first. With
    ``cluster``, only links to the alert in that cluster (and links of no cluster, made
    before the notebook kept them): the same labels in another cluster are another alert."""
    if not fingerprint:
        return []
    finished = sorted(FINISHED_STATUSES)
    in_cluster = " AND a.cluster IN ('', ?)" if cluster else ""
    rows = store.connection.execute(
        "SELECT a.incident_id FROM incident_alerts a JOIN incidents i ON i.id = a.incident_id"
        f" WHERE a.fingerprint = ?{in_cluster}"
        f" ORDER BY i.status IN ({', '.join('?' for _ in finished)}), a.linked_at DESC",
        (fingerprint, *([cluster] if cluster else []), *finished),
    ).fetchall()
    return list(dict.fromkeys(str(row[0]) for row in rows))


def linked_alerts(store: Notebook, incident_id: str) -> list[LinkedAlert]:
    rows = store.connection.execute(
        "SELECT fingerprint, alertname, labels, cluster FROM incident_alerts"
        " WHERE incident_id = ? ORDER BY linked_at, alertname, cluster",
        (incident_id,),
    )
    return [LinkedAlert(r[0], r[1], json.loads(r[2]), r[3]) for r in rows]
