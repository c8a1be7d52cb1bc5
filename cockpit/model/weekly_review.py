"""The Friday review of one ISO week: incidents, MTTA and MTTR, budget consumed, missing
postmortems, open action items, noisy alerts, probe flaps.

Plain data: ``services/weekly_review.py`` builds it from the notebook, the report renders
it as Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cockpit.model.action_items import ActionItem
from cockpit.model.incident_record import IncidentRecord
from cockpit.model.incident_stats import Durations
from cockpit.model.shift_history import NoisyAlert, ProbeFlaps


@dataclass(frozen=True)
class BudgetUse:
    slo: str
    at_start: float | None
    at_end: float | None

    @property
    def consumed(self) -> float | None:
        if self.at_start is None or self.at_end is None:
            return None
        return self.at_start - self.at_end


@dataclass(frozen=True)
class Review:
    year: int
    week: int
    start: datetime
    end: datetime
    timezone: str
    generated_at: datetime
    incidents: tuple[IncidentRecord, ...]
    by_severity: tuple[tuple[str, int], ...]
    mtta: Durations
    mttr: Durations
    budgets: tuple[BudgetUse, ...]
    missing_postmortems: tuple[IncidentRecord, ...]
    action_items: tuple[ActionItem, ...]
    noisiest: tuple[NoisyAlert, ...]
    probe_flaps: tuple[ProbeFlaps, ...]
    clusters: tuple[str, ...] = ()  # the Alertmanager clusters watched (``ClusterNames``)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"
