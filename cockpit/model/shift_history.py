"""What the notebook says happened over a span of time: alerts that resolved, an
incident's last status update, runbook runs, probe flaps. The store's digest queries read
them; the handoff digest and the weekly review carry them to the reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True)
class ResolvedAlert:
    name: str
    labels: dict[str, str]
    fingerprint: str | None
    fired_at: datetime | None  # None: it fired before the notebook saw it
    resolved_at: datetime
    acked_by: tuple[str, ...] = ()  # the digest fills it in from the acks
    cluster: str = ""  # its Alertmanager cluster ("": not known, recorded before clusters)


class NoisyAlert(NamedTuple):
    """How often an alert fired in a span (a tuple, so ``--json`` keeps [name, times] first)."""

    name: str
    fired: int
    cluster: str = ""  # "": not known (fired before the notebook kept clusters)


@dataclass(frozen=True)
class LastUpdate:
    at: datetime
    kind: str
    body: str
    author: str | None


@dataclass(frozen=True)
class RunbookRun:
    id: int
    runbook: str
    incident_id: str | None
    started_by: str | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    dry_run: bool
    steps: int
    steps_done: int
    steps_skipped: int
    steps_failed: int


@dataclass(frozen=True)
class ProbeFlaps:
    probe: str
    component: str | None
    downs: int
    ups: int
    first_down: datetime | None
    last_change: datetime
    last_kind: str  # probe_down or probe_up: where it ended
