"""Compare a new snapshot with the last one and name the changes that matter.

These become timeline events in the store, so the incident timeline and the handoff
digest read what happened instead of reconstructing it from memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from cockpit.model.alerts import Alert
from cockpit.model.durations import promql_duration
from cockpit.model.probes import DOWN, UP, ProbeState
from cockpit.model.slo import BurnRow, RowStatus
from cockpit.model.snapshots import SloSnapshot, SloStatus
from cockpit.model.timeline import TimelineEvent

# SLO name -> the rows (by ``row_name``) that were firing at its last good answer.
BurnBaseline = Mapping[str, frozenset[str]]


def _key(alert: Alert) -> tuple[str, tuple[tuple[str, str], ...]]:
    # The same labels firing in two clusters are two alerts.
    return alert.cluster, alert.identity


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


# How an event's text names what it is about; an event closing one names it the same way.
def _alert_title(name: str, labels: Mapping[str, str]) -> str:
    return f"{name} ({labels.get('severity', 'none')})"


def _burn_title(slo: str, row: str) -> str:
    return f"{slo}: {row}"


def _probe_title(name: str) -> str:
    return f"probe {name}"


def _alert_event(kind: str, alert: Alert, at: datetime) -> TimelineEvent:
    verb = "firing" if kind == "alert_fired" else "resolved"
    body = f"{_alert_title(alert.name, alert.labels)} {verb}"
    # The summary was rendered while the alert fired ("now 7.087%"); at resolution it would
    # quote a value that is no longer true, and Alertmanager does not send the new one.
    if alert.summary and kind == "alert_fired":
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
        cluster=alert.cluster or None,
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
                f"{_probe_title(state.name)} down after {state.failures} failures: {reason}",
            )
        elif state.state == UP and old == DOWN:
            kind, body = "probe_up", f"{_probe_title(state.name)} up again"
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


def row_name(row: BurnRow) -> str:
    """``page 1h/5m``: a burn row's severity and windows, its identity within an SLO."""
    return f"{row.severity} {promql_duration(row.long)}/{promql_duration(row.short)}"


def burn_baseline(before: BurnBaseline, snapshot: SloSnapshot) -> dict[str, frozenset[str]]:
    """The firing rows after ``snapshot``. Only an SLO answered without error updates its
    entry, and a row whose long or short burn is unknown keeps its last state (a gap in
    the data is neither a start nor a stop)."""
    after = dict(before)
    for status in snapshot.slos:
        if status.error is not None:
            continue
        was = before.get(status.slo.name, frozenset())
        after[status.slo.name] = frozenset(
            row_name(r.row)
            for r in status.rows
            if (r.firing if _known(r) else row_name(r.row) in was)
        )
    return after


def burn_transitions(
    before: BurnBaseline, snapshot: SloSnapshot, at: datetime
) -> list[TimelineEvent]:
    """Burn rows that started or stopped firing since ``before``. An SLO missing from
    ``before`` (the first good answer after start) only sets its baseline, like the
    alerts' first cycle: rows already firing then are not news."""
    after = burn_baseline(before, snapshot)
    events = []
    for status in snapshot.slos:
        name = status.slo.name
        if status.error is not None or name not in before:
            continue
        was, now = before[name], after[name]
        for row in status.rows:
            key = row_name(row.row)
            if key in now and key not in was:
                events.append(_burn_event("burn_started", status, row, at))
            elif key in was and key not in now:
                events.append(_burn_event("burn_stopped", status, row, at))
    return events


def _known(row: RowStatus) -> bool:
    return row.long_rate is not None and row.short_rate is not None


def _rate(rate: float | None) -> str:
    if rate is None:
        return "?"
    return f"{rate:.1f}x" if rate < 100 else f"{rate:.0f}x"


