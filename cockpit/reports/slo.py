"""The SLO report as text (seed 001's layout) and as JSON-ready data."""

from __future__ import annotations

from cockpit.model.durations import promql_duration
from cockpit.model.slo import EXHAUSTED, HEALTHY, WARNING
from cockpit.model.slo_report import SloReport, verdict

RULE = "=" * 60
MARKS = {HEALTHY: "✅", WARNING: "⚠️", EXHAUSTED: "🚨"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def render_text(report: SloReport) -> str:
    lines = [RULE, "SLO & Error Budget Report", RULE]
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
                "total_events": totals.events if totals else None,
                "failed_events": totals.failed if totals else None,
                "error": status.error,
            }
        )
    return {"verdict": {"exit_code": code, "message": line}, "slos": slos}
