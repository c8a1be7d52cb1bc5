"""The weekly handoff (docs/domain.md, Handoff: weekly rotation, handoff Friday 17:00 in the
team's zone)."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def next_handoff(day: str, at: time, zone: tzinfo, now: datetime) -> datetime:
    """The next handoff strictly after ``now``, in ``zone``; wall-clock time, so a
    daylight-saving change does not move it off 17:00."""
    local = now.astimezone(zone)
    days = (WEEKDAYS.index(day) - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days), at, zone)
    if candidate <= local:
        candidate = datetime.combine(candidate.date() + timedelta(days=7), at, zone)
    return candidate
