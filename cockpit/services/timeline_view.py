"""What the timeline pane shows: the open incident's events, or the latest recorded ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cockpit.model.timeline import TimelineEvent
from cockpit.store import Store
from cockpit.store.events import events_between, latest_events
from cockpit.store.incidents import open_incidents

RECENT_LIMIT = 50


@dataclass(frozen=True)
class TimelineView:
    heading: str
    events: tuple[TimelineEvent, ...]
    empty: str


def current_view(store: Store, now: datetime) -> TimelineView:
    """The most severe open incident's timeline: its own events plus the automatic
    ones (alerts, probes) recorded since it was detected."""
    incidents = open_incidents(store)
    if incidents:
        incident = incidents[0]
        own = events_between(store, incident.detected_at, now, incident_id=incident.id)
        automatic = [
            e
            for e in events_between(store, incident.detected_at, now)
            if e.incident_id is None and e.source in ("alertmanager", "probe", "prometheus")
        ]
        # Newest first: the top of the pane is what just happened.
        merged = sorted(
            {e.id: e for e in own + automatic}.values(), key=lambda e: e.occurred_at, reverse=True
        )
        heading = f"{incident.id} {incident.severity} {incident.status} · {incident.title}"
        return TimelineView(heading, tuple(merged[:RECENT_LIMIT]), "No events yet.")
    return TimelineView(
        "no open incident · recent events, newest first",
        tuple(latest_events(store, limit=RECENT_LIMIT)),
        "No open incident and nothing recorded yet: alert and probe changes appear here.",
    )
