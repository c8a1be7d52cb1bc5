"""`cockpit slo report` and `cockpit slo check`: one SLO cycle, totals, and a verdict a
deploy pipeline can gate on (seed 001's slo_tracker --report / --check)."""

from __future__ import annotations

from dataclasses import dataclass

from cockpit.config import Config
from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from cockpit.model.durations import promql_duration
from cockpit.model.slo import EXHAUSTED, NO_DATA
from cockpit.model.slo_definition import SloConfig
from cockpit.model.snapshots import SloSnapshot, SloStatus
from cockpit.services.slo_poll import TAG, SloPoller, tagged_or
from cockpit.sources.errors import SourceError

ALLOWED, BLOCKED, UNKNOWN = EXIT_OK, EXIT_FAILED, EXIT_USAGE


@dataclass(frozen=True)
class Totals:
    events: float
    failed: float


@dataclass(frozen=True)
class SloReport:
    snapshot: SloSnapshot
    totals: dict[str, Totals]

    @property
    def statuses(self) -> tuple[SloStatus, ...]:
        return self.snapshot.slos


def _totals_query(slo: SloConfig) -> str | None:
    """Events over the window, for the report's totals; None where the SLI has no count."""
    seconds = int(slo.window.total_seconds())
    span = promql_duration(slo.window)
    if slo.kind == "ratio" and slo.total is not None:
        return f"({slo.total.replace('{{window}}', span)}) * {seconds}"
    if slo.kind == "latency" and slo.metric is not None:
        return f"sum(rate({slo.metric}_count{{{slo.selector.strip()}}}[{span}])) * {seconds}"
    return None


def build_report(config: Config) -> SloReport:
    poller = SloPoller(config)
    snapshot = poller.poll()
    totals: dict[str, Totals] = {}
    queries = poller.client
    if queries is None or snapshot.freshness.error is not None:
        return SloReport(snapshot, totals)
    parts = [(i, q) for i, slo in enumerate(config.slos) if (q := _totals_query(slo)) is not None]
    if parts:
        try:
            samples = queries.query(tagged_or(parts), poller.evaluated_at)
        except SourceError:
            samples = []  # totals are extra: the verdict does not depend on them
        by_slo = {s.slo.name: s for s in snapshot.slos}
        for sample in samples:
            slo = config.slos[int(sample.labels.get(TAG, "0"))]
            sli = by_slo[slo.name].budget.sli
            if sli is not None:
                totals[slo.name] = Totals(sample.value, sample.value * (1 - sli))
    return SloReport(snapshot, totals)


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
    unknown = [s.slo.name for s in statuses if s.error or s.budget.status == NO_DATA]
    if unknown:
        return UNKNOWN, f"Cannot tell: no data or a query error for {', '.join(unknown)}"
    return ALLOWED, "All SLOs within error budget - Deployments allowed"
