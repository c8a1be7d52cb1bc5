"""What the timeline pane shows: an incident's events, or the latest recorded ones.

An incident's timeline is its own events (status and severity changes, notes, updates,
links, runbook steps written for it) plus the automatic events the poll cycles stored
between its detection and its close, filtered to its components and linked alerts. A
linked alert's firing is included even when it started shortly before the incident was
opened from it (the firing that led to the incident belongs on its timeline).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cockpit.model.durations import format_duration
from cockpit.model.incident_clocks import (
    DEFAULT_POLICIES,
    ResponseClock,
    SeverityPolicy,
    UpdateClock,
    response_clock,
    update_clock,
)
from cockpit.model.incident_record import IncidentRecord
from cockpit.model.timeline import TimelineEvent
from cockpit.store import Notebook
from cockpit.store.events import events_between, latest_events
from cockpit.store.incident_notes import last_status_update
from cockpit.store.incidents import get_incident, linked_alerts, open_incidents

RECENT_LIMIT = 50
AUTOMATIC_KINDS: frozenset[str] = frozenset(
    {
        "alert_fired", "alert_resolved", "alert_acked", "alert_unacked", "silence_expired",
        "probe_down", "probe_up", "burn_started", "burn_stopped", "runbook_step",
    }
)  # fmt: skip
# How far back a linked alert's firing may precede the incident's detection.
LINK_LOOKBACK = timedelta(hours=24)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FOREVER = datetime(9999, 1, 1, tzinfo=UTC)
_TICK = timedelta(microseconds=1)


def incident_timeline(
    store: Notebook,
    record: IncidentRecord,
    now: datetime,
    kinds: Collection[str] | None = None,
) -> list[TimelineEvent]:
    """The incident's events, oldest first; ``kinds`` keeps only those kinds."""
    end = (record.closed_at or max(now, record.detected_at)) + _TICK
    # Its own events are all shown, even a postmortem note written after the close.
    own = events_between(store, _EPOCH, _FOREVER, incident_id=record.id)
    fingerprints = {a.fingerprint for a in linked_alerts(store, record.id)}
    components = set(record.components)
    # Where each linked alert's story starts: its last firing at or before detection.
    starts: dict[str, datetime] = {}
    if fingerprints:
        earlier = events_between(
            store, record.detected_at - LINK_LOOKBACK, record.detected_at + _TICK,
            kinds=("alert_fired",),
        )  # fmt: skip
        for event in earlier:
            if event.fingerprint in fingerprints:
                starts[event.fingerprint] = event.occurred_at
    begin = min([record.detected_at, *starts.values()])
    automatic = []
    for event in events_between(store, begin, end):
        if event.incident_id is not None or event.kind not in AUTOMATIC_KINDS:
            continue
        if event.fingerprint in fingerprints:
            if event.occurred_at >= starts.get(event.fingerprint, record.detected_at):
                automatic.append(event)
        elif event.component in components and event.occurred_at >= record.detected_at:
            automatic.append(event)
    merged = {e.id: e for e in own + automatic}.values()
    ordered = sorted(merged, key=lambda e: (e.occurred_at, e.id or 0))
    if kinds is not None:
        ordered = [e for e in ordered if e.kind in kinds]
    return ordered


@dataclass(frozen=True)
class IncidentClocks:
    response: ResponseClock
    update: UpdateClock | None

    def describe(self) -> str:
        r = self.response
        parts = [f"response {format_duration(r.elapsed)}/{format_duration(r.target)} {r.state}"]
        u = self.update
        if u is not None:
            if u.state == "late":
                parts.append(f"status update LATE by {format_duration(-u.remaining)}")
            elif u.state == "due":
                parts.append(f"status update due in {format_duration(u.remaining)}")
            else:
                parts.append(f"next update in {format_duration(u.remaining)}")
        return " · ".join(parts)


def incident_clocks(
    store: Notebook,
    record: IncidentRecord,
    now: datetime,
    policies: Mapping[str, SeverityPolicy] = DEFAULT_POLICIES,
) -> IncidentClocks:
    policy = policies.get(record.severity, DEFAULT_POLICIES[record.severity])
    last = last_status_update(store, record.id)
    return IncidentClocks(
        response_clock(record, policy, now), update_clock(record, policy, last, now)
    )


@dataclass(frozen=True)
class TimelineView:
    heading: str
    events: tuple[TimelineEvent, ...]
    empty: str
    incident: IncidentRecord | None = None
    clocks: IncidentClocks | None = None


def current_view(
    store: Notebook,
    now: datetime,
    *,
    incident_id: str | None = None,
    kinds: Collection[str] | None = None,
    policies: Mapping[str, SeverityPolicy] = DEFAULT_POLICIES,
) -> TimelineView:
    """The chosen incident's timeline (oldest first), else the most severe open one's,
    else the latest recorded events (newest first)."""
    record = get_incident(store, incident_id) if incident_id else None
    if record is None:
        incidents = open_incidents(store)
        record = incidents[0] if incidents else None
    if record is not None:
        events = incident_timeline(store, record, now, kinds)
        clocks = incident_clocks(store, record, now, policies)
        heading = f"{record.id} {record.severity} {record.status} · {record.title}"
        if record.is_open:
            heading += f" · {clocks.describe()}"
        empty = "No events of the chosen types." if kinds is not None else "No events yet."
        return TimelineView(heading, tuple(events), empty, record, clocks)
    recent = latest_events(store, limit=RECENT_LIMIT)
    if kinds is not None:
        recent = [e for e in recent if e.kind in kinds]
    return TimelineView(
        "no open incident · recent events, newest first",
        tuple(recent),
        "No open incident and nothing recorded yet: alert and probe changes appear here.",
    )
