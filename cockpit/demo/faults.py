"""Fault switches for the demo service: the grammar, an immutable state, and what a state
means for the simulated gauges and health answers.

Kept free of I/O so it can be tested (and reused by a CLI or UI) without a server.
"""

from __future__ import annotations

import difflib
import random
import re
from dataclasses import dataclass, replace
from typing import Any, NoReturn

FaultValue = float | bool | str | tuple[str, str] | None

DEPENDENCIES = ("redis", "database", "payments")
DEPENDENCY_STATUSES = ("healthy", "degraded", "unhealthy")
READY_STATES = ("up", "down", "degraded")
REDIS_DEGRADED_S = 0.005
LAG_DEGRADED_S = 30.0
_RANK = {"healthy": 0, "degraded": 1, "unhealthy": 2}

ACCEPTED = (
    "error-rate=5% (or 0.05)",
    "latency=800ms (or 1.5s)",
    "ready=up|down|degraded",
    "dependency=redis|database|payments:healthy|degraded|unhealthy",
    "redis-latency=20ms",
    "replication-lag=45s",
    "cpu=95%",
    "memory=90%",
    "evictions=on|off",
    "reset",
)
ACCEPTED_TEXT = ", ".join(ACCEPTED) + "; numeric faults also take 'off'"

# Fault name -> Faults attribute, grouped by how the value is written.
_RATIOS = {"error-rate": "error_rate", "cpu": "cpu", "memory": "memory"}
_DURATIONS = {
    "latency": "latency",
    "redis-latency": "redis_latency",
    "replication-lag": "replication_lag",
}
NAMES = (*_RATIOS, *_DURATIONS, "ready", "dependency", "evictions", "reset")

# A plain decimal; float() alone would also take "nan", "inf" and "1_0".
_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
_DURATION = re.compile(rf"({_NUMBER})\s*(ms|s)")


def _fail(message: str) -> NoReturn:
    raise ValueError(f"{message}; accepted: {ACCEPTED_TEXT}")


def _parse_ratio(name: str, text: str) -> float | None:
    if text == "off":
        return None
    if text.endswith("%"):
        number = text[:-1].strip()
        if not re.fullmatch(_NUMBER, number):
            _fail(f"{name} value '{text}' is not a percentage")
        percent = float(number)
        if not 0.0 <= percent <= 100.0:
            _fail(f"{name} {text} is outside 0-100%")
        return percent / 100.0
    if not re.fullmatch(_NUMBER, text):
        _fail(f"{name} value '{text}' is not a percentage")
    ratio = float(text)
    if not 0.0 <= ratio <= 1.0:
        _fail(f"{name} {text} is outside 0-1 (write {text}% for a percentage)")
    return ratio


def _parse_duration(name: str, text: str) -> float | None:
    if text == "off":
        return None
    if re.fullmatch(r"0+(?:\.0*)?", text):
        return 0.0
    match = _DURATION.fullmatch(text)
    if match is None:
        _fail(f"{name} value '{text}' is not a duration like 800ms or 1.5s")
    seconds = float(match.group(1)) / (1000.0 if match.group(2) == "ms" else 1.0)
    if seconds < 0:
        _fail(f"{name} {text} must not be negative")
    return seconds


def _choice(name: str, text: str, choices: tuple[str, ...]) -> str:
    if text not in choices:
        _fail(f"{name} value '{text}' is not one of {'|'.join(choices)}")
    return text


