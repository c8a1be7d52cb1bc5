"""Deterministic snapshots to feed the panes in UI tests."""

from __future__ import annotations

from datetime import timedelta

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.probes import Child, ConditionResult, ProbeResult, ProbeState, Response
from cockpit.model.slo import (
    WORKBOOK_ROWS,
    ErrorBudget,
    burn_rate,
    evaluate_rows,
    time_to_exhaustion,
)
from cockpit.model.slo_definition import SloDefinition
from cockpit.model.snapshots import AlertSnapshot, ProbeSnapshot, SloSnapshot, SloStatus
from cockpit.model.timeline import TimelineEvent

from .conftest import FROZEN


def fresh() -> Freshness:
    return Freshness().succeeded(FROZEN - timedelta(seconds=4))


def _status(slo: SloDefinition, ratios: dict[timedelta, float]) -> SloStatus:
    objective = slo.objective / 100
    budget = ErrorBudget(objective, slo.window, 1 - ratios[slo.window])
    burn_1h = burn_rate(ratios.get(timedelta(hours=1)), objective)
    return SloStatus(
        slo, budget, rows=evaluate_rows(WORKBOOK_ROWS, slo.window, objective, ratios),
        burn_1h=burn_1h, exhaustion=time_to_exhaustion(budget, burn_1h),
    )  # fmt: skip


def slo_snapshot(config: Config) -> SloSnapshot:
    availability, latency = config.slos
    hour, five = timedelta(hours=1), timedelta(minutes=5)
    six, thirty = timedelta(hours=6), timedelta(minutes=30)
    return SloSnapshot(
        (
            # 2 % errors over the last hour against 99.9 %: a 20x burn, the 1 h page row fires.
            _status(availability, {availability.window: 0.00038, hour: 0.02, five: 0.025,
                                   six: 0.004, thirty: 0.012}),
            _status(latency, {latency.window: 0.0588, hour: 0.06, five: 0.05}),
        ),
        fresh(),
    )  # fmt: skip


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
    ok = ProbeResult(
        "ready", True, FROZEN, latency_ms=12.0, status_code=200,
        conditions=(ConditionResult("[STATUS] == 200", None),),
        response=Response(200, (("content-type", "application/json"),), '{"status": "healthy"}'),
    )  # fmt: skip
    bad = ProbeResult(
        "dependencies", False, FROZEN, latency_ms=640.0, status_code=503,
        reason="[STATUS] == 200: got 503", category="status",
        children=(
            Child("redis", "unhealthy", "latency_ms=48.0"),
            Child("database", "healthy", "replication_lag_s=1.2"),
        ),
        conditions=(
            ConditionResult("[STATUS] == 200", "[STATUS] == 200: got 503"),
            ConditionResult(
                "[BODY].status != unhealthy", "[BODY].status != unhealthy: got unhealthy"
            ),
        ),
        response=Response(
            503, (("content-type", "application/json"),),
            '{"status": "unhealthy", "dependencies": {"redis": {"status": "unhealthy"}}}',
        ),
    )  # fmt: skip
    return ProbeSnapshot(
        (
            ProbeState("ready", state="up", successes=5, last=ok,
                       latencies=(11.0, 12.0, 15.0, 30.0, 12.0, 11.0, 12.0)),
            ProbeState("dependencies", state="down", failures=4, last=bad, last_failure=bad,
                       latencies=(12.0, 14.0, 250.0, 610.0, 640.0)),
        ),
        fresh(),
    )  # fmt: skip


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
