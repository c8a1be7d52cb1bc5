"""The SLO report as text (the layout of the team's SLO report, docs/domain.md) and as
JSON-ready data."""

from __future__ import annotations

from datetime import UTC, timedelta, tzinfo

from cockpit.model.durations import format_duration, promql_duration
from cockpit.model.moments import utc_iso
from cockpit.model.slo import EXHAUSTED, HEALTHY, NO_DATA, WARNING, window_held_text
from cockpit.model.slo_report import SloReport, verdict
from cockpit.model.snapshots import SloStatus

RULE = "=" * 60
MARKS = {HEALTHY: "✅", WARNING: "⚠️", EXHAUSTED: "🚨"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _data_note(report: SloReport, status: SloStatus) -> str | None:
    """What the window holds, when it is not full of data; None when full or not known."""
    name = status.slo.name
    if name not in report.held:
        return None
    return window_held_text(report.held[name], status.slo.window)


def _exhaustion(status: SloStatus) -> str | None:
    if status.exhaustion is None:
        return None
    seconds = status.exhaustion.total_seconds()
    return "now" if seconds <= 0 else format_duration(status.exhaustion)


def _burn_per_window(status: SloStatus) -> dict[str, float | None]:
    """Every window's burn rate the cycle asked for, shortest first (the 1 h one always)."""
    rates: dict[timedelta, float | None] = {}
    for row in status.rows:
        rates.setdefault(row.row.short, row.short_rate)
        rates.setdefault(row.row.long, row.long_rate)
    rates.setdefault(timedelta(hours=1), status.burn_1h)
    return {promql_duration(w): rates[w] for w in sorted(rates)}


def render_text(report: SloReport, zone: tzinfo = UTC) -> str:
    title = "SLO & Error Budget Report"
    if report.at is not None:
        title += f" as it was at {report.at.astimezone(zone):%a %Y-%m-%d %H:%M:%S %Z}"
    lines = [RULE, title, RULE]
    for status in report.statuses:
        budget = status.budget
        mark = MARKS.get(budget.status, "❔")
        lines += [
            "",
            f"{mark} {status.slo.name}"
            + (f" ({status.slo.service})" if status.slo.service else ""),
        ]
        consumed = budget.consumed
        minutes = budget.remaining_minutes
        left = _pct(budget.remaining)
        if minutes is not None:
            left += f" ({minutes:.1f} of {budget.allowed_minutes:.1f} min)"
        lines += [
            f"   Target:              {status.slo.objective:.2f}%",
            f"   Actual:              {_pct(budget.sli)}",
            f"   Error Budget Used:   {_pct(consumed)}",
            f"   Error Budget Left:   {left}",
            f"   Status:              {budget.status}",
        ]
        if status.burn_1h is not None:
            lines.append(f"   Burn rate (1h):      {status.burn_1h:.2f}x")
        firing = [
            f"{r.row.severity} {promql_duration(r.row.long)}/{promql_duration(r.row.short)}"
            for r in status.firing_rows
        ]
        if firing:
            lines.append(f"   Burning:             {', '.join(firing)}")
        totals = report.totals.get(status.slo.name)
        if totals is not None:
            lines += [
                f"   Total Requests:      {totals.events:,.0f}",
                f"   Failed Requests:     {totals.failed:,.0f}",
            ]
        note = _data_note(report, status)
        if note is not None:
            lines.append(f"   Data:                {note}")
        if budget.status == NO_DATA and status.slo.name in report.queries:
            lines.append(f"   Query:               {report.queries[status.slo.name]}")
        if status.error:
            lines.append(f"   Error:               {status.error}")
    code, line = verdict(report)
    mark = {0: "✅ Status:", 1: "🚨", 2: "❔"}[code]
    lines += ["", RULE, f"{mark} {line}", RULE]
    return "\n".join(lines)


def render_json(report: SloReport) -> dict[str, object]:
    code, line = verdict(report)
    slos = []
    for status in report.statuses:
        budget = status.budget
        totals = report.totals.get(status.slo.name)
        held = report.held.get(status.slo.name)
        slos.append(
            {
                "name": status.slo.name,
                "service": status.slo.service,
                "objective_percent": status.slo.objective,
                "window_days": status.slo.window.total_seconds() / 86400,
                "sli": budget.sli,
                "budget_consumed": budget.consumed,
                "budget_remaining": budget.remaining,
                "budget_remaining_minutes": budget.remaining_minutes,
                "status": budget.status,
                "burn_rate_1h": status.burn_1h,
                "firing_rows": [
                    {
                        "severity": r.row.severity,
                        "long": promql_duration(r.row.long),
                        "short": promql_duration(r.row.short),
                    }
                    for r in status.firing_rows
                ],
                "burn_per_window": _burn_per_window(status),
                "burn_rows": [
                    {
                        "severity": r.row.severity,
                        "long": promql_duration(r.row.long),
                        "short": promql_duration(r.row.short),
                        "threshold": r.threshold,
                        "long_burn": r.long_rate,
                        "short_burn": r.short_rate,
                        "long_over_threshold": r.long_over,
                        "short_over_threshold": r.short_over,
                        "firing": r.firing,
                    }
                    for r in status.rows
                ],
                "exhaustion_seconds": (
                    None if status.exhaustion is None else status.exhaustion.total_seconds()
                ),
                "exhaustion": _exhaustion(status),
                "query": report.queries.get(status.slo.name),
                "data_held_seconds": (None if held is None else held.total_seconds()),
                "data_note": _data_note(report, status),
                "total_events": totals.events if totals else None,
                "failed_events": totals.failed if totals else None,
                "error": status.error,
            }
        )
    shown: dict[str, object] = {"verdict": {"exit_code": code, "message": line}, "slos": slos}
    if report.at is not None:  # the moment asked for (`--at`), in UTC
        shown["at"] = utc_iso(report.at)
    return shown
