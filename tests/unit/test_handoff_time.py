"""When the next weekly handoff is."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from cockpit.model.handoff import next_handoff

BERLIN = ZoneInfo("Europe/Berlin")
FIVE_PM = time(17, 0)


def test_later_the_same_friday() -> None:
    now = datetime(2026, 11, 20, 15, 59, tzinfo=UTC)  # Friday 16:59 in Berlin
    assert next_handoff("friday", FIVE_PM, BERLIN, now) == datetime(
        2026, 11, 20, 17, 0, tzinfo=BERLIN
    )


def test_at_the_handoff_minute_it_is_next_week() -> None:
    now = datetime(2026, 11, 20, 17, 0, tzinfo=BERLIN)
    assert next_handoff("friday", FIVE_PM, BERLIN, now) == datetime(
        2026, 11, 27, 17, 0, tzinfo=BERLIN
    )


def test_from_a_monday() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
    assert next_handoff("friday", FIVE_PM, BERLIN, now).date().isoformat() == "2026-11-27"


def test_across_the_daylight_saving_change_it_stays_at_five_pm() -> None:
    now = datetime(2026, 10, 23, 18, 0, tzinfo=BERLIN)  # Friday after handoff; clocks change 25 Oct
    handoff = next_handoff("friday", FIVE_PM, BERLIN, now)
    assert (handoff.date().isoformat(), handoff.hour, handoff.utcoffset()) == (
        "2026-10-30",
        17,
        ZoneInfo("Europe/Berlin").utcoffset(datetime(2026, 10, 30, 17)),
    )
    assert handoff.astimezone(UTC).hour == 16
