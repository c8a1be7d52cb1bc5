"""What one poll cycle hands to the screen: model objects plus how fresh they are."""

from __future__ import annotations

from dataclasses import dataclass

from cockpit.config import SloConfig
from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.probes import ProbeState
from cockpit.model.slo import ErrorBudget


@dataclass(frozen=True)
class SloStatus:
    slo: SloConfig
    budget: ErrorBudget
    error: str | None = None  # a query of this SLO failed while others worked


@dataclass(frozen=True)
class SloSnapshot:
    slos: tuple[SloStatus, ...]
    freshness: Freshness


@dataclass(frozen=True)
class AlertSnapshot:
    alerts: tuple[Alert, ...]
    freshness: Freshness
    pending_error: str | None = None  # Prometheus pending alerts could not be read


@dataclass(frozen=True)
class ProbeSnapshot:
    probes: tuple[ProbeState, ...]
    freshness: Freshness
