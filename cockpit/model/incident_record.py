"""The incident as stored: one row of the incidents table plus its components."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Must match the CHECKs on incidents in store/migrations/0001_initial.sql.
SEVERITIES: tuple[str, ...] = ("Sev1", "Sev2", "Sev3", "Sev4")
INCIDENT_STATUSES: tuple[str, ...] = (
    "detected",
    "acknowledged",
    "investigating",
    "mitigated",
    "resolved",
    "closed",
)
# An incident in one of these no longer needs the on-call's attention.
FINISHED_STATUSES: frozenset[str] = frozenset({"resolved", "closed"})
# Free-text fields a person edits (detail screen, CLI); NULL in the store means unset.
TEXT_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "responder",
    "commander",
    "impact",
    "suspected_cause",
    "root_cause",
    "resolution",
    "lessons",
)


@dataclass(frozen=True, kw_only=True)
class IncidentRecord:
    id: str
    title: str
    severity: str
    status: str
    detected_at: datetime
    created_at: datetime
    updated_at: datetime
    description: str = ""
    components: tuple[str, ...] = ()
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    responder: str | None = None
    commander: str | None = None
    root_cause: str | None = None
    resolution: str | None = None
    postmortem_done: bool = False
    impact: str | None = None
    suspected_cause: str | None = None
    lessons: str | None = None
    postmortem_url: str | None = None
    postmortem_document: str | None = None
    postmortem_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED_STATUSES
