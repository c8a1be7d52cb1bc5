"""An SLO as the config defines it: what is promised, over which window, and how its SLI
is measured (PromQL). Plain data, no I/O: the config builds it, the poll cycle, the
snapshots and the SLO report carry it; it lives in ``model`` so they all can."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

SLI_KINDS = ("ratio", "latency", "recorded")


@dataclass(frozen=True)
class SloDefinition:
    name: str
    service: str
    objective: float  # percent, e.g. 99.9
    window: timedelta
    kind: str  # one of SLI_KINDS
    good: str | None = None
    bad: str | None = None
    total: str | None = None
    metric: str | None = None
    threshold: float | None = None
    selector: str = ""
    description: str = ""
    # The name of the Prometheus server that answers this SLO's queries; "" is the first.
    prometheus: str = ""
