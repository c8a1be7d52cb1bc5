"""cockpit.model.probes: consecutive counts turn probe results into up / pending / down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cockpit.model.probes import DOWN, PENDING, UNKNOWN, UP, ProbeResult, ProbeState

T0 = datetime(2025, 10, 14, 10, 30, tzinfo=UTC)


def result(ok: bool, n: int = 0) -> ProbeResult:
    return ProbeResult(
        name="api-ready",
        ok=ok,
        checked_at=T0 + timedelta(seconds=10 * n),
        latency_ms=12.0 if ok else None,
        status_code=200 if ok else 503,
        reason="" if ok else "[STATUS] == 200: got 503",
    )


def run(state: ProbeState, pattern: str) -> list[str]:
    """Feed "SFF..." (S = success, F = failure); the state after each result."""
    states = []
    for n, mark in enumerate(pattern):
        state = state.observe(result(mark == "S", n))
        states.append(state.state)
    return states


def test_starts_unknown() -> None:
    state = ProbeState("api-ready")
    assert (state.state, state.failures, state.successes, state.last) == (UNKNOWN, 0, 0, None)
    assert (state.failure_threshold, state.success_threshold) == (3, 2)


def test_first_success_from_unknown_is_up() -> None:
    first = result(True)
    state = ProbeState("api-ready").observe(first)
    assert state.state == UP
    assert (state.successes, state.failures) == (1, 0)
    assert state.last is first


def test_observe_returns_a_new_state() -> None:
    before = ProbeState("api-ready")
    after = before.observe(result(False))
    assert before.state == UNKNOWN
    assert before.failures == 0
    assert after.name == "api-ready"
    assert after is not before


def test_failures_below_threshold_are_pending_the_third_is_down() -> None:
    assert run(ProbeState("api-ready"), "FFF") == [PENDING, PENDING, DOWN]


def test_from_up_failures_go_pending_then_down() -> None:
    assert run(ProbeState("api-ready"), "SSFFFF") == [UP, UP, PENDING, PENDING, DOWN, DOWN]


def test_failure_count_and_reason_kept() -> None:
    state = ProbeState("api-ready")
    for n in range(3):
        state = state.observe(result(False, n))
    assert (state.state, state.failures, state.successes) == (DOWN, 3, 0)
    assert state.last is not None
    assert state.last.reason == "[STATUS] == 200: got 503"
    assert state.last.checked_at == T0 + timedelta(seconds=20)


def test_success_in_between_resets_the_failure_count() -> None:
    assert run(ProbeState("api-ready"), "SFFSFF") == [UP, PENDING, PENDING, UP, PENDING, PENDING]
    assert run(ProbeState("api-ready"), "SFFSFFF")[-1] == DOWN


def test_from_down_one_success_stays_down_the_second_is_up() -> None:
    assert run(ProbeState("api-ready"), "FFFSS") == [PENDING, PENDING, DOWN, DOWN, UP]


def test_from_down_a_failure_between_successes_restarts_the_count() -> None:
    assert run(ProbeState("api-ready"), "FFFSFSS") == [
        PENDING,
        PENDING,
        DOWN,
        DOWN,
        DOWN,
        DOWN,
        UP,
    ]


def test_down_success_counts() -> None:
    state = ProbeState("api-ready", state=DOWN, failures=5)
    state = state.observe(result(True))
    assert (state.state, state.failures, state.successes) == (DOWN, 0, 1)


def test_custom_failure_threshold() -> None:
    assert run(ProbeState("x", failure_threshold=1), "SF") == [UP, DOWN]
    assert run(ProbeState("x", failure_threshold=5), "FFFFF") == [
        PENDING,
        PENDING,
        PENDING,
        PENDING,
        DOWN,
    ]


def test_custom_success_threshold() -> None:
    assert run(ProbeState("x", success_threshold=1), "FFFS") == [PENDING, PENDING, DOWN, UP]
    assert run(ProbeState("x", success_threshold=3), "FFFSSS") == [
        PENDING,
        PENDING,
        DOWN,
        DOWN,
        DOWN,
        UP,
    ]


def test_thresholds_survive_observe() -> None:
    state = ProbeState("x", failure_threshold=4, success_threshold=5).observe(result(False))
    assert (state.failure_threshold, state.success_threshold) == (4, 5)
