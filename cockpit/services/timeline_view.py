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
from datetime import datetime, timedelta

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
from cockpit.model.timeline import EVENT_KINDS, TimelineEvent
from cockpit.store import Notebook
from cockpit.store.events import incident_events, last_firings, latest_events
from cockpit.store.incident_notes import last_status_update
from cockpit.store.incidents import get_incident, linked_alerts, open_incidents

RECENT_LIMIT = 50
# An incident's timeline shows its newest events, this many at first; the pane asks for
# more when its user wants earlier ones (a long-open incident has thousands).
TIMELINE_WINDOW = 200
AUTOMATIC_KINDS: frozenset[str] = frozenset(
    {
        "alert_fired", "alert_resolved", "alert_acked", "alert_unacked", "silence_expired",
        "probe_down", "probe_up", "burn_started", "burn_stopped", "runbook_step",
    }
)  # fmt: skip
# How far back a linked alert's firing may precede the incident's detection.
LINK_LOOKBACK = timedelta(hours=24)
_TICK = timedelta(microseconds=1)


def incident_timeline(
    store: Notebook,
    record: IncidentRecord,
    now: datetime,
    kinds: Collection[str] | None = None,
    limit: int | None = None,
) -> list[TimelineEvent]:
    """The incident's events, oldest first; ``kinds`` keeps only those kinds, ``limit``
    only the newest ``limit`` of them (the timeline pane's window). Its own events are
    all shown, even a postmortem note written after the close."""
    end = (record.closed_at or max(now, record.detected_at)) + _TICK
    alerts = {(a.fingerprint, a.cluster) for a in linked_alerts(store, record.id)}
    # Where each linked alert's story starts: its last firing at or before detection.
    starts = last_firings(
        store, alerts, record.detected_at - LINK_LOOKBACK, record.detected_at + _TICK
    )
    newest = incident_events(
        store, record.id,
        alerts={alert: starts.get(alert, record.detected_at) for alert in alerts},
        components=record.components, since=record.detected_at, until=end,
        kinds=EVENT_KINDS if kinds is None else kinds, automatic_kinds=AUTOMATIC_KINDS,
        limit=limit,
    )  # fmt: skip
    return newest[::-1]


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
    # The incident has earlier events than these (of the chosen kinds): ask a larger window.
    earlier: bool = False


def current_view(
    store: Notebook,
    now: datetime,
    *,
    incident_id: str | None = None,
    kinds: Collection[str] | None = None,
    policies: Mapping[str, SeverityPolicy] = DEFAULT_POLICIES,
    window: int = TIMELINE_WINDOW,
) -> TimelineView:
    """The chosen incident's timeline (its newest ``window`` events, oldest first), else
    the most severe open one's, else the latest recorded events (newest first)."""
    record = get_incident(store, incident_id) if incident_id else None
    if record is None:
        incidents = open_incidents(store)
        record = incidents[0] if incidents else None
    if record is not None:
        events = incident_timeline(store, record, now, kinds, limit=window + 1)
        earlier = len(events) > window
        events = events[1:] if earlier else events
        clocks = incident_clocks(store, record, now, policies)
        heading = f"{record.id} {record.severity} {record.status} · {record.title}"
        if record.is_open:
            heading += f" · {clocks.describe()}"
        empty = "No events of the chosen types." if kinds is not None else "No events yet."
        return TimelineView(heading, tuple(events), empty, record, clocks, earlier)
    recent = latest_events(store, limit=RECENT_LIMIT)
    if kinds is not None:
        recent = [e for e in recent if e.kind in kinds]
    return TimelineView(
        "no open incident · recent events, newest first",
        tuple(recent),
        "No open incident and nothing recorded yet: alert and probe changes appear here.",
    )
