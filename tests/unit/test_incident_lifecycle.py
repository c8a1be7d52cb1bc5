"""Every allowed and every refused status move, milestone stamps and their order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cockpit.model.incident_lifecycle import (
    ALLOWED,
    TransitionError,
    allowed_next,
    plan_transition,
    postmortem_due,
)
from cockpit.model.incident_record import INCIDENT_STATUSES, IncidentRecord

T0 = datetime(2025, 10, 14, 10, 30, tzinfo=UTC)
MILESTONE_OF = {
    "acknowledged": "acknowledged_at",
    "mitigated": "mitigated_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
}

EXPECTED_ALLOWED = {
    "detected": {"acknowledged", "investigating", "mitigated", "resolved"},
    "acknowledged": {"investigating", "mitigated", "resolved"},
    "investigating": {"mitigated", "resolved"},
    "mitigated": {"resolved"},
    "resolved": {"closed", "investigating"},
    "closed": set(),
}


def record_in(status: str, severity: str = "Sev2") -> IncidentRecord:
    """An incident that reached ``status`` the ordinary way, one minute per step."""
    stamps: dict[str, datetime] = {}
    index = INCIDENT_STATUSES.index(status)
    for i, name in enumerate(INCIDENT_STATUSES[1 : index + 1], start=1):
        if name in MILESTONE_OF:
            stamps[MILESTONE_OF[name]] = T0 + timedelta(minutes=i)
    return IncidentRecord(
        id="INC-20251014-103000", title="t", severity=severity, status=status,
        detected_at=T0, created_at=T0, updated_at=T0, **stamps,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_allowed_table_is_the_documented_one() -> None:
    assert {k: set(v) for k, v in ALLOWED.items()} == EXPECTED_ALLOWED


ALL_PAIRS = [(a, b) for a in INCIDENT_STATUSES for b in INCIDENT_STATUSES]


@pytest.mark.parametrize(
    ("before", "after"), [p for p in ALL_PAIRS if p[1] in EXPECTED_ALLOWED[p[0]]]
)
def test_allowed_move(before: str, after: str) -> None:
    record = record_in(before)
    at = T0 + timedelta(hours=1)
    plan = plan_transition(record, after, at)
    assert (plan.before, plan.after) == (before, after)
    stamps = dict(plan.stamps)
    if after in MILESTONE_OF and getattr(record, MILESTONE_OF[after]) is None:
        assert stamps[MILESTONE_OF[after]] == at
    # Nothing already stamped is moved, except resolved_at cleared on reopening.
    for column, value in stamps.items():
        if value is not None:
            assert getattr(record, column) is None
    if (before, after) == ("resolved", "investigating"):
        assert plan.reopened and stamps["resolved_at"] is None
    else:
        assert not plan.reopened


@pytest.mark.parametrize(
    ("before", "after"), [p for p in ALL_PAIRS if p[1] not in EXPECTED_ALLOWED[p[0]]]
)
def test_refused_move_names_the_allowed_ones(before: str, after: str) -> None:
    with pytest.raises(TransitionError) as caught:
        plan_transition(record_in(before), after, T0 + timedelta(hours=1))
    message = str(caught.value)
    assert f"from {before} to {after}" in message
    if EXPECTED_ALLOWED[before]:
        for option in allowed_next(before):
            assert option in message.split("allowed from")[1]
    else:
        assert "closed is final" in message


def test_skipping_forward_stamps_the_skipped_response_milestones() -> None:
    at = T0 + timedelta(minutes=7)
    plan = plan_transition(record_in("detected"), "resolved", at)
    assert dict(plan.stamps) == {"acknowledged_at": at, "mitigated_at": at, "resolved_at": at}
    plan = plan_transition(record_in("detected"), "investigating", at)
    assert dict(plan.stamps) == {"acknowledged_at": at}


def test_milestones_never_go_backwards() -> None:
    record = record_in("mitigated")  # mitigated at T0 + 3 min
    with pytest.raises(TransitionError, match="never go backwards"):
        plan_transition(record, "resolved", T0 + timedelta(minutes=2))
    plan = plan_transition(record, "resolved", T0 + timedelta(minutes=3))
    assert dict(plan.stamps) == {"resolved_at": T0 + timedelta(minutes=3)}
    with pytest.raises(TransitionError, match="never go backwards"):
        plan_transition(record_in("detected"), "acknowledged", T0 - timedelta(seconds=1))


def test_unknown_status_and_naive_time_are_refused() -> None:
    with pytest.raises(TransitionError, match="unknown status 'fixed'"):
        plan_transition(record_in("detected"), "fixed", T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_transition(record_in("detected"), "acknowledged", datetime(2025, 10, 14, 11))


@pytest.mark.parametrize(
    ("severity", "status", "done", "due"),
    [
        ("Sev1", "closed", False, True),
        ("Sev2", "resolved", False, True),
        ("Sev2", "closed", True, False),
        ("Sev3", "closed", False, False),
        ("Sev1", "investigating", False, False),
    ],
)
def test_postmortem_due_flag(severity: str, status: str, done: bool, due: bool) -> None:
    record = replace(record_in(status, severity), postmortem_done=done)
    assert postmortem_due(record) is due


def test_severity_is_read_without_regard_to_case() -> None:
    from cockpit.model.incident_lifecycle import check_severity

    assert [check_severity(s) for s in ("sev2", "SEV1", " Sev4 ")] == ["Sev2", "Sev1", "Sev4"]
    with pytest.raises(ValueError, match="unknown severity 'sev5'; use one of Sev1"):
        check_severity("sev5")
