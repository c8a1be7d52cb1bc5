"""Health probe results and the noise thresholds that turn them into up / pending / down."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

UP = "up"
PENDING = "pending"  # failing, but the failure threshold is not reached yet
DOWN = "down"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ProbeResult:
    """One probe request: did every condition hold, how long it took, and why not."""

    name: str
    ok: bool
    checked_at: datetime
    latency_ms: float | None = None
    status_code: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class ProbeState:
    """Consecutive counts decide the state (Gatus defaults: down after 3 failures,
    up again after 2 successes), so one lost packet does not page anyone."""

    name: str
    state: str = UNKNOWN
    failures: int = 0
    successes: int = 0
    last: ProbeResult | None = None
    failure_threshold: int = 3
    success_threshold: int = 2

    def observe(self, result: ProbeResult) -> ProbeState:
        if result.ok:
            successes = self.successes + 1
            if self.state in (UNKNOWN, PENDING) or successes >= self.success_threshold:
                state = UP
            else:
                state = self.state
            return replace(self, state=state, failures=0, successes=successes, last=result)
        failures = self.failures + 1
        state = DOWN if failures >= self.failure_threshold or self.state == DOWN else PENDING
        return replace(self, state=state, failures=failures, successes=0, last=result)
