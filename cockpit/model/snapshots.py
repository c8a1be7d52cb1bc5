"""What one poll cycle hands to the screen: model objects plus how fresh they are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from cockpit.model.alerts import Alert, RuleHealth
from cockpit.model.freshness import Freshness
from cockpit.model.probes import ProbeState
from cockpit.model.silences import Silence
from cockpit.model.slo import ErrorBudget, RowStatus
from cockpit.model.slo_definition import SloDefinition


@dataclass(frozen=True)
class SloStatus:
    slo: SloDefinition
    budget: ErrorBudget
    error: str | None = None  # a query of this SLO failed while others worked
    rows: tuple[RowStatus, ...] = ()  # the multi-window burn rows
    burn_1h: float | None = None
    exhaustion: timedelta | None = None  # at the current 1 h burn

    @property
    def firing_rows(self) -> tuple[RowStatus, ...]:
        return tuple(r for r in self.rows if r.firing)


@dataclass(frozen=True)
class SloSnapshot:
    slos: tuple[SloStatus, ...]
    freshness: Freshness


@dataclass(frozen=True)
class AlertSnapshot:
    alerts: tuple[Alert, ...]
    freshness: Freshness
    pending_error: str | None = None  # Prometheus pending alerts could not be read
    silences: tuple[Silence, ...] = ()
    # fingerprint -> Alertmanager group name; empty unless grouping by Alertmanager's groups
    groups: Mapping[str, str] = field(default_factory=dict)
    rules: tuple[RuleHealth, ...] = ()  # Prometheus alerting rules' health
    silences_error: str | None = None
    # Each Alertmanager cluster's own freshness, by name: one down leaves the others fresh
    # (``freshness`` fails only when every cluster failed). Empty with no Alertmanager.
    clusters: Mapping[str, Freshness] = field(default_factory=dict)
    # A cluster that answered through only some of its HA peers: which did not, and why.
    peer_errors: Mapping[str, str] = field(default_factory=dict)

    def silence_index(self) -> dict[str, Silence]:
        return {s.id: s for s in self.silences}

    def stale_clusters(self) -> dict[str, str]:
        """Clusters whose last try failed, with the reason (their rows are the last known)."""
        return {name: f.error for name, f in self.clusters.items() if f.error is not None}


@dataclass(frozen=True)
class ProbeSnapshot:
    probes: tuple[ProbeState, ...]
    freshness: Freshness
