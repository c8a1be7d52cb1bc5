"""The digest of one shift: what the outgoing on-call hands over (docs/domain.md, Handoff).

Plain data: ``services/handoff_digest.py`` builds it from the notebook and the live
sources, the report renders it as Markdown, the screen as text, ``--json`` as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cockpit.model.checklist import ChecklistItem
from cockpit.model.incident_record import FINISHED_STATUSES
from cockpit.model.shift_history import LastUpdate, ProbeFlaps, ResolvedAlert, RunbookRun
from cockpit.model.silences import Silence


@dataclass(frozen=True)
class FiringAlert:
    name: str
    severity: str
    labels: Mapping[str, str]
    since: datetime | None
    summary: str
    cluster: str = ""  # the Alertmanager cluster it fires in


@dataclass(frozen=True)
class AckedAlert:
    name: str
    labels: Mapping[str, str]
    owner: str | None
    acked_at: datetime
    age: timedelta
    expires_at: datetime | None
    still_firing: bool | None  # None: the live alerts are not known
    cluster: str = ""  # "": not known (the notebook's acks keep no cluster)


@dataclass(frozen=True)
class IncidentLine:
    id: str
    title: str
    severity: str
    status: str
    detected_at: datetime
    finished_at: datetime | None
    responder: str | None
    opened_in_shift: bool
    closed_in_shift: bool  # resolved (or closed) within the shift: finished_at is then
    last_update: LastUpdate | None
    closed_at: datetime | None = None

    @property
    def still_open(self) -> bool:
        return self.status not in FINISHED_STATUSES


@dataclass(frozen=True)
class BudgetLine:
    slo: str
    at_start: float | None
    start_taken_at: datetime | None
    now: float | None
    now_taken_at: datetime | None

    @property
    def change(self) -> float | None:
        if self.at_start is None or self.now is None:
            return None
        return self.now - self.at_start


@dataclass(frozen=True)
class Digest:
    handoff_id: int | None
    outgoing: str
    incoming: str | None
    start: datetime
    end: datetime
    generated_at: datetime
    timezone: str
    firing_unacked: tuple[FiringAlert, ...] | None
    acked: tuple[AckedAlert, ...]
    resolved: tuple[ResolvedAlert, ...]
    silences_created: tuple[Silence, ...] | None
    silences_expiring: tuple[Silence, ...] | None
    incidents: tuple[IncidentLine, ...]
    budgets: tuple[BudgetLine, ...]
    runbook_runs: tuple[RunbookRun, ...]
    probe_flaps: tuple[ProbeFlaps, ...]
    time_critical: str
    at_risk: str
    notes: str
    checklist: tuple[ChecklistItem, ...]
    signed_by: str | None = None
    signed_at: datetime | None = None
    problems: tuple[str, ...] = field(default=())  # live sources that could not be read
    scheduled_at: datetime | None = None  # the scheduled handoff it closes (None: a swap)
    swap: bool = False  # taken over at another time or by someone the roster did not name
    clusters: tuple[str, ...] = ()  # the Alertmanager clusters watched (``ClusterNames``)
