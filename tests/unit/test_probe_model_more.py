"""cockpit.model.probes: children of a health body; latency history and the last failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cockpit.model.probes import (
    DOWN,
    HISTORY,
    PENDING,
    UP,
    Child,
    ProbeResult,
    ProbeState,
    children_of,
)

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def result(
    ok: bool, latency: float | None = 10.0, seconds: int = 0, reason: str = ""
) -> ProbeResult:
    return ProbeResult(
        "api", ok, T0 + timedelta(seconds=seconds), latency_ms=latency, reason=reason,
        category=None if ok else "status",
    )  # fmt: skip


# --- children_of ------------------------------------------------------------------------------


def test_dependencies_mapping() -> None:
    body = {
        "status": "degraded",
        "dependencies": {
            "redis": {"status": "degraded", "latency_ms": 250},
            "postgres": {"status": "healthy"},
        },
    }
    assert children_of(body) == (
        Child("redis", "degraded", "latency_ms=250"),
        Child("postgres", "healthy", ""),
    )


def test_dependency_detail_keeps_order_and_skips_status_and_name() -> None:
    body = {
        "dependencies": {"db": {"name": "x", "error": "timeout", "status": "unhealthy", "n": 2}}
    }
    assert children_of(body) == (Child("db", "unhealthy", "error=timeout, n=2"),)


def test_dependency_without_status_is_unknown() -> None:
    assert children_of({"dependencies": {"queue": {"depth": 5}}}) == (
        Child("queue", "unknown", "depth=5"),
    )


def test_models_list() -> None:
    body = {
        "models": [
            {"name": "m1", "status": "healthy"},
            {"name": "m2", "status": "unhealthy", "error": "OOM"},
        ]
    }
    assert children_of(body) == (
        Child("m1", "healthy", ""),
        Child("m2", "unhealthy", "error=OOM"),
    )


def test_list_items_without_name_are_numbered_and_non_mappings_skipped() -> None:
    body = {"checks": [{"status": "ok"}, "junk", 3, {"name": "disk", "status": "full"}]}
    assert children_of(body) == (Child("0", "ok", ""), Child("disk", "full", ""))


def test_plain_string_values() -> None:
    body = {"components": {"redis": "healthy", "kafka": "unhealthy", "replicas": 3}}
    assert children_of(body) == (
        Child("redis", "healthy"),
        Child("kafka", "unhealthy"),
        Child("replicas", "3"),
    )


def test_first_child_key_wins() -> None:
    body = {"services": {"b": "up"}, "dependencies": {"a": "up"}}
    assert children_of(body) == (Child("a", "up"),)  # "dependencies" comes first


def test_child_key_of_another_shape_is_skipped() -> None:
    body = {"dependencies": "none", "services": {"web": "healthy"}}
    assert children_of(body) == (Child("web", "healthy"),)


@pytest.mark.parametrize(
    "body",
    [
        {"status": "healthy"},
        {"status": "healthy", "uptime": 12, "version": "1.2"},
        {},
        {"dependencies": None},
        {"dependencies": 5},
    ],
)
def test_bodies_without_children(body: dict[str, Any]) -> None:
    assert children_of(body) == ()


@pytest.mark.parametrize(
    "body", [None, "healthy", 200, 1.5, True, [{"name": "m1", "status": "healthy"}]]
)
def test_non_dict_bodies(body: Any) -> None:
    assert children_of(body) == ()


# --- ProbeState.observe -----------------------------------------------------------------------


def test_latencies_newest_last() -> None:
    state = ProbeState("api")
    for ms in (5.0, 7.0, 3.0):
        state = state.observe(result(True, ms))
    assert state.latencies == (5.0, 7.0, 3.0)


def test_latencies_capped_at_history() -> None:
    assert HISTORY == 30
    state = ProbeState("api")
    for i in range(HISTORY + 7):
        state = state.observe(result(i % 4 != 0, float(i)))
    assert len(state.latencies) == HISTORY
    assert state.latencies == tuple(float(i) for i in range(7, HISTORY + 7))


def test_latency_none_not_recorded() -> None:
    state = ProbeState("api").observe(result(True, 4.0))
    state = state.observe(result(False, None))
    assert state.latencies == (4.0,)
    assert state.failures == 1


def test_failures_record_their_latency_too() -> None:
    state = ProbeState("api").observe(result(True, 4.0)).observe(result(False, 2000.0))
    assert state.latencies == (4.0, 2000.0)


def test_observe_does_not_mutate_previous_state() -> None:
    first = ProbeState("api").observe(result(True, 1.0))
    first.observe(result(True, 2.0))
    assert first.latencies == (1.0,)


def test_last_failure_remembered_through_recovery() -> None:
    failed = result(False, 30.0, seconds=10, reason="[STATUS] == 200: got 503")
    state = ProbeState("api")
    assert state.last_failure is None
    state = state.observe(result(True, seconds=0)).observe(failed)
    assert state.last_failure == failed
    assert state.state == PENDING
    recovered = result(True, seconds=20)
    state = state.observe(recovered).observe(result(True, seconds=30))
    assert state.state == UP
    assert state.last is not None and state.last.checked_at == T0 + timedelta(seconds=30)
    assert state.last_failure == failed


def test_last_failure_is_the_newest_failure() -> None:
    state = ProbeState("api")
    failures = [result(False, seconds=s, reason=f"fail {s}") for s in (1, 2, 3)]
    for failure in failures:
        state = state.observe(failure)
    assert state.state == DOWN
    assert state.failures == 3
    assert state.last_failure == failures[-1]
    assert state.last_failure.reason == "fail 3"


def test_success_only_history_has_no_last_failure() -> None:
    state = ProbeState("api")
    for s in range(5):
        state = state.observe(result(True, seconds=s))
    assert state.last_failure is None
    assert state.state == UP
