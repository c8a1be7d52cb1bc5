"""The handoff digest as Markdown (see ``markdown.py`` for what "pastes cleanly" means)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from cockpit.model.handoff_digest import AckedAlert, Digest, FiringAlert
from cockpit.model.rotation import is_late
from cockpit.model.shift_history import ResolvedAlert
from cockpit.model.silences import Silence
from cockpit.model.timeline import ClusterNames, with_cluster
from cockpit.reports.markdown import clock, code, free_text, labels, pct, plain, span, times, when

NONE = "- none"


def _unknown(why: str) -> list[str]:
    return [f"- not known: {why}"]


def _named(text: str, cluster: str, clusters: ClusterNames) -> str:
    """``text`` (an alert's or silence's line) named by its cluster, if that is to be."""
    return with_cluster(text, plain(clusters.of(cluster)))


def _name(a: FiringAlert | AckedAlert | ResolvedAlert, clusters: ClusterNames) -> str:
    return _named(code(a.name), a.cluster, clusters)


def _silence(s: Silence, zone: ZoneInfo, clusters: ClusterNames) -> str:
    kind = _named("ack" if s.is_ack else "silence", s.cluster, clusters)
    matchers = code(s.matcher_text) if s.matchers else "(no matchers)"
    return (
        f"- {kind} {matchers} by {plain(s.created_by) or '?'}, {clock(s.starts_at, zone)} to "
        f"{clock(s.ends_at, zone)}" + (f": {plain(s.comment)}" if s.comment else "")
    )


def _schedule_note(d: Digest, zone: ZoneInfo) -> str:
    if d.swap:
        if d.scheduled_at is not None:
            return f" · in place of the rostered engineer for {when(d.scheduled_at, zone)}"
        return " · a swap, outside the scheduled handoffs"
    if d.scheduled_at is None:
        return ""
    late = is_late(d.scheduled_at, d.signed_at or d.generated_at)
    return f" · {'late: ' if late else ''}scheduled {when(d.scheduled_at, zone)}"


def render_markdown(d: Digest) -> str:
    zone = ZoneInfo(d.timezone)
    names = ClusterNames(d.clusters)
    title = "Swap" if d.swap else "Shift handoff"
    lines = [
        f"## {title}: {plain(d.outgoing)} → {plain(d.incoming or 'next on call')}",
        "",
        f"Shift {when(d.start, zone)} to {when(d.end, zone)}"
        + (f" · signed by {plain(d.signed_by)} at {when(d.signed_at, zone)}" if d.signed_by else
           f" · draft, generated {when(d.generated_at, zone)}")
        + _schedule_note(d, zone),
    ]  # fmt: skip
    alerts_problem = next((p for p in d.problems if p.startswith("alerts:")), None)
    alerts_why = alerts_problem or "alerts not fetched"
    silences_why = next((p for p in d.problems if p.startswith("silences:")), "not fetched")

    lines += ["", "### Alerts firing, not acknowledged"]
    if d.firing_unacked is None:
        lines += _unknown(alerts_why)
    else:
        lines += [
            f"- {_name(a, names)} ({a.severity}) {labels(a.labels)} since {clock(a.since, zone)}"
            + (f": {plain(a.summary)}" if a.summary else "")
            for a in d.firing_unacked
        ] or [NONE]
        # Known, but not from every cluster (one cluster's Alertmanager did not answer).
        lines += _unknown(alerts_problem) if alerts_problem else []
    lines += ["", "### Alerts acknowledged"]
    lines += [
        f"- {_name(a, names)} {labels(a.labels)} acked by {plain(a.owner or '?')}, "
        f"{span(a.age)} ago"
        + (f", expires {clock(a.expires_at, zone)}" if a.expires_at else "")
        + ("" if a.still_firing is not False else ", no longer firing")
        for a in d.acked
    ] or [NONE]
    lines += ["", "### Alerts resolved during the shift"]
    lines += [
        f"- {_name(a, names)} {labels(a.labels)} fired {clock(a.fired_at, zone)}, resolved "
        f"{clock(a.resolved_at, zone)}"
        + (f" ({span(a.resolved_at - a.fired_at)})" if a.fired_at else "")
        + (f", acked by {', '.join(plain(o) for o in a.acked_by)}" if a.acked_by else "")
        for a in d.resolved
    ] or [NONE]

    lines += ["", "### Silences created during the shift"]
    if d.silences_created is None:
        lines += _unknown(silences_why)
    else:
        lines += [_silence(s, zone, names) for s in d.silences_created] or [NONE]
    lines += ["", "### Silences expiring in the next 12 hours"]
    if d.silences_expiring is None:
        lines += _unknown(silences_why)
    else:
        lines += [_silence(s, zone, names) for s in d.silences_expiring] or [NONE]

    lines += ["", "### Incidents"]
    for inc in d.incidents:
        marks = []
        if inc.opened_in_shift:
            marks.append(f"opened {clock(inc.detected_at, zone)}")
        else:
            marks.append(f"open since {when(inc.detected_at, zone)}")
        if inc.closed_in_shift:
            # finished_at is the resolution (what MTTR counts); closing comes after review.
            marks.append(f"resolved {clock(inc.finished_at, zone)}")
            if inc.closed_at is not None:
                marks.append(f"closed {clock(inc.closed_at, zone)}")
        elif inc.still_open:
            marks.append("still open")
        line = (
            f"- {code(inc.id)} {inc.severity} {plain(inc.title)}: {inc.status}, {', '.join(marks)}"
        )
        if inc.responder:
            line += f", responder {plain(inc.responder)}"
        if inc.last_update is not None:
            u = inc.last_update
            line += f"; last update {clock(u.at, zone)}: {plain(u.body or u.kind)}"
        lines.append(line)
    if not d.incidents:
        lines.append(NONE)

    lines += ["", "### SLO error budget left (shift start → now)"]
    for b in d.budgets:
        if b.at_start is None and b.now is None:
            lines.append(f"- {code(b.slo)}: no budget snapshot in the shift yet")
            continue
        line = f"- {code(b.slo)}: {pct(b.at_start)} → {pct(b.now)}"
        if b.change is not None:
            line += f" ({pct(b.change, signed=True)})"
        if b.now_taken_at is not None and b.now_taken_at < d.start:
            line += f" (no snapshot since {clock(b.now_taken_at, zone)})"
        lines.append(line)
    if not d.budgets:
        lines.append("- no SLOs configured")

    lines += ["", "### Runbook runs"]
    lines += [
        f"- {code(r.runbook)} {r.status}{' (dry run)' if r.dry_run else ''}, started "
        f"{clock(r.started_at, zone)} by {plain(r.started_by or '?')}"
        + (f" for {code(r.incident_id)}" if r.incident_id else "")
        + f": {r.steps_done}/{r.steps} steps done"
        + (f", {r.steps_skipped} skipped" if r.steps_skipped else "")
        + (f", {r.steps_failed} failed" if r.steps_failed else "")
        for r in d.runbook_runs
    ] or [NONE]

    lines += ["", "### Probe flaps"]
    lines += [
        f"- {code(p.probe)}: down {times(p.downs)}, up {times(p.ups)}, "
        f"{'down' if p.last_kind == 'probe_down' else 'up'} since {clock(p.last_change, zone)}"
        for p in d.probe_flaps
    ] or [NONE]

    lines += ["", "### Time-critical work handed over", *free_text(d.time_critical, "nothing")]
    lines += ["", "### Components degraded or at risk", *free_text(d.at_risk, "nothing")]
    lines += ["", "### Shift notes", *free_text(d.notes, "no notes")]

    lines += ["", "### Checklist"]
    for part in ("outgoing", "incoming"):
        items = [i for i in d.checklist if i.part == part]
        if not items:
            continue
        lines.append(f"- {part}:")
        for item in items:
            mark = "[x]" if item.checked else "[ ]"
            by = (
                f" ({plain(item.checked_by or '?')} {clock(item.checked_at, zone)})"
                if item.checked
                else ""
            )
            lines.append(f"  - {mark} {plain(item.text)}{by}")
    if not d.checklist:
        lines.append("- no checklist ([handoff] checklist is empty)")
    return "\n".join(lines) + "\n"