def _burn_event(kind: str, status: SloStatus, row: RowStatus, at: datetime) -> TimelineEvent:
    name, slo = row_name(row.row), status.slo
    verb = "burning" if kind == "burn_started" else "stopped burning"
    long, short = promql_duration(row.row.long), promql_duration(row.row.short)
    remaining = status.budget.remaining
    # + 0.0: float noise at an exactly spent budget must not read "-0.0%".
    left = "unknown" if remaining is None else f"{round(remaining * 100, 1) + 0.0:.1f}%"
    body = (
        f"{_burn_title(slo.name, name)} at {round(row.threshold, 2):g}x {verb} "
        f"(burn {long} {_rate(row.long_rate)}, {short} {_rate(row.short_rate)}; "
        f"budget left {left})"
    )
    labels = {"slo": slo.name, "severity": row.row.severity, "row": name}
    if slo.service:
        labels["service"] = slo.service
    return TimelineEvent(
        kind=kind,
        occurred_at=at,
        source="slo",
        subject=slo.name,
        body=body,
        component=slo.service or None,
        labels=labels,
    )


# What each opening transition is closed by. The notebook's last event of a pair is what
# it says of that subject now ("HighErrorRate is firing", "probe ready is down").
CLOSED_BY = {
    "alert_fired": "alert_resolved",
    "probe_down": "probe_up",
    "burn_started": "burn_stopped",
}
TRANSITION_KINDS = frozenset(CLOSED_BY) | frozenset(CLOSED_BY.values())
_NOW_WORDS = {"alert_resolved": "no longer firing", "probe_up": "up", "burn_stopped": "not burning"}
_WAS_WORDS = {"alert_fired": "firing", "probe_down": "down", "burn_started": "burning"}


def _labels_key(labels: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(labels.items())))


def _alert_subject(
    fingerprint: str | None, cluster: str | None, name: str, labels: Mapping[str, str]
) -> tuple[str, ...]:
    # Alertmanager's fingerprint hashes the labels only: the cluster tells the same labels
    # in two clusters apart. ("@" keeps it from reading as a fingerprint or labels.)
    key = ("alert", fingerprint) if fingerprint else ("alert", name, _labels_key(labels))
    return (*key, "@" + cluster) if cluster else key


def alert_key(alert: Alert) -> tuple[str, ...]:
    """The subject key (see ``subject_key``) of the events about ``alert``."""
    return _alert_subject(alert.fingerprint, alert.cluster, alert.name, alert.labels)


def unclustered_key(key: tuple[str, ...]) -> tuple[str, ...] | None:
    """An alert's subject key without its cluster: the key of its events written before
    the notebook kept clusters (they may be about this alert). None: ``key`` has none."""
    if key[0] == "alert" and key[-1].startswith("@"):
        return key[:-1]
    return None


def subject_key(event: TimelineEvent) -> tuple[str, ...]:
    """What a transition event is about: one alert (in one cluster), one probe, one burn
    row of an SLO."""
    if event.kind.startswith("alert_"):
        return _alert_subject(event.fingerprint, event.cluster, event.subject, event.labels)
    if event.kind.startswith("burn_"):
        return ("burn", event.subject, event.labels.get("row", ""))
    return ("probe", event.subject)


def closing_event(opened: TimelineEvent, at: datetime) -> TimelineEvent:
    """The event that ends ``opened`` when the notebook still says it holds but this
    cockpit sees it over (a cockpit stopped before writing it, or another one took the
    recording duty over before its own view had caught up)."""
    kind = CLOSED_BY[opened.kind]
    since = f"{opened.occurred_at:%Y-%m-%d %H:%M} UTC"
    was = _WAS_WORDS[opened.kind]
    body = f"{_named(opened)} {_NOW_WORDS[kind]} (recorded {was} since {since})"
    return replace(opened, id=None, kind=kind, occurred_at=at, body=body, author=None)


def _named(opened: TimelineEvent) -> str:
    """What ``opened`` is about, named as its own text named it: the alert with its
    severity, the SLO with its burn row, the probe. (Several closed at one start must
    not read the same: an alert's critical and warning, an SLO's four rows.)"""
    if opened.kind.startswith("alert_"):
        return _alert_title(opened.subject, opened.labels)
    if opened.kind.startswith("burn_") and opened.labels.get("row"):
        return _burn_title(opened.subject, opened.labels["row"])
    if opened.kind.startswith("probe_"):
        return _probe_title(opened.subject)
    return opened.subject


def quiet_rows(snapshot: SloSnapshot) -> set[tuple[str, str]]:
    """(SLO, row) pairs this answer says are not burning (rows with data only)."""
    return {
        (status.slo.name, row_name(row.row))
        for status in snapshot.slos
        if status.error is None
        for row in status.rows
        if _known(row) and not row.firing
    }