def parse_fault(text: str) -> tuple[str, FaultValue]:
    """Parse one switch such as ``error-rate=5%`` into ``(name, value)``.

    Values are normalised: ratios as fractions, durations in seconds, ``None`` for "off".
    Raises ValueError naming the problem and listing the accepted forms.
    """
    spec = text.strip().lower()
    if not spec:
        _fail("empty fault")
    name, sep, raw = spec.partition("=")
    name, raw = name.strip(), raw.strip()
    if name not in NAMES:
        close = difflib.get_close_matches(name, NAMES, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        _fail(f"unknown fault '{name}'{hint}")
    if name == "reset":
        if sep:
            _fail("reset takes no value")
        return name, None
    if not raw:
        _fail(f"fault '{name}' needs a value")
    if name in _RATIOS:
        return name, _parse_ratio(name, raw)
    if name in _DURATIONS:
        return name, _parse_duration(name, raw)
    if name == "ready":
        return name, _choice(name, raw, READY_STATES)
    if name == "evictions":
        return name, _choice(name, raw, ("on", "off")) == "on"
    dep, colon, status = raw.partition(":")
    if not colon:
        _fail(f"dependency value '{raw}' must be NAME:STATUS")
    return name, (
        _choice("dependency name", dep.strip(), DEPENDENCIES),
        _choice("dependency status", status.strip(), DEPENDENCY_STATUSES),
    )


def _percent(value: float) -> str:
    return f"{value * 100:g}%"


def _duration(value: float) -> str:
    return f"{value * 1000:g}ms" if value < 1 else f"{value:g}s"


@dataclass(frozen=True)
class Faults:
    """The set of active switches. ``None`` means "not set, behave normally"."""

    error_rate: float | None = None
    latency: float | None = None
    ready: str = "up"
    # Sorted (name, status) pairs: a tuple keeps the object hashable and truly immutable.
    dependencies: tuple[tuple[str, str], ...] = ()
    redis_latency: float | None = None
    replication_lag: float | None = None
    cpu: float | None = None
    memory: float | None = None
    evictions: bool = False

    def with_fault(self, name: str, value: FaultValue) -> Faults:
        """Return a copy with one parsed switch applied."""
        if name == "reset":
            return Faults()
        if name in _RATIOS or name in _DURATIONS:
            if not (value is None or isinstance(value, float)):
                raise TypeError(f"{name} needs a float or None, got {value!r}")
            attr = _RATIOS.get(name) or _DURATIONS[name]
            # A zero error rate or latency is the same as off; keep it out of the active list.
            if value == 0.0 and name in ("error-rate", "latency"):
                value = None
            changes: dict[str, Any] = {attr: value}
            return replace(self, **changes)
        if name == "ready" and isinstance(value, str):
            return replace(self, ready=value)
        if name == "evictions" and isinstance(value, bool):
            return replace(self, evictions=value)
        if name == "dependency" and isinstance(value, tuple):
            dep, status = value
            deps = {k: v for k, v in self.dependencies if k != dep}
            # "healthy" removes the override so derived states (e.g. redis-latency) show again.
            if status != "healthy":
                deps[dep] = status
            return replace(self, dependencies=tuple(sorted(deps.items())))
        raise TypeError(f"bad value {value!r} for fault {name!r}")

    def apply(self, *specs: str) -> Faults:
        """Parse every spec first, then apply them in order: one bad spec changes nothing."""
        parsed = [parse_fault(spec) for spec in specs]
        state = self
        for name, value in parsed:
            state = state.with_fault(name, value)
        return state

    def dependency(self, name: str) -> str | None:
        """The forced status of one dependency, if any."""
        return dict(self.dependencies).get(name)

    def describe(self) -> list[str]:
        """Active switches written in the grammar ``parse_fault`` accepts."""
        out: list[str] = []
        for name, attr in (*_RATIOS.items(), *_DURATIONS.items()):
            value = getattr(self, attr)
            if value is not None:
                out.append(f"{name}={_percent(value) if name in _RATIOS else _duration(value)}")
        if self.ready != "up":
            out.append(f"ready={self.ready}")
        out.extend(f"dependency={dep}:{status}" for dep, status in self.dependencies)
        if self.evictions:
            out.append("evictions=on")
        return out

    def gauges(self) -> list[tuple[str, str, float]]:
        """``(fault, detail, value)`` for each active switch, for ``demo_fault_active``.

        Numeric switches carry their value in base units (fraction or seconds); the others
        carry 1 and name their setting in ``detail``.
        """
        out: list[tuple[str, str, float]] = []
        for name, attr in (*_RATIOS.items(), *_DURATIONS.items()):
            value = getattr(self, attr)
            if value is not None:
                out.append((name, "", float(value)))
        if self.ready != "up":
            out.append(("ready", self.ready, 1.0))
        out.extend(("dependency", f"{dep}:{status}", 1.0) for dep, status in self.dependencies)
        if self.evictions:
            out.append(("evictions", "", 1.0))
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "error_rate": self.error_rate,
            "latency_s": self.latency,
            "ready": self.ready,
            "dependencies": dict(self.dependencies),
            "redis_latency_s": self.redis_latency,
            "replication_lag_s": self.replication_lag,
            "cpu_ratio": self.cpu,
            "memory_ratio": self.memory,
            "evictions": self.evictions,
        }


@dataclass(frozen=True)
class Readings:
    """One sample of the simulated infrastructure gauges."""

    redis_latency: float
    replication_lag: float
    cpu: float
    memory: float


def _jitter(fault: float | None, low: float, high: float, spread: float) -> float:
    # A faulted value only jitters upwards, so a fault set just past a threshold stays past it.
    if fault is None:
        return random.uniform(low, high)
    return fault * random.uniform(1.0, 1.0 + spread)


def read_gauges(faults: Faults) -> Readings:
    """Baseline values with jitter, or the faulted values."""
    return Readings(
        redis_latency=_jitter(faults.redis_latency, 0.001, 0.002, 0.05),
        replication_lag=_jitter(faults.replication_lag, 1.0, 2.0, 0.02),
        cpu=min(1.0, _jitter(faults.cpu, 0.30, 0.40, 0.01)),
        memory=min(1.0, _jitter(faults.memory, 0.52, 0.58, 0.01)),
    )


def dependencies(faults: Faults) -> tuple[int, dict[str, Any]]:
    """Status code and body for /health/dependencies."""
    g = read_gauges(faults)
    slow_redis = faults.redis_latency is not None and faults.redis_latency > REDIS_DEGRADED_S
    lagging = faults.replication_lag is not None and faults.replication_lag > LAG_DEGRADED_S
    deps: dict[str, dict[str, Any]] = {
        "redis": {
            "status": faults.dependency("redis") or ("degraded" if slow_redis else "healthy"),
            "latency_ms": round(g.redis_latency * 1000, 3),
        },
        "database": {
            "status": faults.dependency("database") or ("degraded" if lagging else "healthy"),
            "replication_lag_s": round(g.replication_lag, 3),
        },
        "payments": {"status": faults.dependency("payments") or "healthy"},
    }
    overall = max((d["status"] for d in deps.values()), key=_RANK.__getitem__)
    return (503 if overall == "unhealthy" else 200), {"status": overall, "dependencies": deps}


def readiness(faults: Faults) -> tuple[int, dict[str, Any]]:
    """Status code and body for /health/ready."""
    if faults.ready == "down":
        return 503, {"status": "unhealthy", "reason": "readiness switched off"}
    if faults.ready == "degraded":
        reason = "serving in degraded mode (fault ready=degraded)"
        return 503, {"status": "degraded", "mode": "degraded", "reason": reason}
    return 200, {"status": "healthy"}
