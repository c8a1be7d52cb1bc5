"""Deterministic snapshots to feed the panes in UI tests."""

from __future__ import annotations

from datetime import timedelta

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.probes import ProbeResult, ProbeState
from cockpit.model.slo import ErrorBudget
from cockpit.model.timeline import TimelineEvent
from cockpit.services.snapshots import AlertSnapshot, ProbeSnapshot, SloSnapshot, SloStatus

from .conftest import FROZEN


def fresh() -> Freshness:
    return Freshness().succeeded(FROZEN - timedelta(seconds=4))


def slo_snapshot(config: Config) -> SloSnapshot:
    availability, latency = config.slos
    return SloSnapshot(
        (
            SloStatus(availability, ErrorBudget(0.999, availability.window, 0.99962)),
            SloStatus(latency, ErrorBudget(0.95, latency.window, 0.9412)),
        ),
        fresh(),
    )


def alert_snapshot() -> AlertSnapshot:
    def alert(name: str, severity: str, state: str, minutes: int, summary: str) -> Alert:
        return Alert(
            name=name,
            labels={"alertname": name, "severity": severity, "service": "demo-api"},
            annotations={"summary": summary},
            state=state,
            starts_at=FROZEN - timedelta(minutes=minutes),
            fingerprint=f"fp-{name}-{severity}",
        )

    alerts = (
        alert("HighErrorRate", "critical", "firing", 12, "5xx ratio above 1 % (now 4.8%)"),
        alert("RedisLatencyHigh", "warning", "firing", 3, "Redis latency above 5 ms"),
        alert("HighErrorRate", "warning", "inhibited", 12, "5xx ratio above 0.5 %"),
        alert("HighLatencyP95", "warning", "pending", 0, "p95 latency above 500 ms"),
    )
    return AlertSnapshot(alerts, fresh())


def probe_snapshot() -> ProbeSnapshot:
    ok = ProbeResult("ready", True, FROZEN, latency_ms=12.0, status_code=200)
    bad = ProbeResult(
        "dependencies", False, FROZEN, latency_ms=640.0, status_code=503,
        reason="[STATUS] == 200: got 503",
    )  # fmt: skip
    return ProbeSnapshot(
        (
            ProbeState("ready", state="up", successes=5, last=ok),
            ProbeState("dependencies", state="down", failures=4, last=bad),
        ),
        fresh(),
    )


def timeline_events() -> list[TimelineEvent]:
    return [
        TimelineEvent(
            kind="alert_fired", occurred_at=FROZEN - timedelta(minutes=12), source="alertmanager",
            subject="HighErrorRate", body="HighErrorRate (critical) firing: 5xx ratio above 1 %",
            component="demo-api",
        ),
        TimelineEvent(
            kind="probe_down", occurred_at=FROZEN - timedelta(minutes=9), source="probe",
            subject="dependencies", body="probe dependencies down after 3 failures: got 503",
            component="demo-api",
        ),
    ]  # fmt: skip
