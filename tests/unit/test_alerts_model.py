"""cockpit.model.alerts: Alertmanager v2 and Prometheus pending alerts, merged and ranked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from cockpit.model.alerts import (
    Alert,
    from_alertmanager,
    merge,
    parse_time,
    pending_from_prometheus,
)


def am_alert(
    name: str = "HighErrorRate",
    severity: str = "critical",
    starts_at: str = "2025-10-14T10:30:00.123Z",
    state: str = "active",
    silenced_by: list[str] | None = None,
    inhibited_by: list[str] | None = None,
    **labels: str,
) -> dict[str, Any]:
    """One element of Alertmanager's GET /api/v2/alerts, as it really looks."""
    return {
        "annotations": {
            "summary": f"{name} on api",
            "runbook_url": "https://runbooks.example.com/high-error-rate",
        },
        "endsAt": "2025-10-14T10:45:00.123Z",
        "fingerprint": "1a2b3c4d5e6f7a8b",
        "receivers": [{"name": "oncall-pager"}],
        "startsAt": starts_at,
        "status": {
            "inhibitedBy": inhibited_by or [],
            "silencedBy": silenced_by or [],
            "state": state,
        },
        "updatedAt": "2025-10-14T10:35:00.456+00:00",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=x",
        "labels": {"alertname": name, "severity": severity, "job": "api", **labels},
    }


def test_active_alert_is_firing() -> None:
    alert = from_alertmanager(am_alert())
    assert alert.state == "firing"
    assert alert.name == "HighErrorRate"
    assert alert.severity == "critical"
    assert alert.labels == {"alertname": "HighErrorRate", "severity": "critical", "job": "api"}
    assert alert.summary == "HighErrorRate on api"
    assert alert.annotations["runbook_url"] == "https://runbooks.example.com/high-error-rate"
    assert alert.fingerprint == "1a2b3c4d5e6f7a8b"
    assert alert.generator_url == "http://prometheus:9090/graph?g0.expr=x"
    assert alert.silenced_by == ()
    assert alert.inhibited_by == ()


def test_starts_at_with_z_and_fraction_is_aware_utc() -> None:
    alert = from_alertmanager(am_alert(starts_at="2025-10-14T10:30:00.123Z"))
    assert alert.starts_at == datetime(2025, 10, 14, 10, 30, 0, 123000, tzinfo=UTC)
    assert alert.starts_at is not None
    assert alert.starts_at.utcoffset() == timedelta(0)


def test_silenced_alert() -> None:
    item = am_alert(state="suppressed", silenced_by=["0b1c2d3e-silence"])
    alert = from_alertmanager(item)
    assert alert.state == "silenced"
    assert alert.silenced_by == ("0b1c2d3e-silence",)


def test_inhibited_alert() -> None:
    alert = from_alertmanager(am_alert(state="suppressed", inhibited_by=["fp-of-inhibitor"]))
    assert alert.state == "inhibited"
    assert alert.inhibited_by == ("fp-of-inhibitor",)


def test_silenced_wins_over_inhibited() -> None:
    alert = from_alertmanager(am_alert(state="suppressed", silenced_by=["s"], inhibited_by=["i"]))
    assert alert.state == "silenced"


def test_minimal_alert_has_safe_defaults() -> None:
    alert = from_alertmanager({"labels": {"job": "api"}})
    assert alert.name == "?"
    assert alert.severity == "none"
    assert alert.state == "firing"
    assert alert.starts_at is None
    assert alert.summary == ""


def test_summary_falls_back_to_description() -> None:
    item = am_alert()
    item["annotations"] = {"description": "5xx above 1 %"}
    assert from_alertmanager(item).summary == "5xx above 1 %"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-14T10:30:00Z", datetime(2025, 10, 14, 10, 30, tzinfo=UTC)),
        ("2025-10-14T10:30:00.5Z", datetime(2025, 10, 14, 10, 30, 0, 500000, tzinfo=UTC)),
        # Prometheus writes RFC3339Nano: up to nine digits, truncated to microseconds
        ("2025-10-14T10:30:00.123456789Z", datetime(2025, 10, 14, 10, 30, 0, 123456, tzinfo=UTC)),
        ("2025-10-14T12:30:00+02:00", datetime(2025, 10, 14, 10, 30, tzinfo=UTC)),
        ("2025-10-14T10:30:00", datetime(2025, 10, 14, 10, 30, tzinfo=UTC)),
        ("", None),
        (None, None),
        ("yesterday", None),
    ],
)
def test_parse_time(text: str | None, expected: datetime | None) -> None:
    parsed = parse_time(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_parse_time_keeps_the_offset() -> None:
    parsed = parse_time("2025-10-14T12:30:00+02:00")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=2)
    assert parsed.tzinfo == timezone(timedelta(hours=2))


