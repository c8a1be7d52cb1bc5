"""`cockpit slo report` and `cockpit slo check`: one SLO cycle and its totals (the report
and the deploy gate, docs/domain.md). The report and the verdict a deploy pipeline gates on are
plain data in ``model/slo_report.py``."""

from __future__ import annotations

from datetime import datetime, timedelta

from cockpit.config import Config
from cockpit.model.durations import promql_duration
from cockpit.model.slo_definition import SloDefinition
from cockpit.model.slo_report import SloReport, Totals
from cockpit.model.snapshots import SloStatus
from cockpit.services.slo_coverage import data_held
from cockpit.services.slo_poll import TAG, ServerGroup, SloPoller, error_ratio_query, tagged_or
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
    ``at``: the report as it was at that moment (Prometheus evaluates every query then).
    Each SLO's extras are asked of its own server, the servers at the same time; a server
    that did not answer the cycle is not asked again."""
    poller = SloPoller(config)
    snapshot = poller.poll(at)
    asked = {slo.name: error_ratio_query(slo, slo.window) for slo in config.slos}
    evaluated = poller.evaluated_at
    freshness = snapshot.freshness
    if not freshness.configured or freshness.error is not None or evaluated is None:
        return SloReport(snapshot, {}, queries=asked, at=at)
    by_slo = {s.slo.name: s for s in snapshot.slos}

    def extras(group: ServerGroup) -> tuple[dict[str, Totals], dict[str, timedelta | None]]:
        if group.freshness.error is not None:
            return {}, {}
        slos = [config.slos[i] for i in group.indices]
        held: dict[str, timedelta | None] = {}
        if coverage and slos:
            try:
                held = data_held(group.queries, slos, evaluated)
            except SourceError:
                held = {}  # extra, like the totals: the verdict does not depend on it
        return _totals(group, slos, by_slo, evaluated), held

    totals: dict[str, Totals] = {}
    held: dict[str, timedelta | None] = {}
    for server_totals, server_held in poller.each_server(extras).values():
        totals.update(server_totals)
        held.update(server_held)
    return SloReport(snapshot, totals, queries=asked, held=held, at=at)


def _totals(
    group: ServerGroup, slos: list[SloDefinition], by_slo: dict[str, SloStatus], at: float
) -> dict[str, Totals]:
    """Events and failed events over the window, for one server's SLOs, in one query."""
    parts = [(i, q) for i, slo in enumerate(slos) if (q := _totals_query(slo)) is not None]
    if not parts:
        return {}
    try:
        samples = group.queries.query(tagged_or(parts), at)
    except SourceError:
        return {}  # totals are extra: the verdict does not depend on them
    totals: dict[str, Totals] = {}
    for sample in samples:
        index = int(sample.labels.get(TAG, "-1"))
        if not 0 <= index < len(slos):
            continue
        slo = slos[index]
        sli = by_slo[slo.name].budget.sli
        if sli is not None:
            totals[slo.name] = Totals(sample.value, sample.value * (1 - sli))
    return totals
