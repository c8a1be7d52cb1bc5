"""Rotation, handoff times across daylight-saving changes in two zones, and reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cockpit.model.rotation import (
    HandoffRecord,
    Reminder,
    Rotation,
    Schedule,
    format_until,
    reminder,
    rotation,
    weeks_since_anchor,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
FRIDAY_FIVE_BERLIN = Schedule("friday", time(17), BERLIN)
FRIDAY_FIVE_NY = Schedule("friday", time(17), NEW_YORK)
ROSTER = ("alice", "bob", "chen")
ANCHOR = date(2026, 10, 2)  # a Friday: alice takes over at 17:00 that day


def z(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def on_call(
    roster: tuple[str, ...], schedule: Schedule, now: datetime, anchor: date | None = None
) -> Rotation:
    """The rule with an empty notebook: the roster as planned."""
    return rotation(roster, schedule, now, None, anchor)


@pytest.mark.parametrize(
    ("schedule", "now_utc", "expected_utc"),
    [
        # Berlin leaves summer time on 25 Oct 2026: 17:00 is 15:00Z before, 16:00Z after.
        (FRIDAY_FIVE_BERLIN, z(2026, 10, 23, 14, 0), z(2026, 10, 23, 15, 0)),
        (FRIDAY_FIVE_BERLIN, z(2026, 10, 23, 16, 0), z(2026, 10, 30, 16, 0)),
        # New York leaves summer time on 1 Nov 2026, a week later: 21:00Z, then 22:00Z.
        (FRIDAY_FIVE_NY, z(2026, 10, 30, 20, 0), z(2026, 10, 30, 21, 0)),
        (FRIDAY_FIVE_NY, z(2026, 10, 30, 21, 0), z(2026, 11, 6, 22, 0)),
        # Spring forward (Berlin 29 Mar 2026): the week is 167 hours long, 17:00 stays 17:00.
        (FRIDAY_FIVE_BERLIN, z(2026, 3, 27, 17, 0), z(2026, 4, 3, 15, 0)),
    ],
)
def test_next_handoff_across_dst_in_two_zones(
    schedule: Schedule, now_utc: datetime, expected_utc: datetime
) -> None:
    handoff = schedule.next_after(now_utc)
    assert handoff == expected_utc
    assert (handoff.astimezone(schedule.zone).hour, handoff.astimezone(schedule.zone).minute) == (
        17,
        0,
    )
    assert handoff.astimezone(schedule.zone).strftime("%A") == "Friday"


def test_same_instant_different_zones_different_handoffs() -> None:
    now = z(2026, 10, 30, 16, 30)  # 17:30 Berlin, 12:30 New York
    assert FRIDAY_FIVE_BERLIN.next_after(now) == z(2026, 11, 6, 16, 0)
    assert FRIDAY_FIVE_NY.next_after(now) == z(2026, 10, 30, 21, 0)


def test_previous_handoff_is_at_or_before_now_and_dst_correct() -> None:
    after_change = z(2026, 10, 29, 12, 0)  # Thursday after the change
    previous = FRIDAY_FIVE_BERLIN.previous_at_or_before(after_change)
    assert previous == z(2026, 10, 23, 15, 0)  # still summer time then
    exactly = z(2026, 10, 30, 16, 0)
    assert FRIDAY_FIVE_BERLIN.previous_at_or_before(exactly) == exactly


def test_rotation_turns_at_the_handoff_minute_across_dst() -> None:
    def who(at: datetime) -> tuple[str | None, str | None]:
        state = on_call(ROSTER, FRIDAY_FIVE_BERLIN, at, ANCHOR)
        return state.current, state.next

    assert who(z(2026, 10, 2, 14, 59)) == ("chen", "alice")  # before anchor
    assert who(z(2026, 10, 2, 15, 0)) == ("alice", "bob")
    assert who(z(2026, 10, 9, 15, 0)) == ("bob", "chen")
    assert who(z(2026, 10, 16, 15, 0)) == ("chen", "alice")
    # After the change 17:00 Berlin is 16:00Z: at 15:30Z and 15:59Z it is still alice's turn...
    assert who(z(2026, 10, 30, 15, 30)) == ("alice", "bob")
    assert who(z(2026, 10, 30, 15, 59)) == ("alice", "bob")
    # ...and bob takes over at 17:00 local, not at 15:00Z (168 hours after the last turn).
    assert who(z(2026, 10, 30, 16, 0)) == ("bob", "chen")


def test_rotation_anchor_not_on_the_handoff_day_uses_the_next_handoff() -> None:
    monday = date(2026, 9, 28)
    assert weeks_since_anchor(FRIDAY_FIVE_BERLIN, monday, z(2026, 10, 2, 15)) == 0
    assert weeks_since_anchor(FRIDAY_FIVE_BERLIN, monday, z(2026, 10, 2, 14)) == -1


def test_without_a_roster_nobody_is_named() -> None:
    state = on_call((), FRIDAY_FIVE_BERLIN, z(2026, 10, 30, 12))
    assert (state.current, state.next) == (None, None)
    assert state.handoff_at == z(2026, 10, 30, 16)


def test_default_anchor_is_stable() -> None:
    now = z(2026, 11, 20, 12)
    assert on_call(ROSTER, FRIDAY_FIVE_BERLIN, now) == on_call(ROSTER, FRIDAY_FIVE_BERLIN, now)
    week_later = on_call(ROSTER, FRIDAY_FIVE_BERLIN, now + timedelta(days=7))
    assert week_later.current == on_call(ROSTER, FRIDAY_FIVE_BERLIN, now).next


def test_reminders_an_hour_before_and_at_the_handoff() -> None:
    handoff = z(2026, 11, 20, 16, 0)  # Fri 17:00 Berlin

    week_before = handoff - timedelta(days=7)
    previous = HandoffRecord(week_before + timedelta(minutes=5), "alice", week_before)

    def at(now: datetime, last: HandoffRecord | None = previous) -> Reminder | None:
        return reminder(rotation(ROSTER, FRIDAY_FIVE_BERLIN, now, last, ANCHOR), now)

    assert at(handoff - timedelta(minutes=61)) is None
    # With nothing signed in the notebook, last week's handoff is still open, and late.
    assert at(handoff - timedelta(minutes=61), None) == Reminder("late", week_before)
    soon = at(handoff - timedelta(minutes=42))
    assert soon == Reminder("soon", handoff)
    assert soon.badge(handoff - timedelta(minutes=42)) == "HANDOFF IN 42m"
    due = at(handoff)
    assert due == Reminder("due", handoff)
    assert due.badge(handoff) == "HANDOFF NOW"
    assert at(handoff + timedelta(minutes=59)) == due
    # Unsigned an hour later it is late, and stays so until signed.
    late = at(handoff + timedelta(hours=10))
    assert late == Reminder("late", handoff)
    assert late.badge(handoff) == "handoff of Fri 17:00 not signed, late"
    signed = HandoffRecord(handoff + timedelta(minutes=10), "alice", handoff)
    assert at(handoff + timedelta(minutes=20), signed) is None
    assert at(handoff + timedelta(hours=10), signed) is None


def test_format_until() -> None:
    assert format_until(timedelta(days=2, hours=3, minutes=5)) == "2d 3h"
    assert format_until(timedelta(hours=3, minutes=5)) == "3h 05m"
    assert format_until(timedelta(minutes=42, seconds=30)) == "42m"
    assert format_until(timedelta(seconds=-5)) == "0m"
