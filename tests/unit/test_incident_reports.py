"""Incident reports: the postmortem and the scenario variants say what was written where."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cockpit.model.incident_record import IncidentRecord
from cockpit.model.timeline import TimelineEvent
from cockpit.reports.incident import ReportInput, render

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
M = timedelta(minutes=1)


def _input(**fields: object) -> ReportInput:
    record = IncidentRecord(
        id="INC-20261120-100000", title="Rate limiter down", severity="Sev2", status="resolved",
        detected_at=AT, created_at=AT, updated_at=AT, resolved_at=AT + 30 * M,
        description="Redis stopped answering; the rate limiter failed open.", **fields,  # type: ignore[arg-type]
    )  # fmt: skip
    events = [
        TimelineEvent(
            kind="runbook_step", occurred_at=AT + 5 * M, source="runbook", author="alice",
            subject="redis-outage step 2: Check Redis memory", body="done · 98 % used",
        ),
        TimelineEvent(
            kind="alert_resolved", occurred_at=AT + 20 * M, source="alertmanager",
            subject="RedisLatencyHigh",
            body="RedisLatencyHigh (critical) resolved: p99 above 10 ms (now 48 ms)",
        ),
    ]  # fmt: skip
    return ReportInput(record, events, (), (), UTC)


def _section(report: str, heading: str) -> str:
    return report.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_postmortem_includes_the_suspected_cause() -> None:
    report = render(_input(suspected_cause="maxmemory too low", root_cause="eviction storm"))
    cause = _section(report, "Root cause")
    assert "maxmemory too low" in cause
    assert "eviction storm" in cause


def test_the_postmortem_names_runbook_steps_in_its_timeline() -> None:
    timeline = _section(render(_input()), "Timeline")
    assert "redis-outage step 2: Check Redis memory: done · 98 % used" in timeline


def test_the_redis_report_keeps_the_description_out_of_impact() -> None:
    report = render(_input(), "redis")
    assert "Redis stopped answering" not in _section(report, "Impact")
    assert "_(not written yet)_" in _section(report, "Impact")
    assert "Redis stopped answering" in report
    with_impact = render(_input(impact="5 % of logins refused for 30 minutes"), "redis")
    assert "5 % of logins refused" in _section(with_impact, "Impact")


def test_a_resolved_alert_in_a_report_does_not_quote_the_firing_value() -> None:
    for template in ("postmortem", "redis", "deploy"):
        report = render(_input(), template)
        assert "48 ms" not in report, template
        assert "RedisLatencyHigh (critical) resolved" in report


def test_the_deploy_record_names_runbook_steps() -> None:
    record = _section(render(_input(), "deploy"), "Rollback / redeploy record")
    assert "redis-outage step 2: Check Redis memory" in record
