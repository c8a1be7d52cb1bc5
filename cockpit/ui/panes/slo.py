"""SLO status: each SLO's SLI and budget left, worst budget first."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from cockpit.model.slo import EXHAUSTED, HEALTHY, NO_DATA, WARNING, ErrorBudget
from cockpit.services.snapshots import SloSnapshot, SloStatus
from cockpit.ui.format import percent
from cockpit.ui.panes.base import Pane
from cockpit.ui.table_sync import Row

STATUS_COLOURS = {
    HEALTHY: "slo-ok",
    WARNING: "slo-warning",
    EXHAUSTED: "slo-breach",
    NO_DATA: "stale",
}


def _budget_left(budget: ErrorBudget) -> str:
    """Percent and minutes left, short enough for the column even when far overspent."""
    remaining, minutes = budget.remaining, budget.remaining_minutes
    if remaining is None or minutes is None:
        return "—"
    share = f"{remaining * 100:.1f}%" if abs(remaining) < 10 else f"{remaining * 100:.0f}%"
    amount = f"{minutes:.1f}m" if abs(minutes) < 100 else f"{minutes:.0f}m"
    return f"{share} {amount}"


def _order(status: SloStatus) -> tuple[int, float]:
    remaining = status.budget.remaining
    return (1, 0.0) if remaining is None else (0, remaining)


class SloPane(Pane):
    TITLE = "SLOs"
    KEY = "1"
    COLUMNS = (("SLO", 20), ("objective", 9), ("SLI", 9), ("budget left", 15), ("status", 12))

    def update_snapshot(self, snapshot: SloSnapshot, now: datetime) -> None:
        self.show_freshness(snapshot.freshness, now)
        rows: list[Row] = []
        for status in sorted(snapshot.slos, key=_order):
            budget = status.budget
            left = _budget_left(budget)
            if status.error is None:
                label = budget.status
            else:
                label = "stale" if budget.sli is not None else "query error"
            colour = self.colour(STATUS_COLOURS[budget.status])
            rows.append(
                (
                    status.slo.name,
                    (
                        status.slo.name,
                        f"{status.slo.objective:g}%",
                        percent(budget.sli),
                        left,
                        Text(label, style=colour),
                    ),
                )
            )
        if not snapshot.freshness.configured:
            empty = "Prometheus is not configured: add [prometheus] url = ... to the config."
        elif not rows:
            empty = "No SLOs configured: add [[slo]] sections (see `cockpit config init`)."
        else:
            empty = ""
        self.show(rows, empty)
