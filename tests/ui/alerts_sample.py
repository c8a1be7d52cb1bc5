"""Alerts, silences and groups for the alerts UI tests, at the frozen clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.matchers import Matcher, exact
from cockpit.model.silences import Silence, ack_comment
from cockpit.model.snapshots import AlertSnapshot

from .conftest import FROZEN

CONFIG = """
[oncall]
me = "alice"
timezone = "UTC"

[alertmanager]
url = "http://am.test"

[alerts]
ack_duration = "1h"
ack_warning = "10m"
"""


def _alert(name: str, severity: str, minutes: int, summary: str, fp: str, **extra: Any) -> Alert:
    labels = {"alertname": name, "severity": severity, "service": "demo-api"}
    labels.update(extra.pop("labels", {}))
    return Alert(
        name=name,
        labels=labels,
        annotations={"summary": summary, "runbook": "high-error-rate"},
        starts_at=FROZEN - timedelta(minutes=minutes),
        fingerprint=fp,
        generator_url="http://prometheus.test/graph?g0.expr=x",
        **extra,
    )


ERRORS = _alert("HighErrorRate", "critical", 12, "5xx ratio above 1 % (now 4.8%)", "f1a2b3c4")
ERRORS_WARN = _alert(
    "HighErrorRate", "warning", 12, "5xx ratio above 0.5 %", "f2", state="inhibited",
    inhibited_by=("f1a2b3c4",),
)  # fmt: skip
REDIS = _alert(
    "RedisLatencyHigh", "warning", 45, "Redis latency above 5 ms", "f3", state="silenced",
    silenced_by=("s-ack-0001",),
)  # fmt: skip
CPU = _alert(
    "HighCpu", "critical", 30, "CPU above 90 %", "f4", state="silenced",
    silenced_by=("s-maint-01",),
)  # fmt: skip
MEM_A = _alert("HighMemory", "warning", 20, "memory above 85 %", "f5", labels={"instance": "a:9"})
MEM_B = _alert("HighMemory", "warning", 8, "memory above 85 %", "f6", labels={"instance": "b:9"})
PENDING = Alert(
    name="HighLatencyP95",
    labels={"alertname": "HighLatencyP95", "severity": "warning", "service": "demo-api"},
    annotations={"summary": "p95 latency above 500 ms"},
    state="pending",
    starts_at=FROZEN,
)
ALERTS = (ERRORS, CPU, REDIS, ERRORS_WARN, MEM_A, MEM_B, PENDING)

ACK = Silence(
    id="s-ack-0001",
    matchers=exact(REDIS.labels),
    starts_at=FROZEN - timedelta(minutes=55),
    ends_at=FROZEN + timedelta(minutes=5),
    created_by="bob",
    comment=ack_comment(FROZEN - timedelta(minutes=55)),
)
MAINT = Silence(
    id="s-maint-01",
    matchers=(Matcher("alertname", "=", "HighCpu"),),
    starts_at=FROZEN - timedelta(minutes=30),
    ends_at=FROZEN + timedelta(hours=2),
    created_by="carol",
    comment="CPU upgrade, CHG-42",
)
ORPHAN = Silence(
    id="s-orphan-1",
    matchers=(Matcher("alertname", "=~", "OldJob.*"),),
    starts_at=FROZEN - timedelta(days=1),
    ends_at=FROZEN + timedelta(days=6),
    created_by="dave",
    comment="decommissioned",
)
OLD = Silence(
    id="s-old-0001",
    matchers=(Matcher("service", "=", "batch"),),
    starts_at=FROZEN - timedelta(hours=3),
    ends_at=FROZEN - timedelta(minutes=20),
    created_by="erin",
    comment="deploy",
    state="expired",
)
SILENCES = (ACK, MAINT, ORPHAN, OLD)
GROUPS = {
    "f1a2b3c4": "alertname=HighErrorRate service=demo-api",
    "f2": "alertname=HighErrorRate service=demo-api",
    "f3": "alertname=RedisLatencyHigh service=demo-api",
    "f4": "alertname=HighCpu service=demo-api",
    "f5": "alertname=HighMemory service=demo-api",
    "f6": "alertname=HighMemory service=demo-api",
}


def snapshot(error: str | None = None) -> AlertSnapshot:
    freshness = Freshness().succeeded(FROZEN - timedelta(seconds=3))
    if error:
        freshness = freshness.failed(FROZEN, error)
    return AlertSnapshot(ALERTS, freshness, silences=SILENCES, groups=GROUPS)


def silences_json() -> list[dict[str, Any]]:
    out = []
    for s in SILENCES:
        body = s.to_api()
        body["id"] = s.id
        body["status"] = {"state": s.state}
        out.append(body)
    return out


def alerts_json() -> list[dict[str, Any]]:
    """The alerts Alertmanager has (not the pending one), as ``GET /api/v2/alerts``."""
    return [
        {
            "labels": dict(a.labels),
            "annotations": dict(a.annotations),
            "fingerprint": a.fingerprint,
            "startsAt": a.starts_at.isoformat() if a.starts_at else None,
            "status": {"silencedBy": list(a.silenced_by), "inhibitedBy": list(a.inhibited_by)},
        }
        for a in ALERTS
        if a.state != "pending"
    ]
