"""cockpit.model.durations: the duration forms people write in configs and on the command line."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cockpit.model.durations import format_duration, parse_duration, promql_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("6h", timedelta(hours=6)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("30d", timedelta(days=30)),
        ("1w", timedelta(weeks=1)),
        ("2w3d", timedelta(days=17)),
        ("500ms", timedelta(milliseconds=500)),
        ("1m500ms", timedelta(seconds=60.5)),
        ("1.5h", timedelta(minutes=90)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("  5m  ", timedelta(minutes=5)),
        ("5M", timedelta(minutes=5)),  # lower-cased: M is minutes, not months
        ("0s", timedelta(0)),
    ],
)
def test_parse_duration_units(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30", timedelta(seconds=30)),
        ("0", timedelta(0)),
        ("2.5", timedelta(seconds=2.5)),
        (" 90 ", timedelta(seconds=90)),
    ],
)
def test_parse_duration_bare_number_is_seconds(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    ["abc", "5x", "m5", "5 m", "1h 30m", "h", "ms", "5m!", "1h-30m", "--5s", "nan", "30sec"],
)
def test_parse_duration_garbage_names_the_text_and_the_forms(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    message = str(info.value)
    assert repr(text) in message
    assert "30s, 5m, 6h, 30d or 1w" in message


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_parse_duration_empty(text: str) -> None:
    with pytest.raises(ValueError, match="empty duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["inf", "1e20", "99999999999d"])
def test_parse_duration_overflow_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(seconds=59.9), "59s"),
        (timedelta(minutes=1), "1m00s"),
        (timedelta(minutes=5, seconds=7), "5m07s"),
        (timedelta(hours=2, minutes=5), "2h05m"),
        (timedelta(hours=2, minutes=5, seconds=59), "2h05m"),
        (timedelta(hours=1), "1h00m"),
        (timedelta(days=3, hours=4, minutes=30), "3d04h"),
        (timedelta(days=30), "30d00h"),
        (timedelta(minutes=-5), "-5m00s"),
        (timedelta(hours=-2, minutes=-5), "-2h05m"),
        (timedelta(seconds=-45), "-45s"),
    ],
)
def test_format_duration(value: timedelta, expected: str) -> None:
    assert format_duration(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(days=30), "30d"),
        (timedelta(weeks=1), "7d"),
        (timedelta(hours=6), "6h"),
        (timedelta(hours=36), "36h"),
        (timedelta(minutes=5), "5m"),
        (timedelta(minutes=90), "90m"),
        (timedelta(seconds=90), "90s"),
        (timedelta(seconds=30), "30s"),
        (timedelta(hours=1, seconds=1), "3601s"),
    ],
)
def test_promql_duration_uses_largest_whole_unit(value: timedelta, expected: str) -> None:
    assert promql_duration(value) == expected


@pytest.mark.parametrize("text", ["30d", "6h", "5m", "90s", "1h30m", "1w"])
def test_promql_duration_round_trips_through_parse(text: str) -> None:
    value = parse_duration(text)
    assert parse_duration(promql_duration(value)) == value


def test_promql_duration_keeps_sub_second_ranges() -> None:
    assert promql_duration(timedelta(milliseconds=500)) == "500ms"
    assert promql_duration(timedelta(seconds=1, milliseconds=500)) == "1500ms"
