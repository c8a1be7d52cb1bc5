"""Incident use cases: the store writes plus the notifications that go with them.

A notification is published only after its write has committed, and publishing never
raises (see services/notify.py), so a broken notifier cannot undo or block a write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from cockpit.model.durations import parse_duration
from cockpit.model.incident_clocks import DEFAULT_POLICIES, SeverityPolicy
from cockpit.model.incident_draft import IncidentDraft
from cockpit.model.incident_record import IncidentRecord
from cockpit.model.incident_stats import SeverityStats, stats_by_severity
from cockpit.services.notify import Notification, publish
from cockpit.services.timeline_view import incident_clocks
from cockpit.store import Notebook, incident_changes
from cockpit.store import incidents as store_incidents
from cockpit.store.announcements import claim_announcement
from cockpit.store.incidents import incidents_detected_since, open_incidents


def _notify(kind: str, record: IncidentRecord, title: str, at: datetime, text: str = "") -> None:
    publish(
        Notification(
            kind=kind,
            subject=record.id,
            title=title,
            at=at,
            text=text,
            severity=record.severity,
            fields={"status": record.status, "components": ", ".join(record.components)},
        )
    )


def create_from_draft(
    store: Notebook,
    draft: IncidentDraft,
    *,
    now: datetime,
    author: str | None = None,
    responder: str | None = None,
    commander: str | None = None,
) -> IncidentRecord:
    """A new incident from a blank or prefilled draft, its alerts linked, all in one
    transaction; then ``incident_created`` is published."""
    record = store_incidents.create_incident(
        store,
        title=draft.title,
        severity=draft.severity,
        detected_at=draft.detected_at or now,
        components=draft.components,
        author=author,
        description=draft.description,
        alerts=draft.alerts,
        responder=responder,
        commander=commander,
        linked_at=now,
    )
    _notify(
        "incident_created",
        record,
        f"{record.id} [{record.severity}] {record.title}",
        now,
        record.description,
    )
    return record


def move(
    store: Notebook,
    incident_id: str,
    target: str,
    *,
    at: datetime,
    author: str | None = None,
    note: str = "",
    responder: str | None = None,
) -> IncidentRecord:
    record, _ = incident_changes.transition(
        store, incident_id, target, at=at, author=author, note=note, responder=responder
    )
    if target == "resolved":
        _notify(
            "incident_resolved",
            record,
            f"{record.id} resolved: {record.title}",
            at,
            record.resolution or note,
        )
    return record


def acknowledge(
    store: Notebook, incident_id: str, *, at: datetime, responder: str, note: str = ""
) -> IncidentRecord:
    if not responder.strip():
        raise ValueError("say who acknowledges: a responder name is required")
    return move(
        store, incident_id, "acknowledged", at=at, author=responder, note=note, responder=responder
    )


def resolve(
    store: Notebook, incident_id: str, resolution: str, *, at: datetime, author: str | None = None
) -> IncidentRecord:
    """Set the resolution and move to resolved, in that order; a refused move leaves the
    resolution unchanged (both run in one transaction)."""
    if not resolution.strip():
        raise ValueError("say how it was resolved: the resolution text is required")
    with store.transaction():
        incident_changes.update_fields(store, incident_id, {"resolution": resolution})
        record, _ = incident_changes.transition(
            store, incident_id, "resolved", at=at, author=author, note=resolution
        )
    _notify("incident_resolved", record, f"{record.id} resolved: {record.title}", at, resolution)
    return record


def change_severity(
    store: Notebook, incident_id: str, severity: str, *, at: datetime, author: str | None = None
) -> IncidentRecord:
    record, old = incident_changes.change_severity(
        store, incident_id, severity, at=at, author=author
    )
    if old != record.severity:
        _notify(
            "incident_severity_changed",
            record,
            f"{record.id} severity {old} -> {record.severity}: {record.title}",
            at,
        )
    return record


def save_fields(
    store: Notebook,
    incident_id: str,
    changes: Mapping[str, str | None],
    *,
    components: Iterable[str] | None,
    severity: str | None,
    at: datetime,
    author: str | None = None,
) -> IncidentRecord:
    """Save an edited incident (text fields, components, severity; None and absent keys
    are left as they are) in one transaction; a severity change is an event, and its
    notification goes out after the commit."""
    with store.transaction():
        record = incident_changes.update_fields(store, incident_id, changes, components=components)
        if severity is None:
            return record
        record, old = incident_changes.change_severity(
            store, incident_id, severity, at=at, author=author
        )
    if old != record.severity:
        _notify(
            "incident_severity_changed",
            record,
            f"{record.id} severity {old} -> {record.severity}: {record.title}",
            at,
        )
    return record


def announce_due_updates(
    store: Notebook,
    now: datetime,
    policies: Mapping[str, SeverityPolicy] = DEFAULT_POLICIES,
) -> list[str]:
    """Publish ``incident_status_update_due`` once per deadline for every open incident
    whose update clock is due or late. "Once" holds across restarts and across cockpits
    sharing the notebook: the deadline is claimed in the store before it is announced.
    Returns the ids announced now."""
    fresh = []
    for record in open_incidents(store):
        clock = incident_clocks(store, record, now, policies).update
        if clock is None or clock.state == "ok":
            continue
        if not claim_announcement(
            store, record.id, "incident_status_update_due", clock.next_due, now
        ):
            continue
        fresh.append(record.id)
        _notify(
            "incident_status_update_due",
            record,
            f"{record.id} status update {clock.state}: {record.title}",
            now,
            f"next update was due at {clock.next_due.isoformat()}",
        )
    return fresh


_SINCE = re.compile(r"^\s*\d")


def parse_since(text: str) -> timedelta:
    """``7d``, ``24h``, ``2w``; refuses anything else with the accepted forms."""
    if not _SINCE.match(text):
        raise ValueError(f"{text!r} is not a duration; write it like 7d, 24h or 2w")
    return parse_duration(text)


@dataclass(frozen=True)
class IncidentStats:
    since: datetime | None
    rows: tuple[SeverityStats, ...]


def incident_stats(store: Notebook, *, now: datetime, since: timedelta | None) -> IncidentStats:
    start = None if since is None else now - since
    records: Iterable[IncidentRecord] = incidents_detected_since(store, start)
    return IncidentStats(start, tuple(stats_by_severity(records)))