PROMETHEUS_ALERTS = {
    "alerts": [
        {
            "labels": {"alertname": "RedisLatency", "severity": "warning", "job": "redis"},
            "annotations": {"summary": "Redis latency > 5 ms"},
            "state": "pending",
            "activeAt": "2025-10-14T10:31:12.60602144Z",
            "value": "7.2e+00",
        },
        {
            "labels": {"alertname": "HighErrorRate", "severity": "critical", "job": "api"},
            "annotations": {"summary": "HighErrorRate on api"},
            "state": "firing",
            "activeAt": "2025-10-14T10:25:00Z",
            "value": "2.1e-02",
        },
        {
            "labels": {"alertname": "DiskFilling", "severity": "info"},
            "annotations": {},
            "state": "inactive",
            "activeAt": "2025-10-14T10:00:00Z",
            "value": "0",
        },
    ]
}


def test_pending_from_prometheus_keeps_only_pending() -> None:
    pending = pending_from_prometheus(PROMETHEUS_ALERTS)
    assert len(pending) == 1
    alert = pending[0]
    assert alert.name == "RedisLatency"
    assert alert.state == "pending"
    assert alert.labels == {"alertname": "RedisLatency", "severity": "warning", "job": "redis"}
    assert alert.summary == "Redis latency > 5 ms"
    assert alert.starts_at == datetime(2025, 10, 14, 10, 31, 12, 606021, tzinfo=UTC)


@pytest.mark.parametrize("data", [{}, {"alerts": None}, {"alerts": []}])
def test_pending_from_prometheus_empty(data: dict[str, Any]) -> None:
    assert pending_from_prometheus(data) == []


def pending(name: str, severity: str, active_at: str, **labels: str) -> Alert:
    return Alert(
        name=name,
        labels={"alertname": name, "severity": severity, **labels},
        state="pending",
        starts_at=parse_time(active_at),
    )


def test_merge_drops_pending_with_the_labels_of_a_firing_alert() -> None:
    firing = [from_alertmanager(am_alert("HighErrorRate", "critical"))]
    same = pending("HighErrorRate", "critical", "2025-10-14T10:31:00Z", job="api")
    other_job = pending("HighErrorRate", "critical", "2025-10-14T10:31:00Z", job="web")
    merged = merge(firing, [same, other_job])
    assert [(a.state, a.labels.get("job")) for a in merged] == [
        ("firing", "api"),
        ("pending", "web"),
    ]


def test_merge_keeps_silenced_alert_and_drops_its_pending_twin() -> None:
    silenced = from_alertmanager(am_alert("X", "warning", silenced_by=["s1"]))
    twin = pending("X", "warning", "2025-10-14T10:00:00Z", job="api")
    assert merge([silenced], [twin]) == [silenced]


def test_merge_ranks_by_severity_then_age() -> None:
    firing = [
        from_alertmanager(am_alert("InfoNew", "info", "2025-10-14T10:50:00Z")),
        from_alertmanager(am_alert("WarnNew", "warning", "2025-10-14T10:40:00Z")),
        from_alertmanager(am_alert("CritNew", "critical", "2025-10-14T10:45:00Z")),
        from_alertmanager(am_alert("Unknown", "bogus", "2025-10-14T09:00:00Z")),
        from_alertmanager(am_alert("WarnOld", "warning", "2025-10-14T09:10:00Z")),
        from_alertmanager(am_alert("CritOld", "critical", "2025-10-14T08:00:00.5Z")),
    ]
    pend = [
        pending("CritPending", "critical", "2025-10-14T10:00:00Z"),
        pending("NoSeverity", "", "2025-10-14T07:00:00Z"),
        pending("NoTime", "critical", ""),
    ]
    names = [a.name for a in merge(firing, pend)]
    assert names == [
        "CritOld",
        "CritPending",
        "CritNew",
        "NoTime",  # no start time sorts last within its severity
        "WarnOld",
        "WarnNew",
        "InfoNew",
        "NoSeverity",  # unknown severities rank after info, oldest first
        "Unknown",
    ]


def test_merge_of_nothing() -> None:
    assert merge([], []) == []


def test_rank_key() -> None:
    alert = from_alertmanager(am_alert("X", "warning", "2025-10-14T10:30:00Z"))
    assert alert.rank() == (2, datetime(2025, 10, 14, 10, 30, tzinfo=UTC).timestamp())
    assert Alert("Y", {"severity": "info"}).rank() == (3, float("inf"))
    assert Alert("Z", {}).rank() == (4, float("inf"))


def test_merge_without_pending_alerts_ranks_the_firing_ones() -> None:
    late = Alert(
        "B", {"alertname": "B", "severity": "warning"}, starts_at=datetime(2026, 1, 2, tzinfo=UTC)
    )
    early = Alert(
        "A", {"alertname": "A", "severity": "warning"}, starts_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    page = Alert("C", {"alertname": "C", "severity": "critical"})
    firing = [late, page, early]
    assert merge(firing, []) == [page, early, late]
    assert firing == [late, page, early]  # the caller's list is left as it was
