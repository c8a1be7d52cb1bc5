"""The incident lifecycle: which status may follow which, and what each move stamps.

detected -> acknowledged -> investigating -> mitigated -> resolved -> closed.

Decisions (the issue left them open):

* Skipping forward is allowed (``detected -> resolved`` for a false alarm,
  ``acknowledged -> mitigated`` when the fix was the first thing tried). The skipped
  milestones that measure the response are stamped with the same time: resolving implies
  someone acknowledged it and the impact stopped, so MTTA and MTTR stay defined.
* ``closed`` is reached only from ``resolved``: closing is the paperwork after the fix.
* ``resolved`` may reopen to ``investigating`` (the fix did not hold). ``resolved_at`` is
  cleared and stamped again on the next resolve, which is never earlier, so milestone
  times still only move forward. ``closed`` is final.
* The postmortem comes after closing (docs/domain.md, Incident lifecycle). Closing is not
  refused without one; a Sev1/Sev2 incident closed without it is flagged "postmortem due".
* A move is refused when its time is earlier than the latest milestone already stamped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cockpit.model.incident_record import INCIDENT_STATUSES, SEVERITIES, IncidentRecord
from cockpit.model.timeline import require_aware

ORDER: dict[str, int] = {status: i for i, status in enumerate(INCIDENT_STATUSES)}
POSTMORTEM_REQUIRED: frozenset[str] = frozenset({"Sev1", "Sev2"})
# Status -> the milestone column it stamps.
MILESTONES: dict[str, str] = {
    "acknowledged": "acknowledged_at",
    "mitigated": "mitigated_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
}


def _allowed() -> dict[str, tuple[str, ...]]:
    allowed: dict[str, tuple[str, ...]] = {}
    for status in INCIDENT_STATUSES:
        if status == "closed":
            allowed[status] = ()
        elif status == "resolved":
            allowed[status] = ("closed", "investigating")
        else:
            later = INCIDENT_STATUSES[ORDER[status] + 1 :]
            allowed[status] = tuple(s for s in later if s != "closed")
    return allowed


ALLOWED: dict[str, tuple[str, ...]] = _allowed()


class TransitionError(ValueError):
    """A refused move; the message says which moves are allowed."""


def allowed_next(status: str) -> tuple[str, ...]:
    if status not in ALLOWED:
        raise ValueError(f"unknown status {status!r}; statuses: {', '.join(INCIDENT_STATUSES)}")
    return ALLOWED[status]


def check_status(status: str) -> str:
    if status not in ORDER:
        raise TransitionError(
            f"unknown status {status!r}; use one of {', '.join(INCIDENT_STATUSES)}"
        )
    return status


def check_severity(severity: str) -> str:
    """The severity as spelled in SEVERITIES; ``sev2`` and ``SEV2`` are Sev2."""
    for known in SEVERITIES:
        if severity.strip().casefold() == known.casefold():
            return known
    raise ValueError(f"unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}")


def latest_milestone(record: IncidentRecord) -> datetime:
    stamps = [
        record.detected_at,
        record.acknowledged_at,
        record.mitigated_at,
        record.resolved_at,
        record.closed_at,
    ]
    return max(s for s in stamps if s is not None)


@dataclass(frozen=True)
class Transition:
    """What a validated move changes: the new status and the milestone columns to set
    (a value of None clears the column, used only when reopening)."""

    incident_id: str
    before: str
    after: str
    at: datetime
    stamps: tuple[tuple[str, datetime | None], ...]

    @property
    def reopened(self) -> bool:
        return self.before == "resolved" and self.after == "investigating"


def plan_transition(record: IncidentRecord, target: str, at: datetime) -> Transition:
    """Validate moving ``record`` to ``target`` at ``at``; raise TransitionError if refused."""
    require_aware(at, "at")
    check_status(target)
    allowed = allowed_next(record.status)
    if target not in allowed:
        options = ", ".join(allowed) if allowed else "none (closed is final)"
        raise TransitionError(
            f"{record.id} cannot move from {record.status} to {target}; "
            f"allowed from {record.status}: {options}"
        )
    latest = latest_milestone(record)
    if at < latest:
        raise TransitionError(
            f"{record.id}: {target} at {at.isoformat()} would be earlier than its latest "
            f"milestone ({latest.isoformat()}); milestone times never go backwards"
        )
    stamps: list[tuple[str, datetime | None]] = []
    if target == "investigating" and record.status == "resolved":
        stamps.append(("resolved_at", None))
    for status, column in MILESTONES.items():
        if ORDER[status] > ORDER[target]:
            continue
        if getattr(record, column) is None:
            stamps.append((column, at))
    return Transition(record.id, record.status, target, at, tuple(stamps))


def postmortem_due(record: IncidentRecord) -> bool:
    """Sev1/Sev2, resolved or closed, and no postmortem recorded yet."""
    return (
        record.severity in POSTMORTEM_REQUIRED
        and record.status in ("resolved", "closed")
        and not record.postmortem_done
    )
