"""What `cockpit slo report` and `cockpit slo check` say: the cycle's SLOs with their
totals, and the verdict a deploy pipeline gates on. Plain data and one pure rule; the
services build the report, ``reports/slo.py`` renders it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cockpit.model.slo import EXHAUSTED, NO_DATA
from cockpit.model.snapshots import SloSnapshot, SloStatus

# The verdict is the exit code of `cockpit slo check`: exit_codes.EXIT_OK, EXIT_FAILED and
# EXIT_USAGE. The model imports nothing outside itself, so the numbers are repeated here;
# tests/unit/test_layers.py checks they still agree.
ALLOWED, BLOCKED, UNKNOWN = 0, 1, 2


@dataclass(frozen=True)
class Totals:
    events: float
    failed: float


@dataclass(frozen=True)
class SloReport:
    snapshot: SloSnapshot
    totals: dict[str, Totals]
    # Per SLO name, its error-ratio query over the SLO window (what "no data" was asked).
    queries: Mapping[str, str] = field(default_factory=dict)
    # Per SLO name, how much of the window holds data (None: none); absent: not known.
    held: Mapping[str, timedelta | None] = field(default_factory=dict)
    # The moment asked for (``--at``): the report as it was then; None: now.
    at: datetime | None = None

    @property
    def statuses(self) -> tuple[SloStatus, ...]:
        return self.snapshot.slos


def verdict(report: SloReport) -> tuple[int, str]:
    """(exit code, line): blocked when any SLO is exhausted; unknown when the cockpit cannot
    tell (no Prometheus, a query error, no data), because an outage must never read as a
    pass."""
    statuses = report.statuses
    exhausted = [s.slo.name for s in statuses if s.budget.status == EXHAUSTED]
    if exhausted:
        return BLOCKED, f"Deployments blocked due to SLO violations: {', '.join(exhausted)}"
    freshness = report.snapshot.freshness
    if not freshness.configured:
        return UNKNOWN, "Cannot tell: Prometheus is not configured ([prometheus] url)"
    if freshness.error is not None:
        return UNKNOWN, f"Cannot tell: Prometheus did not answer ({freshness.error})"
    if not statuses:
        return UNKNOWN, "Cannot tell: no SLOs are configured"
    down = report.snapshot.stale_servers()
    if down:
        said = "; ".join(f"{name} ({f.error})" for name, f in down.items())
        return UNKNOWN, f"Cannot tell: Prometheus {said} did not answer"
    unknown = [s.slo.name for s in statuses if s.error or s.budget.status == NO_DATA]
    if unknown:
        return UNKNOWN, f"Cannot tell: no data or a query error for {', '.join(unknown)}"
    return ALLOWED, "All SLOs within error budget - Deployments allowed"
