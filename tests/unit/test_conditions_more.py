"""cockpit.model.conditions: certificate expiry, response-time units, column-naming errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cockpit.model.conditions import HOW, Condition, Observation, evaluate, parse_condition


def check(text: str, seen: Observation) -> str | None:
    return evaluate(parse_condition(text), seen)


def cert(left: timedelta | None) -> Observation:
    return Observation(certificate_expires_in=left)


# --- [CERTIFICATE_EXPIRATION] -------------------------------------------------------------


def test_parse_certificate_expiration() -> None:
    assert parse_condition("[CERTIFICATE_EXPIRATION] > 72h") == Condition(
        text="[CERTIFICATE_EXPIRATION] > 72h",
        placeholder="CERTIFICATE_EXPIRATION",
        path=(),
        operator=">",
        expected=("72h",),
    )


@pytest.mark.parametrize(
    ("left", "reason"),
    [
        (timedelta(days=10), None),
        (timedelta(hours=72, seconds=1), None),
        (timedelta(hours=72), "[CERTIFICATE_EXPIRATION] > 72h: got 72h"),
        (timedelta(hours=48), "[CERTIFICATE_EXPIRATION] > 72h: got 48h"),
        (timedelta(hours=-5), "[CERTIFICATE_EXPIRATION] > 72h: got -5h"),  # already expired
        (None, "[CERTIFICATE_EXPIRATION] > 72h: no value"),  # plain http: no certificate
    ],
)
def test_certificate_more_than_72h(left: timedelta | None, reason: str | None) -> None:
    assert check("[CERTIFICATE_EXPIRATION] > 72h", cert(left)) == reason


@pytest.mark.parametrize(
    ("left", "reason"),
    [
        (timedelta(days=30), None),
        (timedelta(days=31), None),
        (timedelta(days=29, hours=23), "[CERTIFICATE_EXPIRATION] >= 30d: got 719h"),
        (timedelta(days=1), "[CERTIFICATE_EXPIRATION] >= 30d: got 24h"),
    ],
)
def test_certificate_at_least_30d(left: timedelta, reason: str | None) -> None:
    assert check("[CERTIFICATE_EXPIRATION] >= 30d", cert(left)) == reason


def test_certificate_duration_compound_and_upper_case() -> None:
    assert check("[CERTIFICATE_EXPIRATION] > 1d12H", cert(timedelta(hours=37))) is None
    assert (
        check("[CERTIFICATE_EXPIRATION] > 1d12H", cert(timedelta(hours=36)))
        == "[CERTIFICATE_EXPIRATION] > 1d12H: got 36h"
    )


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("[CERTIFICATE_EXPIRATION] > soon", "soon"),
        ("[CERTIFICATE_EXPIRATION] >= 30days", "30days"),
        ("[CERTIFICATE_EXPIRATION] > -5h", "-5h"),
        ("[CERTIFICATE_EXPIRATION] == any(30d, later)", "later"),
    ],
)
def test_certificate_bad_duration_refused(text: str, bad: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_condition(text)
    assert str(info.value) == (
        f"in {text!r}: {bad!r} is not a duration; write it like 30s, 5m, 6h, 30d or 1w"
    )


# --- [RESPONSE_TIME] with units -------------------------------------------------------------


@pytest.mark.parametrize("text", ["[RESPONSE_TIME] < 500", "[RESPONSE_TIME] < 500ms"])
@pytest.mark.parametrize(
    ("ms", "holds"), [(0.0, True), (499.9, True), (500.0, False), (750.0, False)]
)
def test_response_time_plain_and_ms_agree(text: str, ms: float, holds: bool) -> None:
    reason = check(text, Observation(response_time_ms=ms))
    assert reason == (None if holds else f"{text}: got {ms}")


@pytest.mark.parametrize(
    ("ms", "reason"),
    [
        (1499.9, None),
        (1500.0, "[RESPONSE_TIME] < 1.5s: got 1500.0"),
        (2000.04, "[RESPONSE_TIME] < 1.5s: got 2000.0"),
        (None, "[RESPONSE_TIME] < 1.5s: no value"),
    ],
)
def test_response_time_seconds(ms: float | None, reason: str | None) -> None:
    assert check("[RESPONSE_TIME] < 1.5s", Observation(response_time_ms=ms)) == reason


def test_response_time_bare_number_is_milliseconds_not_seconds() -> None:
    # "1.5" alone is 1.5 ms, not 1.5 s.
    assert (
        check("[RESPONSE_TIME] < 1.5", Observation(response_time_ms=2.0))
        == "[RESPONSE_TIME] < 1.5: got 2.0"
    )


def test_response_time_bad_unit_refused() -> None:
    with pytest.raises(ValueError) as info:
        parse_condition("[RESPONSE_TIME] < fast")
    assert str(info.value) == (
        "in '[RESPONSE_TIME] < fast': 'fast' is not a duration; "
        "write it like 30s, 5m, 6h, 30d or 1w"
    )


# --- parse errors name the column -----------------------------------------------------------


def syntax(text: str, column: int, what: str) -> str:
    return f"{text!r} is not a condition (column {column}: {what}); {HOW}"


OPS = "expected one of == != <= >= < >"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("STATUS == 200", syntax("STATUS == 200", 1, "expected a placeholder such as [STATUS]")),
        ("", syntax("", 1, "expected a placeholder such as [STATUS]")),
        ("[STATUS] ==", syntax("[STATUS] ==", 12, "expected a value after the operator")),
        ("[STATUS]==", syntax("[STATUS]==", 11, "expected a value after the operator")),
        ("[STATUS]200", syntax("[STATUS]200", 9, OPS)),
        ("[STATUS] =< 200", syntax("[STATUS] =< 200", 10, OPS)),
    ],
)
def test_syntax_errors_name_the_column(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_condition(text)
    assert str(info.value) == message


def test_missing_operator_column_points_at_value() -> None:
    with pytest.raises(ValueError) as info:
        parse_condition("[STATUS] 200")
    assert str(info.value) == syntax("[STATUS] 200", 10, OPS)


def test_missing_operator_after_body_path_column() -> None:
    with pytest.raises(ValueError) as info:
        parse_condition("[BODY].status healthy")
    assert str(info.value) == syntax("[BODY].status healthy", 15, OPS)


def test_column_counts_in_the_quoted_text() -> None:
    with pytest.raises(ValueError) as info:
        parse_condition("  [STATUS]200")
    assert str(info.value) == syntax("  [STATUS]200", 11, OPS)


@pytest.mark.parametrize("text", ["[STATUS] === 200", "[STATUS] <> 200"])
def test_garbled_operator_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_condition(text)


@pytest.mark.parametrize("text", ["[STATUS] == any()", "[STATUS] == any( , )"])
def test_any_with_no_values_refused(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_condition(text)
    assert str(info.value) == syntax(text, 13, "any() needs at least one value")


@pytest.mark.parametrize("operator", ["<", ">", "<=", ">="])
def test_any_with_ordering_operator_refused(operator: str) -> None:
    text = f"[STATUS] {operator} any(200, 503)"
    with pytest.raises(ValueError) as info:
        parse_condition(text)
    assert str(info.value) == f"any(...) works only with == or !=, in {text!r}"


def test_unknown_placeholder_lists_certificate_expiration() -> None:
    with pytest.raises(ValueError) as info:
        parse_condition("[CERT] > 72h")
    assert str(info.value) == (
        "unknown placeholder [CERT] in '[CERT] > 72h'; use one of ('STATUS', "
        "'RESPONSE_TIME', 'BODY', 'CONNECTED', 'CERTIFICATE_EXPIRATION')"
    )


def test_path_only_on_body() -> None:
    with pytest.raises(ValueError) as info:
        parse_condition("[CERTIFICATE_EXPIRATION].days > 3")
    assert str(info.value) == (
        "only [BODY] takes a path like [BODY].status, in '[CERTIFICATE_EXPIRATION].days > 3'"
    )


# --- [CONNECTED] -----------------------------------------------------------------------------


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
