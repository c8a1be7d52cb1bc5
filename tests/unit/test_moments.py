"""`--at`: the moments an on-call engineer writes, read in the config's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cockpit.model.moments import MomentError, parse_moment

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 5, 8, 30, tzinfo=UTC)  # 09:30 in Berlin


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-2h", NOW - timedelta(hours=2)),
        ("-90m", NOW - timedelta(minutes=90)),
        ("-1d2h", NOW - timedelta(days=1, hours=2)),
        ("2026-12-05 03:12", datetime(2026, 12, 5, 3, 12, tzinfo=BERLIN)),
        ("2026-12-05T03:12:30", datetime(2026, 12, 5, 3, 12, 30, tzinfo=BERLIN)),
        ("2026-12-05T03:12Z", datetime(2026, 12, 5, 3, 12, tzinfo=UTC)),
        ("2026-12-05T03:12+09:00", datetime(2026, 12, 4, 18, 12, tzinfo=UTC)),
        ("03:12", datetime(2026, 12, 5, 3, 12, tzinfo=BERLIN)),  # today's, in Berlin
        ("3:12", datetime(2026, 12, 5, 3, 12, tzinfo=BERLIN)),
        ("23:00", datetime(2026, 12, 4, 23, 0, tzinfo=BERLIN)),  # not yet today: yesterday's
        ("09:30", datetime(2026, 12, 5, 9, 30, tzinfo=BERLIN)),  # exactly now
    ],
)
def test_moments_people_write(text: str, expected: datetime) -> None:
    assert parse_moment(text, NOW, BERLIN) == expected


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "no time given"),
        ("yesterday", "is not a time"),
        ("-soon", "is not a time"),
        ("25:00", "is not a time of day"),
        ("2026-12-06 03:12", "is in the future"),
        ("+2h", "is not a time"),
    ],
)
def test_what_is_not_a_moment_is_said_with_the_forms(text: str, said: str) -> None:
    with pytest.raises(MomentError) as caught:
        parse_moment(text, NOW, BERLIN)
    assert said in str(caught.value)
    assert "is in the future" in said or "03:12" in str(caught.value)


def test_the_fingerprint_of_no_labels_is_fnv1a_offset_basis() -> None:
    from cockpit.model.alerts import fingerprint_of

    assert fingerprint_of({}) == "cbf29ce484222325"
    # Order of the mapping does not matter; names and values are kept apart.
    assert fingerprint_of({"a": "b", "c": "d"}) == fingerprint_of({"c": "d", "a": "b"})
    assert fingerprint_of({"ab": "c"}) != fingerprint_of({"a": "bc"})
