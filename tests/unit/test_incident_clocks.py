"""Response and status-update clocks at frozen times, and the MTTA/MTTR arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cockpit.model.incident_clocks import (
    DEFAULT_POLICIES,
    SeverityPolicy,
    response_clock,
    update_clock,
)
from cockpit.model.incident_record import IncidentRecord
from cockpit.model.incident_stats import (
    Durations,
    ack_delays,
    resolve_delays,
    stats_by_severity,
    summarize,
)

T0 = datetime(2025, 10, 14, 10, 30, tzinfo=UTC)
M = timedelta(minutes=1)


def incident(severity: str = "Sev1", status: str = "investigating", **kw: object) -> IncidentRecord:
    return IncidentRecord(
        id="INC-1", title="t", severity=severity, status=status, detected_at=T0,
        created_at=T0, updated_at=T0, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_defaults_are_the_domain_table() -> None:
    assert {k: (p.respond_within, p.update_every) for k, p in DEFAULT_POLICIES.items()} == {
        "Sev1": (15 * M, 15 * M),
        "Sev2": (30 * M, 30 * M),
        "Sev3": (60 * M, 60 * M),
        "Sev4": (4 * 60 * M, None),
    }


@pytest.mark.parametrize(
    ("acked_after", "now_after", "state", "elapsed"),
    [
        (None, 10 * M, "running", 10 * M),
        (None, 15 * M, "running", 15 * M),  # exactly on target is still in time
        (None, 16 * M, "overdue", 16 * M),
        (14 * M, 60 * M, "met", 14 * M),  # stops at the acknowledgement
        (20 * M, 60 * M, "missed", 20 * M),
    ],
)
def test_response_clock(
    acked_after: timedelta | None, now_after: timedelta, state: str, elapsed: timedelta
) -> None:
    record = incident(acknowledged_at=None if acked_after is None else T0 + acked_after)
    clock = response_clock(record, DEFAULT_POLICIES["Sev1"], T0 + now_after)
    assert (clock.state, clock.elapsed, clock.target) == (state, elapsed, 15 * M)


@pytest.mark.parametrize(
    ("now_after", "state", "remaining"),
    [
        (0 * M, "ok", 15 * M),
        (9 * M, "ok", 6 * M),
        (10 * M, "due", 5 * M),  # the last 5 minutes (a third of 15 is 5) warn
        (14 * M, "due", 1 * M),
        (15 * M, "late", 0 * M),
        (22 * M, "late", -7 * M),
    ],
)
def test_update_clock_counts_from_detection(
    now_after: timedelta, state: str, remaining: timedelta
) -> None:
    clock = update_clock(incident(), DEFAULT_POLICIES["Sev1"], None, T0 + now_after)
    assert clock is not None
    assert (clock.state, clock.remaining, clock.next_due) == (state, remaining, T0 + 15 * M)


def test_update_clock_restarts_at_the_last_update() -> None:
    policy = DEFAULT_POLICIES["Sev2"]
    clock = update_clock(incident("Sev2"), policy, T0 + 25 * M, T0 + 40 * M)
    assert clock is not None
    assert (clock.next_due, clock.remaining, clock.state) == (T0 + 55 * M, 15 * M, "ok")
    # Short cadences warn for a third of the interval.
    short = SeverityPolicy(5 * M, 3 * M)
    clock = update_clock(incident(), short, None, T0 + 2 * M + timedelta(seconds=1))
    assert clock is not None and clock.state == "due"


def test_no_update_clock_without_cadence_or_once_resolved() -> None:
    assert update_clock(incident("Sev4"), DEFAULT_POLICIES["Sev4"], None, T0 + 999 * M) is None
    resolved = incident(status="resolved", resolved_at=T0 + M)
    assert update_clock(resolved, DEFAULT_POLICIES["Sev1"], None, T0 + 999 * M) is None


def test_mtta_mttr_by_severity() -> None:
    records = [
        incident("Sev1", "closed", acknowledged_at=T0 + 4 * M, resolved_at=T0 + 40 * M),
        incident("Sev1", "resolved", acknowledged_at=T0 + 10 * M, resolved_at=T0 + 80 * M),
        incident("Sev1", "investigating", acknowledged_at=T0 + 1 * M),
        incident("Sev2", "detected"),
        incident("Sev3", "resolved", acknowledged_at=T0 + 30 * M, resolved_at=T0 + 30 * M),
    ]
    rows = {r.severity: r for r in stats_by_severity(records)}
    assert list(rows) == ["Sev1", "Sev2", "Sev3", "Sev4"]
    sev1 = rows["Sev1"]
    assert (sev1.count, sev1.open, sev1.acknowledged, sev1.resolved) == (3, 1, 3, 2)
    assert sev1.mtta == 5 * M  # (4 + 10 + 1) / 3
    assert sev1.mttr == 60 * M  # (40 + 80) / 2
    assert (rows["Sev2"].count, rows["Sev2"].mtta, rows["Sev2"].mttr) == (1, None, None)
    assert (rows["Sev3"].mtta, rows["Sev3"].mttr) == (30 * M, 30 * M)
    assert (rows["Sev4"].count, rows["Sev4"].mtta) == (0, None)


def test_mtta_mttr_summaries_share_the_delays_with_the_table() -> None:
    # The weekly review's MTTA/MTTR: the same delays as the table, with a median too.
    records = [
        incident("Sev1", "closed", acknowledged_at=T0 + 4 * M, resolved_at=T0 + 40 * M),
        incident("Sev2", "resolved", acknowledged_at=T0 + 10 * M, resolved_at=T0 + 80 * M),
        incident("Sev1", "investigating", acknowledged_at=T0 + 1 * M),
        incident("Sev2", "detected"),
    ]
    assert summarize(ack_delays(records)) == Durations(3, 5 * M, 4 * M)
    assert summarize(resolve_delays(records)) == Durations(2, 60 * M, 60 * M)
    assert summarize([]) == Durations(0, None, None)
