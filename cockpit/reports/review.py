"""The weekly review as Markdown (see ``markdown.py`` for what "pastes cleanly" means)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from cockpit.model.incident_stats import Durations
from cockpit.model.timeline import ClusterNames, with_cluster
from cockpit.model.weekly_review import Review
from cockpit.reports.markdown import code, pct, plain, span, times, when

NONE = "- none"


def _durations(name: str, d: Durations) -> str:
    if d.count == 0:
        return f"- {name}: no incident with that milestone this week"
    over = times(d.count, "incident")
    return f"- {name}: mean {span(d.mean)}, median {span(d.median)} (over {over})"


def _noisiest(r: Review) -> list[tuple[str, int]]:
    """Each alert's line and times fired, its cluster named as ``ClusterNames`` says; the
    counts of the same line added up (a firing recorded before the notebook kept clusters
    and one after, in the one cluster watched, are the same alert's)."""
    clusters = ClusterNames(r.clusters)
    counted: dict[str, int] = {}
    for noisy in r.noisiest:
        line = with_cluster(code(noisy.name), plain(clusters.of(noisy.cluster)))
        counted[line] = counted.get(line, 0) + noisy.fired
    return sorted(counted.items(), key=lambda item: -item[1])


def render_markdown(r: Review) -> str:
    zone = ZoneInfo(r.timezone)
    lines = [
        f"## Weekly review {r.label}",
        "",
        f"{when(r.start, zone)} to {when(r.end, zone)} · generated {when(r.generated_at, zone)}",
        "",
        "### Incidents by severity",
    ]
    lines += [f"- {sev}: {n}" for sev, n in r.by_severity]
    for inc in r.incidents:
        lines.append(
            f"  - {code(inc.id)} {inc.severity} {plain(inc.title)}: {inc.status}, detected "
            f"{when(inc.detected_at, zone)}"
        )
    lines += [
        "",
        "### Time to acknowledge and resolve",
        _durations("MTTA", r.mtta),
        _durations("MTTR", r.mttr),
    ]
    lines += ["", "### Error budget consumed this week"]
    lines += [
        f"- {code(b.slo)}: "
        + (
            "no budget snapshots this week"
            if b.consumed is None
            else f"{pct(b.consumed, signed=True).replace(' pts', '')} points of the budget "
            f"({pct(b.at_start)} → {pct(b.at_end)} left)"
        )
        for b in r.budgets
    ] or ["- no SLOs configured"]
    lines += ["", "### Sev1 and Sev2 without a finished postmortem"]
    lines += [
        f"- {code(i.id)} {i.severity} {plain(i.title)} ({i.status}, detected "
        f"{when(i.detected_at, zone)})"
        for i in r.missing_postmortems
    ] or [NONE]
    lines += ["", "### Open action items"]
    today = r.generated_at.astimezone(zone).date()
    lines += [
        f"- {plain(a.what)}: owner {plain(a.owner or 'nobody')}, due "
        f"{a.due.isoformat() if a.due else 'no date'}"
        + (" (overdue)" if a.due and a.due < today else "")
        + f", from {code(a.incident_id)}"
        for a in r.action_items
    ] or [NONE]
    lines += ["", "### Ten noisiest alerts"]
    lines += [f"- {name}: fired {times(n)}" for name, n in _noisiest(r)] or [NONE]
    lines += ["", "### Probe flaps"]
    lines += [
        f"- {code(p.probe)}: down {times(p.downs)}, up {times(p.ups)}" for p in r.probe_flaps
    ] or [NONE]
    return "\n".join(lines) + "\n"
