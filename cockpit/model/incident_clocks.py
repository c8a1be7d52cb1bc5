"""Severity policy and the two clocks an open incident runs on.

* Response clock: time since detected against the first-response target; it stops at
  the acknowledgement.
* Status-update clock: the next update is due ``update_every`` after the last one (or
  after detection). ``ok`` until the last ``warn_before`` stretch, then ``due``, and
  ``late`` once the moment has passed. Severities without a cadence (Sev4) have none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from cockpit.model.incident_record import IncidentRecord


@dataclass(frozen=True)
class SeverityPolicy:
    respond_within: timedelta
    update_every: timedelta | None  # None: no status-update cadence

    @property
    def warn_before(self) -> timedelta:
        """How long before the deadline the countdown turns to a warning."""
        if self.update_every is None:
            return timedelta(0)
        return min(timedelta(minutes=5), self.update_every / 3)


# docs/domain.md, Severities.
DEFAULT_POLICIES: Mapping[str, SeverityPolicy] = {
    "Sev1": SeverityPolicy(timedelta(minutes=15), timedelta(minutes=15)),
    "Sev2": SeverityPolicy(timedelta(minutes=30), timedelta(minutes=30)),
    "Sev3": SeverityPolicy(timedelta(minutes=60), timedelta(minutes=60)),
    "Sev4": SeverityPolicy(timedelta(hours=4), None),
}


@dataclass(frozen=True)
class ResponseClock:
    elapsed: timedelta  # detected -> acknowledged, or detected -> now while unacknowledged
    target: timedelta
    acknowledged: bool

    @property
    def breached(self) -> bool:
        return self.elapsed > self.target

    @property
    def state(self) -> str:
        """``met``, ``missed`` (acknowledged late), ``running`` or ``overdue``."""
        if self.acknowledged:
            return "missed" if self.breached else "met"
        return "overdue" if self.breached else "running"


def response_clock(record: IncidentRecord, policy: SeverityPolicy, now: datetime) -> ResponseClock:
    end = record.acknowledged_at or now
    return ResponseClock(
        max(end - record.detected_at, timedelta(0)),
        policy.respond_within,
        record.acknowledged_at is not None,
    )


UPDATE_STATES = ("ok", "due", "late")


@dataclass(frozen=True)
class UpdateClock:
    last_update: datetime
    next_due: datetime
    remaining: timedelta  # negative once late
    state: str  # one of UPDATE_STATES


def update_clock(
    record: IncidentRecord,
    policy: SeverityPolicy,
    last_update: datetime | None,
    now: datetime,
) -> UpdateClock | None:
    """None when no update is owed: no cadence, or the incident is resolved or closed."""
    if policy.update_every is None or not record.is_open:
        return None
    last = max(last_update or record.detected_at, record.detected_at)
    next_due = last + policy.update_every
    remaining = next_due - now
    if remaining <= timedelta(0):
        state = "late"
    elif remaining <= policy.warn_before:
        state = "due"
    else:
        state = "ok"
    return UpdateClock(last, next_due, remaining, state)
