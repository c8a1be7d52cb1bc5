"""How much of an SLO's window holds data: a 30-day SLO on a Prometheus that has kept
minutes of history computes its SLI and budget over those minutes only.

The first time the SLO's traffic (its total; for a recorded SLO its window's ratio) had a
value is found with a subquery, ``min_over_time(timestamp(EXPR)[WINDOW:STEP])``, at 720
steps over the window (hourly for 30 days); when that finds data only in its last steps,
a second one over those steps at 720 finer steps (15 s for 30 days) says it to the step.
All SLOs go in one query (tagged and joined with `or`, as the poll does). Each step looks
at 5 minutes of traffic, so a query reads 720 x 5 minutes of samples per SLO at most.

Blocking (prometheus-api-client): call from a thread worker or the CLI.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

from cockpit.model.durations import promql_duration
from cockpit.model.slo_definition import SloDefinition
from cockpit.services.slo_poll import TAG, error_ratio_query, tagged_or
from cockpit.sources.prometheus import PrometheusQueries, QueryRefused

STEPS = 720
# Each step asks "was there traffic in the 5 minutes before": long enough for two samples
# at any usual scrape interval, short enough to keep the query cheap.
PRESENCE = timedelta(minutes=5)


def traffic_query(slo: SloDefinition, span: timedelta = PRESENCE) -> str:
    """PromQL that has a value wherever the SLO had traffic in the ``span`` before."""
    window = promql_duration(span)
    if slo.kind == "latency" and slo.metric is not None:
        return f"sum(rate({slo.metric}_count{{{slo.selector.strip()}}}[{window}]))"
    if slo.total is not None:
        return slo.total.replace("{{window}}", window)
    # Recorded ratios exist only for the windows the rules record: the SLO window's own.
    return error_ratio_query(slo, slo.window)


def _step(span: timedelta) -> timedelta:
    return timedelta(seconds=max(1, math.ceil(span.total_seconds() / STEPS)))


_ONE = timedelta(seconds=1)
# (index, traffic expression, range, step)
_Part = tuple[int, str, timedelta, timedelta]


def _first_query(expr: str, span: timedelta, step: timedelta) -> str:
    # Subquery steps are multiples of the step: data newer than the last one is only seen
    # by the instant query (`or timestamp(...)`, which says "now").
    subquery = f"[{promql_duration(span)}:{promql_duration(step)}]"
    return f"min(min_over_time(timestamp({expr}){subquery}) or timestamp({expr}))"


def _earliest(
    queries: PrometheusQueries, parts: list[_Part], at: float
) -> tuple[dict[int, float], set[int]]:
    """The first time each part had data, and the parts whose query Prometheus refuses."""
    found: dict[int, float] = {}
    try:
        batch = [(i, _first_query(expr, span, step)) for i, expr, span, step in parts]
        for sample in queries.query(tagged_or(batch), at):
            index = int(sample.labels.get(TAG, "-1"))
            if not math.isnan(sample.value):
                found[index] = sample.value
        return found, set()
    except QueryRefused:
        pass  # one broken SLO: ask one by one, so the others still get an answer
    refused: set[int] = set()
    for i, expr, span, step in parts:
        try:
            samples = queries.query(_first_query(expr, span, step), at)
        except QueryRefused:
            refused.add(i)
            continue
        values = [s.value for s in samples if not math.isnan(s.value)]
        if values:
            found[i] = min(values)
    return found, refused


def data_held(
    queries: PrometheusQueries, slos: Sequence[SloDefinition], at: float
) -> dict[str, timedelta | None]:
    """Per SLO name, how much of its window before ``at`` holds its data (the whole window
    at most), to one step; None when the window holds none. An SLO whose query Prometheus
    refuses is left out (cannot tell). All SLOs are asked together: one query per stage,
    three stages at most (30 days: hourly steps, then 15 s over the last 3 h, then 1 s
    over the last 45 s). Raises SourceError when Prometheus does not answer."""
    held: dict[str, timedelta | None] = {}
    parts: list[_Part] = [
        (i, traffic_query(s), s.window, _step(s.window)) for i, s in enumerate(slos)
    ]
    while parts:
        first, refused = _earliest(queries, parts, at)
        closer: list[_Part] = []
        for i, expr, _span, step in parts:
            window, found = slos[i].window, first.get(i)
            if i in refused:
                continue
            if found is not None and (at - found > 2 * step.total_seconds() or step <= _ONE):
                seen = timedelta(seconds=max(0.0, at - found))
                held[slos[i].name] = window if seen >= window - step else seen
            elif step > _ONE:
                # Data only in the last steps, or none: look at the last steps closely.
                closer.append((i, expr, 3 * step, _step(3 * step)))
            else:
                held[slos[i].name] = None
        parts = closer
    return held
