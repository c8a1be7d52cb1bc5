"""Compare a new snapshot with the last one and name the changes that matter.

These become timeline events in the store, so the incident timeline and the handoff
digest read what happened instead of reconstructing it from memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from cockpit.model.alerts import Alert
from cockpit.model.probes import DOWN, UP, ProbeState
from cockpit.model.timeline import TimelineEvent


def _key(alert: Alert) -> tuple[tuple[str, str], ...]:
    return alert.identity


def alert_transitions(
    before: Iterable[Alert] | None, after: Iterable[Alert], at: datetime
) -> list[TimelineEvent]:
    """Fired / resolved events; pending alerts are not yet news. The first cycle after
    start (``before`` None) only learns the state: it is not a burst of "fired" events."""
    now_firing = {_key(a): a for a in after if a.state != "pending"}
    if before is None:
        return []
    was_firing = {_key(a): a for a in before if a.state != "pending"}
    events = []
    for key, alert in now_firing.items():
        if key not in was_firing:
            events.append(_alert_event("alert_fired", alert, alert.starts_at or at))
    for key, alert in was_firing.items():
        if key not in now_firing:
            events.append(_alert_event("alert_resolved", alert, at))
    return events


def _alert_event(kind: str, alert: Alert, at: datetime) -> TimelineEvent:
    verb = "firing" if kind == "alert_fired" else "resolved"
    body = f"{alert.name} ({alert.severity}) {verb}"
    if alert.summary:
        body += f": {alert.summary}"
    return TimelineEvent(
        kind=kind,
        occurred_at=at,
        source="alertmanager",
        subject=alert.name,
        body=body,
        component=alert.labels.get("service"),
        labels=alert.labels,
        fingerprint=alert.fingerprint or None,
    )


def probe_transitions(
    before: dict[str, ProbeState],
    after: Iterable[ProbeState],
    at: datetime,
    components: dict[str, str],
) -> list[TimelineEvent]:
    """Crossing the failure threshold (down) or recovering from down (up)."""
    events = []
    for state in after:
        previous = before.get(state.name)
        old = previous.state if previous else None
        if state.state == DOWN and old != DOWN:
            reason = state.last.reason if state.last else ""
            kind, body = (
                "probe_down",
                f"probe {state.name} down after {state.failures} failures: {reason}",
            )
        elif state.state == UP and old == DOWN:
            kind, body = "probe_up", f"probe {state.name} up again"
        else:
            continue
        events.append(
            TimelineEvent(
                kind=kind,
                occurred_at=state.last.checked_at if state.last else at,
                source="probe",
                subject=state.name,
                body=body,
                component=components.get(state.name) or None,
            )
        )
    return events
