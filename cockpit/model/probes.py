"""Health probe results and the noise thresholds that turn them into up / pending / down."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

UP = "up"
PENDING = "pending"  # failing, but the failure threshold is not reached yet
DOWN = "down"
UNKNOWN = "unknown"

# Why a probe failed, in the words an on-call checks them by.
CATEGORIES = ("timeout", "dns", "refused", "tls", "connect", "status", "body", "condition",
              "secret", "plugin")  # fmt: skip
HISTORY = 30  # latencies kept for the sparkline
# Keys under which health endpoints list their parts (docs/domain.md, Health probes;
# an LLM service's /health/llm/all lists its models).
CHILD_KEYS = ("dependencies", "components", "checks", "services", "models")


@dataclass(frozen=True)
class Child:
    """A sub-component a health body reports: a dependency, a model, a check."""

    name: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class ConditionResult:
    text: str
    failure: str | None  # None when it held


@dataclass(frozen=True)
class Response:
    """What the last request got back, kept for the probe detail view."""

    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""  # truncated


@dataclass(frozen=True)
class ProbeResult:
    """One probe request: did every condition hold, how long it took, and why not."""

    name: str
    ok: bool
    checked_at: datetime
    latency_ms: float | None = None
    status_code: int | None = None
    reason: str = ""
    category: str | None = None  # one of CATEGORIES when not ok
    degraded: bool = False  # answered in a declared degraded mode (503 accepted)
    children: tuple[Child, ...] = ()
    conditions: tuple[ConditionResult, ...] = ()
    response: Response | None = None


def children_of(body: Any) -> tuple[Child, ...]:
    """Sub-components of a JSON health body.

    For example ``{"dependencies": {"redis": {"status": "degraded"}}}``, or
    ``{"models": [{"name": "m1", "status": "healthy"}]}``.
    """
    if not isinstance(body, Mapping):
        return ()
    for key in CHILD_KEYS:
        parts = body.get(key)
        if isinstance(parts, Mapping):
            items = [(str(name), value) for name, value in parts.items()]
        elif isinstance(parts, list):
            items = [
                (str(p.get("name", i)), p) for i, p in enumerate(parts) if isinstance(p, Mapping)
            ]
        else:
            continue
        children = []
        for name, value in items:
            if isinstance(value, Mapping):
                status = str(value.get("status", "unknown"))
                extra = ", ".join(
                    f"{k}={v}" for k, v in value.items() if k not in ("status", "name")
                )
                children.append(Child(name, status, extra))
            else:
                children.append(Child(name, str(value)))
        return tuple(children)
    return ()


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
    latencies: tuple[float, ...] = field(default=(), compare=False)  # newest last
    last_failure: ProbeResult | None = None

    def observe(self, result: ProbeResult) -> ProbeState:
        latencies = self.latencies
        if result.latency_ms is not None:
            latencies = (*latencies, result.latency_ms)[-HISTORY:]
        if result.ok:
            successes = self.successes + 1
            if self.state in (UNKNOWN, PENDING) or successes >= self.success_threshold:
                state = UP
            else:
                state = self.state
            return replace(
                self, state=state, failures=0, successes=successes, last=result,
                latencies=latencies,
            )  # fmt: skip
        failures = self.failures + 1
        state = DOWN if failures >= self.failure_threshold or self.state == DOWN else PENDING
        return replace(
            self, state=state, failures=failures, successes=0, last=result,
            latencies=latencies, last_failure=result,
        )  # fmt: skip
