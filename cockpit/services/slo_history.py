"""The remaining budget of one SLO over its window, for the SLO detail's sparkline."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cockpit.model.slo_definition import SloDefinition
from cockpit.secrets import SecretError
from cockpit.services.slo_coverage import data_held
from cockpit.services.slo_poll import error_ratio_query
from cockpit.sources.errors import SourceError
from cockpit.sources.prometheus import PrometheusQueries

POINTS = 60


@dataclass(frozen=True)
class BudgetHistory:
    points: tuple[float | None, ...]  # remaining budget share, oldest first; None = no data
    error: str | None = None
    # How much of the window holds data (None: none), when ``held_known``.
    held: timedelta | None = None
    held_known: bool = False


def budget_history(queries: PrometheusQueries, slo: SloDefinition, now: datetime) -> BudgetHistory:
    """Blocking: call from a thread worker."""
    end = now.astimezone(UTC).timestamp()
    span = slo.window.total_seconds()
    step = span / POINTS
    allowed = 1 - slo.objective / 100
    try:
        values = dict(queries.range(error_ratio_query(slo, slo.window), end - span, end, step))
    except (SourceError, SecretError) as exc:
        return BudgetHistory((), str(exc))
    points: list[float | None] = []
    for i in range(POINTS + 1):
        at = end - span + i * step
        near = [v for t, v in values.items() if abs(t - at) < step / 2]
        ratio = near[0] if near else None
        points.append(None if ratio is None or math.isnan(ratio) else 1 - ratio / allowed)
    try:
        held = data_held(queries, [slo], end)
    except (SourceError, SecretError):
        return BudgetHistory(tuple(points))  # the sparkline still says what it can
    if slo.name not in held:
        return BudgetHistory(tuple(points))
    return BudgetHistory(tuple(points), held=held[slo.name], held_known=True)
