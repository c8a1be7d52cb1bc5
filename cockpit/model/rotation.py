"""Who is on call: a weekly rotation through the roster, turning at each handoff.

The rotation is anchored at one handoff: the first scheduled handoff on or after
``rotation_start`` (a calendar date in the team's zone), where ``roster[0]`` takes over.
Each later handoff moves one place down the roster. Without a configured start the anchor
is the first handoff on or after ``DEFAULT_ROTATION_START``, so every cockpit of the team
agrees without configuration. Weeks are counted on local calendar dates, never in 168-hour
steps, so a daylight-saving change cannot shift the turn off the handoff time.

The roster is the plan; the notebook's signatures say what happened. ``rotation()`` is the
one rule every view uses (header, handoff screen, digest, CLI): who is on call now, who is
next, and which scheduled handoff is open for signature. Exactly one signature closes a
scheduled handoff; handing over at any other time is a swap, recorded as such.
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


def weeks_since_anchor(schedule: Schedule, anchor: date, moment: datetime) -> int:
    """How many handoffs have happened since the anchor handoff, counting it as 0.
    Negative before the anchor."""
    first = schedule.first_on_or_after(anchor)
    last = schedule.previous_at_or_before(moment)
    return (last.date() - first.date()).days // 7


@dataclass(frozen=True)
class Reminder:
    kind: str  # "soon" (within an hour), "due" (its time has come), "late" (an hour past)
    handoff_at: datetime  # which handoff, so a reminder is shown once per handoff

    def badge(self, now: datetime) -> str:
        if self.kind == "due":
            return "HANDOFF NOW"
        if self.kind == "late":
            return f"handoff of {self.handoff_at:%a %H:%M} not signed, late"
        minutes = max(1, int((self.handoff_at - now).total_seconds() + 59) // 60)
        return f"HANDOFF IN {minutes}m"


def reminder(state: Rotation, now: datetime) -> Reminder | None:
    """The open handoff, if any: "soon" in the hour before it, "due" from its time for
    ``DUE_FOR``, "late" after that until it is signed."""
    pending = state.pending
    if pending is None:
        return None
    if now < pending.scheduled_at:
        return Reminder("soon", pending.scheduled_at)
    if now - pending.scheduled_at < DUE_FOR:
        return Reminder("due", pending.scheduled_at)
    return Reminder("late", pending.scheduled_at)


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


# --- the rotation rule: the schedule, corrected by what the notebook holds as signed -----

# A scheduled handoff may be signed from an hour before its time (the reminder is up then);
# earlier is a swap. A signature more than an hour after its time is marked late.
SIGN_EARLY = REMIND_BEFORE
LATE_AFTER = DUE_FOR


@dataclass(frozen=True)
class HandoffRecord:
    """A signed handoff as the rule needs it: who took over, when, for which scheduled
    handoff (None: a swap between two scheduled handoffs, or a row older than 0007)."""

    signed_at: datetime
    incoming: str
    scheduled_at: datetime | None = None

    @property
    def took_over_at(self) -> datetime:
        """Late signatures count from the scheduled time (the schedule had turned)."""
        if self.scheduled_at is None:
            return self.signed_at
        return min(self.signed_at, self.scheduled_at)


@dataclass(frozen=True)
class PendingHandoff:
    """The scheduled handoff open for signature: the latest scheduled time (or the one
    due within the hour) with no signature yet."""

    scheduled_at: datetime
    outgoing: str | None
    incoming: str | None
    shift_start: datetime  # where the outgoing engineer's shift began

    def late(self, now: datetime) -> bool:
        return is_late(self.scheduled_at, now)


@dataclass(frozen=True)
class Rotation:
    current: str | None  # on call now; None without a roster and without a signature
    next: str | None  # who takes over at ``handoff_at``
    handoff_at: datetime  # the next scheduled handoff after now that changes hands
    since: datetime  # when the current engineer's shift began
    pending: PendingHandoff | None
    closed: HandoffRecord | None  # the signature that closed the latest scheduled handoff


def is_late(scheduled_at: datetime, signed_at: datetime) -> bool:
    return signed_at - scheduled_at > LATE_AFTER


def rostered(
    roster: Sequence[str], schedule: Schedule, slot: datetime, anchor: date | None = None
) -> str | None:
    """Who the roster names to take over at the scheduled handoff ``slot``."""
    if not roster:
        return None
    week = weeks_since_anchor(schedule, anchor or DEFAULT_ROTATION_START, slot)
    return roster[week % len(roster)]


def _same(name: str | None, other: str | None) -> bool:
    """Names as people type them: ``Sam`` and ``sam`` are one engineer."""
    return name is not None and other is not None and name.casefold() == other.casefold()


def _week_before(schedule: Schedule, slot: datetime) -> datetime:
    local = slot.astimezone(schedule.zone)
    return datetime.combine(local.date() - timedelta(days=7), schedule.at, schedule.zone)


def rotation(
    roster: Sequence[str],
    schedule: Schedule,
    now: datetime,
    last: HandoffRecord | None,
    anchor: date | None = None,
) -> Rotation:
    """The one rule behind the header, the handoff screen, the digest and the CLI.

    ``last`` is the latest signed handoff at or before ``now``. The scheduled handoff in
    question is the latest one that may be signed by now (from ``SIGN_EARLY`` before its
    time). A signature since then closes it; otherwise it is open when it changes hands,
    and stays open (late) until signed or until a later scheduled handoff replaces it.
    From the scheduled time the roster's incoming engineer is on call even unsigned (that
    is who gets paged); a signature or a swap names who is on call from then on.
    """
    slot = schedule.previous_at_or_before(now + SIGN_EARLY)
    before_slot = _week_before(schedule, slot)
    closed = last if last is not None and last.signed_at >= slot - SIGN_EARLY else None
    outgoing: str | None
    current: str | None
    outgoing = rostered(roster, schedule, before_slot, anchor)
    outgoing_since = before_slot
    if last is not None and closed is None:
        if last.signed_at >= before_slot - SIGN_EARLY:
            outgoing, outgoing_since = last.incoming, last.took_over_at
        elif (
            _same(last.incoming, outgoing)
            and last.signed_at >= _week_before(schedule, before_slot) - SIGN_EARLY
        ):
            # Taken over early (a swap) by whom the roster named next: one longer shift.
            outgoing_since = last.took_over_at
    incoming = rostered(roster, schedule, slot, anchor)
    pending = None
    if closed is None and (incoming is None or not _same(incoming, outgoing)):
        pending = PendingHandoff(slot, outgoing, incoming, outgoing_since)
    if closed is not None:
        current, since = closed.incoming, closed.took_over_at
    elif pending is not None and now >= slot:
        current, since = incoming, slot
    else:
        current, since = outgoing, outgoing_since
    if pending is not None and now < slot:
        return Rotation(current, incoming, slot, since, pending, closed)
    following = schedule.next_after(max(now, slot))
    for _ in range(len(roster) + 1):
        name = rostered(roster, schedule, following, anchor)
        if name is None or not _same(name, current):
            return Rotation(current, name, following, since, pending, closed)
        following = schedule.next_after(following)
    # A roster of one: nobody else ever takes over.
    return Rotation(current, None, schedule.next_after(max(now, slot)), since, pending, closed)
