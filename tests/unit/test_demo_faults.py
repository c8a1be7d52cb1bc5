from __future__ import annotations

import pytest

from cockpit.demo.faults import (
    Faults,
    FaultValue,
    dependencies,
    parse_fault,
    read_gauges,
    readiness,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("error-rate=5%", ("error-rate", 0.05)),
        ("error-rate=0.05", ("error-rate", 0.05)),
        ("error-rate=100%", ("error-rate", 1.0)),
        ("error-rate=0%", ("error-rate", 0.0)),
        ("error-rate=off", ("error-rate", None)),
        ("latency=800ms", ("latency", 0.8)),
        ("latency=1.5s", ("latency", 1.5)),
        ("latency=0", ("latency", 0.0)),
        ("ready=down", ("ready", "down")),
        ("ready=up", ("ready", "up")),
        ("ready=degraded", ("ready", "degraded")),
        ("dependency=redis:unhealthy", ("dependency", ("redis", "unhealthy"))),
        ("dependency=database:degraded", ("dependency", ("database", "degraded"))),
        ("dependency=payments:healthy", ("dependency", ("payments", "healthy"))),
        ("redis-latency=20ms", ("redis-latency", 0.02)),
        ("replication-lag=45s", ("replication-lag", 45.0)),
        ("cpu=95%", ("cpu", 0.95)),
        ("memory=90%", ("memory", 0.9)),
        ("memory=off", ("memory", None)),
        ("evictions=on", ("evictions", True)),
        ("evictions=off", ("evictions", False)),
        ("reset", ("reset", None)),
        ("  Latency = 300MS ", ("latency", 0.3)),
    ],
)
def test_parse_accepted_forms(text: str, expected: tuple[str, FaultValue]) -> None:
    name, value = parse_fault(text)
    assert name == expected[0]
    if isinstance(expected[1], float):
        assert value == pytest.approx(expected[1])
    else:
        assert value == expected[1]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("eror-rate=5%", "unknown fault 'eror-rate' (did you mean 'error-rate'?)"),
        ("nonsense", "unknown fault 'nonsense'"),
        ("", "empty fault"),
        ("error-rate=150%", "error-rate 150% is outside 0-100%"),
        ("error-rate=-5%", "outside 0-100%"),
        ("cpu=5", "outside 0-1"),
        ("error-rate=lots", "is not a percentage"),
        ("error-rate=nan", "is not a percentage"),
        ("latency=800", "is not a duration"),
        ("latency=fast", "is not a duration"),
        ("latency=-5ms", "must not be negative"),
        ("latency=", "needs a value"),
        ("ready=maybe", "ready value 'maybe' is not one of up|down|degraded"),
        ("dependency=redis", "must be NAME:STATUS"),
        ("dependency=kafka:unhealthy", "dependency name value 'kafka'"),
        ("dependency=redis:dead", "dependency status value 'dead'"),
        ("evictions=yes", "is not one of on|off"),
        ("reset=now", "reset takes no value"),
    ],
)
def test_parse_rejects_with_reason_and_accepted_forms(text: str, problem: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_fault(text)
    message = str(info.value)
    assert problem in message
    assert "accepted: error-rate=5%" in message
    assert "latency=800ms" in message
    assert "evictions=on|off" in message


def test_apply_in_order_and_reset() -> None:
    state = Faults().apply("error-rate=5%", "latency=300ms", "error-rate=10%")
    assert state.error_rate == pytest.approx(0.10)
    assert state.latency == pytest.approx(0.3)
    assert state.apply("reset") == Faults()
    assert state.apply("reset", "cpu=95%") == Faults(cpu=0.95)


def test_apply_is_all_or_nothing() -> None:
    state = Faults(latency=0.1)
    with pytest.raises(ValueError, match="unknown fault 'bogus'"):
        state.apply("latency=900ms", "bogus=1")
    assert state.latency == pytest.approx(0.1)


def test_zero_error_rate_and_latency_mean_off() -> None:
    state = Faults().apply("error-rate=5%", "latency=1s", "error-rate=0%", "latency=0")
    assert state == Faults()
    assert state.describe() == []


def test_dependency_overrides_and_healthy_clears() -> None:
    state = Faults().apply("dependency=redis:unhealthy", "dependency=payments:degraded")
    assert state.dependency("redis") == "unhealthy"
    assert state.dependency("payments") == "degraded"
    assert state.dependency("database") is None
    cleared = state.apply("dependency=redis:healthy")
    assert cleared.dependency("redis") is None
    assert cleared.dependency("payments") == "degraded"


def test_describe_round_trips_through_parser() -> None:
    specs = [
        "error-rate=5%",
        "cpu=95%",
        "memory=90%",
        "latency=800ms",
        "redis-latency=20ms",
        "replication-lag=45s",
        "ready=degraded",
        "dependency=database:unhealthy",
        "evictions=on",
    ]
    state = Faults().apply(*specs)
    assert state.describe() == specs
    assert Faults().apply(*state.describe()) == state


def test_gauges_list_active_faults_with_values() -> None:
    state = Faults().apply(
        "error-rate=5%", "ready=down", "dependency=redis:degraded", "evictions=on"
    )
    gauges = {(fault, detail): value for fault, detail, value in state.gauges()}
    assert gauges == {
        ("error-rate", ""): pytest.approx(0.05),
        ("ready", "down"): 1.0,
        ("dependency", "redis:degraded"): 1.0,
        ("evictions", ""): 1.0,
    }
    assert Faults().gauges() == []


def test_to_dict_is_json_ready() -> None:
    d = Faults().apply("latency=300ms", "dependency=redis:unhealthy").to_dict()
    assert d["latency_s"] == pytest.approx(0.3)
    assert d["dependencies"] == {"redis": "unhealthy"}
    assert d["ready"] == "up"
    assert d["evictions"] is False


def test_baseline_gauges_are_in_seeded_ranges() -> None:
    for _ in range(50):
        g = read_gauges(Faults())
        assert 0.001 <= g.redis_latency <= 0.002
        assert 1.0 <= g.replication_lag <= 2.0
        assert 0.30 <= g.cpu <= 0.40
        assert 0.52 <= g.memory <= 0.58


def test_faulted_gauges_stay_at_or_above_the_setting() -> None:
    state = Faults().apply("redis-latency=20ms", "replication-lag=45s", "cpu=95%", "memory=100%")
    for _ in range(50):
        g = read_gauges(state)
        assert 0.02 <= g.redis_latency <= 0.021
        assert 45.0 <= g.replication_lag <= 46.0
        assert 0.95 <= g.cpu <= 0.96
        assert g.memory == 1.0


def test_readiness() -> None:
    assert readiness(Faults()) == (200, {"status": "healthy"})
    assert readiness(Faults(ready="down")) == (
        503,
        {"status": "unhealthy", "reason": "readiness switched off"},
    )
    code, body = readiness(Faults(ready="degraded"))
    assert code == 503
    assert body["status"] == "degraded"
    assert body["mode"] == "degraded"
    assert body["reason"]


def test_dependencies_worst_status_wins() -> None:
    code, body = dependencies(Faults())
    assert code == 200
    assert body["status"] == "healthy"
    assert {name: d["status"] for name, d in body["dependencies"].items()} == {
        "redis": "healthy",
        "database": "healthy",
        "payments": "healthy",
    }
    code, body = dependencies(Faults().apply("redis-latency=20ms"))
    assert (code, body["status"]) == (200, "degraded")
    assert body["dependencies"]["redis"]["latency_ms"] >= 20
    code, body = dependencies(
        Faults().apply("replication-lag=45s", "dependency=payments:unhealthy")
    )
    assert (code, body["status"]) == (503, "unhealthy")
    assert body["dependencies"]["database"]["status"] == "degraded"
    assert body["dependencies"]["database"]["replication_lag_s"] >= 45


def test_thresholds_are_strict() -> None:
    _, body = dependencies(Faults().apply("redis-latency=5ms", "replication-lag=30s"))
    assert body["status"] == "healthy"
