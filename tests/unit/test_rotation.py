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


# --- a month of rotation with swaps, across the Berlin change on 25 Oct ------------------

BERLIN_HANDOFFS = [  # Fri 17:00 Berlin in UTC: 15:00Z in summer time, 16:00Z after
    z(2026, 10, 2, 15), z(2026, 10, 9, 15), z(2026, 10, 16, 15), z(2026, 10, 23, 15),
    z(2026, 10, 30, 16), z(2026, 11, 6, 16),
]  # fmt: skip
MONTH = [
    HandoffRecord(z(2026, 10, 2, 15, 5), "alice", z(2026, 10, 2, 15)),  # on time
    HandoffRecord(z(2026, 10, 9, 15, 20), "bob", z(2026, 10, 9, 15)),
    # Wed 14 Oct: chen (next on the roster) takes over two days early: a swap.
    HandoffRecord(z(2026, 10, 14, 8), "chen"),
    # Fri 23 Oct was missed; alice signs Saturday morning, late.
    HandoffRecord(z(2026, 10, 24, 7), "alice", z(2026, 10, 23, 15)),
    # Wed 28 Oct, after the change: dave, not on the roster, covers for alice.
    HandoffRecord(z(2026, 10, 28, 9), "dave"),
    HandoffRecord(z(2026, 10, 30, 16, 10), "bob", z(2026, 10, 30, 16)),
    # 30 minutes early: the reminder is up, so it still counts for 6 Nov.
    HandoffRecord(z(2026, 11, 6, 15, 30), "chen", z(2026, 11, 6, 16)),
]


def month_state(now: datetime) -> Rotation:
    last = None
    for record in MONTH:
        if record.signed_at <= now:
            last = record
    return rotation(ROSTER, FRIDAY_FIVE_BERLIN, now, last, ANCHOR)


def test_a_month_of_rotation_with_swaps_across_dst() -> None:
    def who(now: datetime) -> tuple[str | None, str | None, datetime]:
        state = month_state(now)
        return state.current, state.next, state.handoff_at

    # Before the first signature the roster is the plan: chen hands over to alice.
    assert who(z(2026, 10, 2, 14)) == ("chen", "alice", z(2026, 10, 2, 15))
    assert who(z(2026, 10, 5, 12)) == ("alice", "bob", z(2026, 10, 9, 15))
    assert who(z(2026, 10, 12, 12)) == ("bob", "chen", z(2026, 10, 16, 15))
    # After the swap chen is on call; 16 Oct needs no handoff (chen was due then anyway),
    # so the next one is alice's on 23 Oct.
    assert who(z(2026, 10, 14, 8)) == ("chen", "alice", z(2026, 10, 23, 15))
    assert month_state(z(2026, 10, 16, 15, 30)).pending is None
    # 23 Oct unsigned: from 17:00 alice is on call (the schedule pages her), the handoff
    # chen -> alice stays open, late after an hour, until she signs on Saturday.
    state = month_state(z(2026, 10, 23, 20))
    assert (state.current, state.next) == ("alice", "bob")
    assert state.pending is not None and state.pending.late(z(2026, 10, 23, 20))
    assert (state.pending.outgoing, state.pending.incoming) == ("chen", "alice")
    assert state.pending.shift_start == z(2026, 10, 14, 8)  # chen's shift began at the swap
    state = month_state(z(2026, 10, 24, 7))
    assert state.pending is None and state.since == z(2026, 10, 23, 15)
    # After the change: 17:00 is 16:00Z. dave covers from Wednesday; bob takes over from him.
    assert who(z(2026, 10, 28, 9)) == ("dave", "bob", z(2026, 10, 30, 16))
    state = month_state(z(2026, 10, 30, 15, 30))  # 16:30 CET: the reminder is up
    assert state.pending is not None and state.pending.scheduled_at == z(2026, 10, 30, 16)
    assert (state.pending.outgoing, state.pending.incoming) == ("dave", "bob")
    assert reminder(state, z(2026, 10, 30, 15, 30)) == Reminder("soon", z(2026, 10, 30, 16))
    assert who(z(2026, 10, 30, 16, 10)) == ("bob", "chen", z(2026, 11, 6, 16))
    assert who(z(2026, 11, 6, 15, 30)) == ("chen", "alice", z(2026, 11, 13, 16))


def test_every_hour_of_the_month_one_open_handoff_at_most_and_views_agree() -> None:
    """Hour by hour: a handoff is open only from an hour before its time until signed,
    each scheduled handoff is signed at most once (nothing is open right after a
    signature), and on call always follows the last signature."""
    now = z(2026, 10, 2, 16)
    signed_slots: list[datetime | None] = []
    while now < z(2026, 11, 12):
        state = month_state(now)
        last = next((r for r in reversed(MONTH) if r.signed_at <= now), None)
        if state.pending is not None:
            slot = state.pending.scheduled_at
            assert slot in BERLIN_HANDOFFS
            assert slot - timedelta(hours=1) <= now
            assert slot not in signed_slots
            if last is not None and last.signed_at >= slot - timedelta(hours=1):
                raise AssertionError(f"{slot} open after its signature at {last.signed_at}")
        if last is not None and (state.pending is None or now < state.pending.scheduled_at):
            assert state.current == last.incoming, now
        signed_slots = [
            r.scheduled_at for r in MONTH if r.scheduled_at is not None and r.signed_at <= now
        ]
        assert state.handoff_at > now
        assert state.handoff_at.astimezone(BERLIN).hour == 17
        now += timedelta(hours=1)


def test_names_are_compared_as_people_type_them() -> None:
    # A swap typed as "Chen" is the roster's chen: 16 Oct needs no handoff to herself.
    swap = HandoffRecord(z(2026, 10, 14, 8), "Chen")
    state = rotation(ROSTER, FRIDAY_FIVE_BERLIN, z(2026, 10, 16, 15, 30), swap, ANCHOR)
    assert state.pending is None
    assert (state.current, state.next, state.since) == ("Chen", "alice", z(2026, 10, 14, 8))
