"""Markdown incident reports: the postmortem and the scenario report (docs/domain.md,
Incident lifecycle)
(variants db, redis, deploy, overload). Both end with the incident's timeline.

Pure rendering: the caller gathers the record, its timeline, action items and linked
alerts (services/incident_report.py) and says which time zone to show times in.
Blameless by construction: events name roles and systems as written, the headings ask
what happened and why, never who is to blame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from cockpit.model.durations import format_duration
from cockpit.model.incident_draft import LinkedAlert
from cockpit.model.incident_record import IncidentRecord
from cockpit.model.timeline import ClusterNames, TimelineEvent, event_text, with_cluster

TEMPLATES: tuple[str, ...] = ("postmortem", "db", "redis", "deploy", "overload")
VARIANT_TITLES = {
    "db": "DB outage",
    "redis": "Redis / rate-limit backend outage",
    "deploy": "Deploy / release failure",
    "overload": "Traffic overload",
}
# The fifth section of each scenario variant (docs/domain.md, Incident lifecycle).
VARIANT_LAST_SECTION = {
    "db": "Follow-up",
    "redis": "Follow-up",
    "deploy": "Rollback / redeploy record",
    "overload": "Capacity / performance follow-up",
}
NOT_WRITTEN = "_(not written yet)_"


@dataclass(frozen=True)
class ReportInput:
    record: IncidentRecord
    events: Sequence[TimelineEvent]
    action_items: Sequence[tuple[str, str | None, str | None, str, bool]]  # what, owner, due, how
    alerts: Sequence[LinkedAlert]
    zone: tzinfo
    clusters: ClusterNames | None = None  # which alerts name their cluster (None: none)


def _time(value: datetime | None, zone: tzinfo) -> str:
    return "—" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _text(value: str | None) -> str:
    return value.strip() if value and value.strip() else NOT_WRITTEN


def _since(record: IncidentRecord, value: datetime | None) -> str:
    return "" if value is None else f" (+{format_duration(value - record.detected_at)})"


def _one_line(text: str) -> str:
    return " / ".join(line.strip() for line in text.splitlines() if line.strip())


def timeline_table(
    events: Sequence[TimelineEvent], zone: tzinfo, clusters: ClusterNames | None = None
) -> list[str]:
    if not events:
        return ["_No events were recorded for this incident._"]
    lines = ["| time | type | by | event |", "|---|---|---|---|"]
    for event in events:
        body = _one_line(event_text(event, clusters)).replace("|", "\\|")
        lines.append(
            f"| {_time(event.occurred_at, zone)} | {event.kind.replace('_', ' ')} "
            f"| {event.author or event.source} | {body} |"
        )
    return lines


def _milestones(data: ReportInput) -> list[str]:
    r, zone = data.record, data.zone
    rows = [
        ("Detected", r.detected_at),
        ("Acknowledged", r.acknowledged_at),
        ("Mitigated", r.mitigated_at),
        ("Resolved", r.resolved_at),
        ("Closed", r.closed_at),
    ]
    return [f"- {name}: {_time(at, zone)}{_since(r, at)}" for name, at in rows]


def _action_items(data: ReportInput) -> list[str]:
    if not data.action_items:
        return [NOT_WRITTEN]
    lines = ["| what | owner | due | verified by | done |", "|---|---|---|---|---|"]
    for what, owner, due, how, done in data.action_items:
        cells = [what, owner or "—", due or "—", how or "—", "yes" if done else "no"]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines


def _automatic(data: ReportInput, *kinds: str) -> list[TimelineEvent]:
    return [e for e in data.events if e.kind in kinds]


def _cause(record: IncidentRecord) -> list[str]:
    """Suspected vs confirmed: what was believed during the response is part of the story."""
    return [
        f"- Suspected: {_text(record.suspected_cause)}",
        f"- Confirmed: {_text(record.root_cause)}",
    ]


def _header(data: ReportInput, heading: str) -> list[str]:
    r = data.record
    return [
        f"# {heading}: {r.id} {r.title}",
        "",
        f"- Severity: {r.severity} · Status: {r.status}",
        f"- Components: {', '.join(r.components) or '—'}",
        f"- Responder: {r.responder or '—'} · Commander: {r.commander or '—'}",
        "",
    ]


def _said(data: ReportInput, event: TimelineEvent) -> str:
    """An event on one line, and when it happened."""
    return f"{_one_line(event_text(event, data.clusters))} at {_time(event.occurred_at, data.zone)}"


def _alert_name(data: ReportInput, alert: LinkedAlert) -> str:
    return with_cluster(alert.alertname, data.clusters.of(alert.cluster) if data.clusters else "")


def render_postmortem(data: ReportInput) -> str:
    """The postmortem: What, When, Impact, Detection, Response, Root cause, Lessons, Action
    items."""
    r, zone = data.record, data.zone
    detection = [
        f"Detected {_time(r.detected_at, zone)}.",
        *(f"- alert {_alert_name(data, a)} (fingerprint {a.fingerprint})" for a in data.alerts),
    ]
    first_signals = _automatic(data, "alert_fired", "probe_down", "burn_started")
    if first_signals:
        first = first_signals[0]
        detection.append(f"- first signal: {_said(data, first)}")
    response = []
    if r.acknowledged_at:
        response.append(
            f"Acknowledged after {format_duration(r.acknowledged_at - r.detected_at)}"
            f" by {r.responder or 'the responder'}."
        )
    if r.resolved_at:
        response.append(f"Resolved after {format_duration(r.resolved_at - r.detected_at)}.")
    response.append(f"Resolution: {_text(r.resolution)}")
    lines = _header(data, "Postmortem")
    lines += ["## What", "", _text(r.description), ""]
    lines += ["## When", "", *_milestones(data), ""]
    lines += ["## Impact", "", _text(r.impact), ""]
    lines += ["## Detection", "", *detection, ""]
    lines += ["## Response", "", *response, ""]
    lines += ["## Root cause", "", *_cause(r), ""]
    lines += ["## Lessons", "", _text(r.lessons), ""]
    lines += ["## Action items", "", *_action_items(data), ""]
    lines += ["## Timeline", "", *timeline_table(data.events, zone, data.clusters), ""]
    return "\n".join(lines)


def render_scenario(data: ReportInput, variant: str) -> str:
    """The scenario report: Impact, Cause (suspected vs confirmed), Mitigation, Recovery
    verification, and the variant's follow-up section."""
    if variant not in VARIANT_TITLES:
        raise ValueError(f"unknown report variant {variant!r}; use one of {', '.join(TEMPLATES)}")
    r, zone = data.record, data.zone
    recovery = [
        f"- {_said(data, e)}"
        for e in _automatic(data, "alert_resolved", "probe_up", "burn_stopped")
    ] or ["- no automatic recovery signal (alert resolved, probe up) was recorded"]
    if r.resolved_at:
        recovery.append(f"- resolved at {_time(r.resolved_at, zone)}")
    mitigation = [f"Mitigated at {_time(r.mitigated_at, zone)}." if r.mitigated_at else ""]
    mitigation.append(_text(r.resolution))
    steps = _automatic(data, "runbook_step")
    last: list[str]
    if variant == "deploy":
        last = [f"- {_said(data, e)}" for e in steps]
        last = last or [_text(r.resolution)]
        last += ["", *_action_items(data)]
    else:
        last = _action_items(data)
    lines = _header(data, f"Incident report ({VARIANT_TITLES[variant]})")
    # The description is what happened (in the header: the report's sections stay as
    # defined); Impact is only who was hurt and how much.
    lines.insert(-1, f"- What happened: {_one_line(_text(r.description))}")
    lines += ["## Impact", "", _text(r.impact), ""]
    lines += ["## Cause", "", *_cause(r), ""]
    lines += ["## Mitigation", "", *[m for m in mitigation if m], ""]
    lines += ["## Recovery verification", "", *recovery, ""]
    lines += [f"## {VARIANT_LAST_SECTION[variant]}", "", *last, ""]
    lines += ["## Timeline", "", *timeline_table(data.events, zone, data.clusters), ""]
    return "\n".join(lines)


def render(data: ReportInput, template: str = "postmortem") -> str:
    if template == "postmortem":
        return render_postmortem(data)
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; use one of {', '.join(TEMPLATES)}")
    return render_scenario(data, template)
