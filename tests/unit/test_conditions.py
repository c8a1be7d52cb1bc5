"""cockpit.model.conditions: Gatus-style probe conditions, parsed once, evaluated purely."""

from __future__ import annotations

import pytest

from cockpit.model.conditions import Condition, Observation, evaluate, parse_condition


def check(text: str, seen: Observation) -> str | None:
    return evaluate(parse_condition(text), seen)


def test_parse_status() -> None:
    assert parse_condition("  [STATUS] == 200 ") == Condition(
        text="[STATUS] == 200", placeholder="STATUS", path=(), operator="==", expected=("200",)
    )


def test_parse_any() -> None:
    condition = parse_condition("[STATUS] == any(200, 503)")
    assert condition.operator == "=="
    assert condition.expected == ("200", "503")


def test_parse_body_path() -> None:
    condition = parse_condition("[BODY].dependencies.redis.status != unhealthy")
    assert condition.placeholder == "BODY"
    assert condition.path == ("dependencies", "redis", "status")
    assert condition.operator == "!="
    assert condition.expected == ("unhealthy",)


def test_parse_without_spaces() -> None:
    condition = parse_condition("[RESPONSE_TIME]<=500")
    assert (condition.placeholder, condition.operator, condition.expected) == (
        "RESPONSE_TIME",
        "<=",
        ("500",),
    )


@pytest.mark.parametrize(
    ("status", "reason"),
    [(200, None), (503, "[STATUS] == 200: got 503"), (None, "[STATUS] == 200: no value")],
)
def test_status_equals(status: int | None, reason: str | None) -> None:
    assert check("[STATUS] == 200", Observation(status=status)) == reason


@pytest.mark.parametrize(
    ("status", "reason"),
    [(200, None), (503, None), (500, "[STATUS] == any(200, 503): got 500")],
)
def test_status_any(status: int, reason: str | None) -> None:
    assert check("[STATUS] == any(200, 503)", Observation(status=status)) == reason


@pytest.mark.parametrize(
    ("status", "reason"),
    [(200, None), (500, "[STATUS] != 500: got 500")],
)
def test_status_not_equal(status: int, reason: str | None) -> None:
    assert check("[STATUS] != 500", Observation(status=status)) == reason


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (200, None),
        (500, "[STATUS] != any(500, 502): got 500"),
        (502, "[STATUS] != any(500, 502): got 502"),
    ],
)
def test_status_not_any(status: int, reason: str | None) -> None:
    assert check("[STATUS] != any(500, 502)", Observation(status=status)) == reason


@pytest.mark.parametrize(
    ("ms", "reason"),
    [
        (12.5, None),
        (499.9, None),
        (500.0, "[RESPONSE_TIME] < 500: got 500.0"),
        (612.5, "[RESPONSE_TIME] < 500: got 612.5"),
        (None, "[RESPONSE_TIME] < 500: no value"),
    ],
)
def test_response_time_below(ms: float | None, reason: str | None) -> None:
    assert check("[RESPONSE_TIME] < 500", Observation(response_time_ms=ms)) == reason


@pytest.mark.parametrize(
    ("text", "ms", "holds"),
    [
        ("[RESPONSE_TIME] <= 500", 500.0, True),
        ("[RESPONSE_TIME] <= 500", 500.1, False),
        ("[RESPONSE_TIME] > 10", 11.0, True),
        ("[RESPONSE_TIME] > 10", 10.0, False),
        ("[RESPONSE_TIME] >= 10", 10.0, True),
        ("[RESPONSE_TIME] < 1000", 999.0, True),  # numeric, not string, comparison
        ("[RESPONSE_TIME] < 1000", 5000.0, False),
    ],
)
def test_ordered_operators(text: str, ms: float, holds: bool) -> None:
    assert (check(text, Observation(response_time_ms=ms)) is None) is holds


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"status": "healthy"}, None),
        ({"status": "degraded"}, "[BODY].status == healthy: got degraded"),
        ({"state": "healthy"}, "[BODY].status == healthy: no value"),
        ({"status": None}, "[BODY].status == healthy: no value"),
        ("not json", "[BODY].status == healthy: no value"),
        (None, "[BODY].status == healthy: no value"),
        (["healthy"], "[BODY].status == healthy: no value"),
    ],
)
def test_body_field(body: object, reason: str | None) -> None:
    assert check("[BODY].status == healthy", Observation(status=200, body=body)) == reason


def test_body_field_quoted_expected() -> None:
    assert check('[BODY].status == "healthy"', Observation(body={"status": "healthy"})) is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"dependencies": {"redis": {"status": "healthy"}}}, None),
        ({"dependencies": {"redis": {"status": "degraded"}}}, None),
        (
            {"dependencies": {"redis": {"status": "unhealthy"}}},
            "[BODY].dependencies.redis.status != unhealthy: got unhealthy",
        ),
        (
            {"dependencies": {"database": {"status": "healthy"}}},
            "[BODY].dependencies.redis.status != unhealthy: no value",
        ),
        (
            {"dependencies": "redis"},
            "[BODY].dependencies.redis.status != unhealthy: no value",
        ),
    ],
)
def test_nested_body_field(body: object, reason: str | None) -> None:
    text = "[BODY].dependencies.redis.status != unhealthy"
    assert check(text, Observation(body=body)) == reason


@pytest.mark.parametrize(
    ("body", "holds"),
    [({"count": 3}, True), ({"count": 3.0}, True), ({"count": "3"}, True), ({"count": 4}, False)],
)
def test_body_numbers_compare_as_numbers(body: object, holds: bool) -> None:
    assert (check("[BODY].count == 3", Observation(body=body)) is None) is holds


def test_body_boolean_compares_as_true_false() -> None:
    assert check("[BODY].ok == true", Observation(body={"ok": True})) is None
    assert check("[BODY].ok == true", Observation(body={"ok": False})) == (
        "[BODY].ok == true: got False"
    )


@pytest.mark.parametrize(
    ("connected", "reason"),
    [
        (True, None),
        (False, "[CONNECTED] == true: got False"),
        (None, "[CONNECTED] == true: no value"),
    ],
)
def test_connected(connected: bool | None, reason: str | None) -> None:
    assert check("[CONNECTED] == true", Observation(connected=connected)) == reason


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "STATUS == 200",
        "[STATUS] 200",
        "[STATUS] =~ 2..",
        "[STATUS] ==",
        "[status] == 200",
    ],
)
def test_parse_error_garbage(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_condition(text)
    assert f"{text!r} is not a condition" in str(info.value)
    assert "[STATUS] == 200" in str(info.value)  # says how to write one


def test_parse_error_unknown_placeholder() -> None:
    with pytest.raises(ValueError) as info:
        parse_condition("[HEADERS] == x")
    assert "unknown placeholder [HEADERS]" in str(info.value)
    assert "'[HEADERS] == x'" in str(info.value)


@pytest.mark.parametrize("text", ["[STATUS].code == 200", "[RESPONSE_TIME].ms < 5"])
def test_parse_error_path_on_non_body(text: str) -> None:
    with pytest.raises(ValueError, match=r"only \[BODY\] takes a path"):
        parse_condition(text)


@pytest.mark.parametrize("op", ["<", ">", "<=", ">="])
def test_parse_error_any_with_ordering(op: str) -> None:
    with pytest.raises(ValueError, match=r"any\(\.\.\.\) works only with == or !="):
        parse_condition(f"[RESPONSE_TIME] {op} any(100, 200)")
