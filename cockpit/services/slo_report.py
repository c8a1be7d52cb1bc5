"""`cockpit slo report` and `cockpit slo check`: one SLO cycle and its totals (the report
and the deploy gate, docs/domain.md). The report and the verdict a deploy pipeline gates on are
plain data in ``model/slo_report.py``."""

from __future__ import annotations

from datetime import datetime, timedelta

from cockpit.config import Config
from cockpit.model.durations import promql_duration
from cockpit.model.slo_definition import SloDefinition
from cockpit.model.slo_report import SloReport, Totals
from cockpit.services.slo_coverage import data_held
from cockpit.services.slo_poll import TAG, SloPoller, error_ratio_query, tagged_or
from cockpit.sources.errors import SourceError


def _totals_query(slo: SloDefinition) -> str | None:
    """Events over the window, for the report's totals; None where the SLI has no count."""
    seconds = int(slo.window.total_seconds())
    span = promql_duration(slo.window)
    if slo.kind == "ratio" and slo.total is not None:
        return f"({slo.total.replace('{{window}}', span)}) * {seconds}"
    if slo.kind == "latency" and slo.metric is not None:
        return f"sum(rate({slo.metric}_count{{{slo.selector.strip()}}}[{span}])) * {seconds}"
    return None


def build_report(
    config: Config, *, coverage: bool = False, at: datetime | None = None
) -> SloReport:
    """One SLO cycle with its totals; ``coverage`` also asks how much of each window holds
    data (two more queries: `slo report` says it, the deploy gate does not need it).
    ``at``: the report as it was at that moment (Prometheus evaluates every query then)."""
    poller = SloPoller(config)
    snapshot = poller.poll(at)
    totals: dict[str, Totals] = {}
    asked = {slo.name: error_ratio_query(slo, slo.window) for slo in config.slos}
    queries = poller.client
    if queries is None or snapshot.freshness.error is not None:
        return SloReport(snapshot, totals, queries=asked, at=at)
    held: dict[str, timedelta | None] = {}
    if coverage and config.slos and poller.evaluated_at is not None:
        try:
            held = data_held(queries, config.slos, poller.evaluated_at)
        except SourceError:
            held = {}  # extra, like the totals: the verdict does not depend on it
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
    return SloReport(snapshot, totals, queries=asked, held=held, at=at)
