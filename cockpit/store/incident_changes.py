"""Changes to an existing incident: a move through the lifecycle, a new severity, edited
fields, the postmortem. Every change is one transaction with its timeline event, so
nothing half-written stays behind (creating one and reading them: ``incidents.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from cockpit.model.incident_lifecycle import Transition, check_severity, plan_transition
from cockpit.model.incident_record import FINISHED_STATUSES, TEXT_FIELDS, IncidentRecord
from cockpit.model.timeline import TimelineEvent, require_aware
from cockpit.store.events import insert_event
from cockpit.store.incidents import clean_components, read_for_update, require_incident, touch
from cockpit.store.notebook import Notebook, to_db_time, utc_now


def transition(
    store: Notebook,
    incident_id: str,
    target: str,
    *,
    at: datetime,
    author: str | None = None,
    note: str = "",
    responder: str | None = None,
) -> tuple[IncidentRecord, Transition]:
    """Move the incident to ``target``; refused moves raise TransitionError naming the
    allowed ones. The check reads the row inside the write transaction, so two cockpits
    cannot both move it from the same status."""
    now = utc_now()
    with store.transaction() as conn:
        record = read_for_update(conn, store, incident_id)
        plan = plan_transition(record, target, at)
        sets = ["status = ?", "updated_at = ?"]
        params: list[object] = [target, to_db_time(now)]
        for column, value in plan.stamps:
            sets.append(f"{column} = ?")
            params.append(None if value is None else to_db_time(value))
        if responder:
            sets.append("responder = ?")
            params.append(responder.strip())
        sql = f"UPDATE incidents SET written_by = cockpit_me(), {', '.join(sets)} WHERE id = ?"
        conn.execute(sql, [*params, record.id])
        body = target if not plan.reopened else "investigating (reopened)"
        if note.strip():
            body += f": {note.strip()}"
        insert_event(
            conn,
            TimelineEvent(
                kind="status_change",
                occurred_at=at,
                source="user",
                subject=record.id,
                body=body,
                author=author,
                incident_id=record.id,
                labels={"status": target, "from": record.status},
            ),
            now,
        )
    return require_incident(store, incident_id), plan


def change_severity(
    store: Notebook, incident_id: str, severity: str, *, at: datetime, author: str | None = None
) -> tuple[IncidentRecord, str]:
    """Set a new severity and record it as an event; returns (record, old severity)."""
    severity = check_severity(severity)
    require_aware(at, "at")
    now = utc_now()
    with store.transaction() as conn:
        record = read_for_update(conn, store, incident_id)
        old = record.severity
        if old != severity:
            conn.execute(
                "UPDATE incidents SET written_by = cockpit_me(),"
                " severity = ?, updated_at = ? WHERE id = ?",
                (severity, to_db_time(now), record.id),
            )
            insert_event(
                conn,
                TimelineEvent(
                    kind="severity_change",
                    occurred_at=at,
                    source="user",
                    subject=record.id,
                    body=f"{old} -> {severity}",
                    author=author,
                    incident_id=record.id,
                    labels={"from": old, "severity": severity},
                ),
                now,
            )
    return require_incident(store, incident_id), old


def update_fields(
    store: Notebook,
    incident_id: str,
    changes: Mapping[str, str | None],
    *,
    components: Iterable[str] | None = None,
) -> IncidentRecord:
    """Set free-text fields (TEXT_FIELDS) and, if given, replace the components.

    An empty string clears an optional field; the title must stay non-empty.
    """
    unknown = set(changes) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(
            f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(TEXT_FIELDS)}"
        )
    values: dict[str, str | None] = {}
    for name, value in changes.items():
        text = (value or "").strip()
        if name == "title" and not text:
            raise ValueError("an incident needs a title")
        values[name] = text if name in ("title", "description") else (text or None)
    now = utc_now()
    with store.transaction() as conn:
        record = read_for_update(conn, store, incident_id)
        if values:
            sets = ", ".join(f"{name} = ?" for name in values)
            conn.execute(
                f"UPDATE incidents SET written_by = cockpit_me(), {sets} WHERE id = ?",
                [*values.values(), record.id],
            )
        if components is not None:
            conn.execute("DELETE FROM incident_components WHERE incident_id = ?", (record.id,))
            conn.executemany(
                "INSERT INTO incident_components (incident_id, component, written_by)"
                " VALUES (?, ?, cockpit_me())",
                [(record.id, c) for c in clean_components(components)],
            )
        touch(conn, record.id, now)
    return require_incident(store, incident_id)


def set_postmortem(
    store: Notebook,
    incident_id: str,
    *,
    at: datetime,
    url: str | None = None,
    document: str | None = None,
    author: str | None = None,
) -> IncidentRecord:
    """Record the postmortem (a link or the document) and mark it done."""
    if bool(url and url.strip()) == bool(document and document.strip()):
        raise ValueError("give the postmortem as either a link or a document, not both or none")
    require_aware(at, "at")
    now = utc_now()
    with store.transaction() as conn:
        record = read_for_update(conn, store, incident_id)
        if record.status not in FINISHED_STATUSES:
            raise ValueError(
                f"{record.id} is {record.status}: a postmortem follows resolution; resolve it first"
            )
        conn.execute(
            "UPDATE incidents SET written_by = cockpit_me(),"
            " postmortem_done = 1, postmortem_url = ?,"
            " postmortem_document = ?, postmortem_at = ?, updated_at = ? WHERE id = ?",
            (
                url.strip() if url else None,
                document if document and document.strip() else None,
                to_db_time(at),
                to_db_time(now),
                record.id,
            ),
        )
        insert_event(
            conn,
            TimelineEvent(
                kind="note",
                occurred_at=at,
                source="user",
                subject=record.id,
                body=f"postmortem done: {url.strip()}" if url else "postmortem done (document)",
                author=author,
                incident_id=record.id,
                labels={"postmortem": "done"},
            ),
            now,
        )
    return require_incident(store, incident_id)
