"""Who is on call: a weekly rotation through the roster, turning at each handoff.

The rotation is anchored at one handoff: the first scheduled handoff on or after
``rotation_start`` (a calendar date in the team's zone), where ``roster[0]`` takes over.
Each later handoff moves one place down the roster. Without a configured start the anchor
is the first handoff on or after ``DEFAULT_ROTATION_START``, so every cockpit of the team
agrees without configuration. Weeks are counted on local calendar dates, never in 168-hour
steps, so a daylight-saving change cannot shift the turn off the handoff time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from cockpit.model.handoff import WEEKDAYS, next_handoff

DEFAULT_ROTATION_START = date(2024, 1, 1)
REMIND_BEFORE = timedelta(hours=1)
# How long after the scheduled time the "handoff now" badge stays up.
DUE_FOR = timedelta(hours=1)
HALF_WEEK = timedelta(days=3, hours=12)


@dataclass(frozen=True)
class Schedule:
    """When the weekly handoff happens, in the team's zone."""

    day: str
    at: time
    zone: tzinfo

    def next_after(self, now: datetime) -> datetime:
        return next_handoff(self.day, self.at, self.zone, now)

    def previous_at_or_before(self, now: datetime) -> datetime:
        """The latest scheduled handoff at or before ``now`` (wall clock, DST-correct)."""
        following = self.next_after(now)
        candidate = datetime.combine(following.date() - timedelta(days=7), self.at, self.zone)
        return candidate

    def first_on_or_after(self, day: date) -> datetime:
        offset = (WEEKDAYS.index(self.day) - day.weekday()) % 7
        return datetime.combine(day + timedelta(days=offset), self.at, self.zone)


@dataclass(frozen=True)
class OnCallNow:
    current: str | None  # None: no roster configured
    next: str | None
    handoff_at: datetime  # the next scheduled handoff, in the team's zone
    since: datetime  # the scheduled handoff that started the current week

    def until_handoff(self, now: datetime) -> timedelta:
        return self.handoff_at - now


def weeks_since_anchor(schedule: Schedule, anchor: date, moment: datetime) -> int:
    """How many handoffs have happened since the anchor handoff, counting it as 0.
    Negative before the anchor."""
    first = schedule.first_on_or_after(anchor)
    last = schedule.previous_at_or_before(moment)
    return (last.date() - first.date()).days // 7


def on_call(
    roster: Sequence[str], schedule: Schedule, now: datetime, anchor: date | None = None
) -> OnCallNow:
    since = schedule.previous_at_or_before(now)
    handoff_at = schedule.next_after(now)
    if not roster:
        return OnCallNow(None, None, handoff_at, since)
    week = weeks_since_anchor(schedule, anchor or DEFAULT_ROTATION_START, now)
    return OnCallNow(
        roster[week % len(roster)], roster[(week + 1) % len(roster)], handoff_at, since
    )


@dataclass(frozen=True)
class Reminder:
    kind: str  # "soon" (within an hour) or "due" (the handoff time has come)
    handoff_at: datetime  # which handoff, so a reminder is shown once per handoff

    def badge(self, now: datetime) -> str:
        if self.kind == "due":
            return "HANDOFF NOW"
        minutes = max(1, int((self.handoff_at - now).total_seconds() + 59) // 60)
        return f"HANDOFF IN {minutes}m"


def reminder(
    schedule: Schedule, now: datetime, *, signed_since: datetime | None = None
) -> Reminder | None:
    """An hour before a handoff: "soon"; from the handoff time for ``DUE_FOR``: "due".
    Nothing when that handoff is already signed: a signature counts for the scheduled
    handoff nearest to it, so one within half a week of it."""
    upcoming = schedule.next_after(now)
    last = schedule.previous_at_or_before(now)
    found = None
    if upcoming - now <= REMIND_BEFORE:
        found = Reminder("soon", upcoming)
    elif now - last < DUE_FOR:
        found = Reminder("due", last)
    if found is None:
        return None
    if signed_since is not None and abs(signed_since - found.handoff_at) <= HALF_WEEK:
        return None
    return found


def format_until(delta: timedelta) -> str:
    """``2d 3h``, ``3h 05m``, ``42m``: how long until the handoff."""
    minutes = max(0, int(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m"
