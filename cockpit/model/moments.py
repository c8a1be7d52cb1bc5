"""A moment in the past as an on-call engineer writes it: ``--at "2026-12-05 03:12"``,
``--at 03:12``, ``--at -2h``, or an ISO time with its offset.

A time without an offset is read in the config's time zone (the one the screen shows).
A time of day alone is the latest such moment that is not in the future (at 09:00,
"03:12" is today's, "23:00" yesterday's). A moment in the future is refused: the past and
now are what was recorded.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, tzinfo

from cockpit.model.durations import parse_duration

FORMS = '"2026-12-05 03:12", "03:12", "-2h" (before now) or an ISO time like 2026-12-05T03:12Z'
_TIME_OF_DAY = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


class MomentError(ValueError):
    """Not a moment the cockpit can show; the message says the forms it takes."""


def parse_moment(text: str, now: datetime, zone: tzinfo) -> datetime:
    """The moment ``text`` names, as an aware datetime; ``now`` is aware."""
    raw = text.strip()
    if not raw:
        raise MomentError(f"no time given; write it like {FORMS}")
    if raw.startswith("-"):
        try:
            back = parse_duration(raw[1:])
        except ValueError:
            raise MomentError(f"{text!r} is not a time; write it like {FORMS}") from None
        return now - back
    if _TIME_OF_DAY.match(raw):
        moment = _today_at(raw, now, zone)
    else:
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise MomentError(f"{text!r} is not a time; write it like {FORMS}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
    if moment > now:
        raise MomentError(
            f"{text!r} is in the future ({moment.astimezone(zone):%Y-%m-%d %H:%M %Z}); "
            "the cockpit shows what was recorded, up to now"
        )
    return moment


def _today_at(raw: str, now: datetime, zone: tzinfo) -> datetime:
    try:
        clock = time.fromisoformat(raw if len(raw.split(":")[0]) == 2 else "0" + raw)
    except ValueError:
        raise MomentError(f"{raw!r} is not a time of day; write it like 03:12") from None
    local_now = now.astimezone(zone)
    moment = datetime.combine(local_now.date(), clock, tzinfo=zone)
    if moment > now:
        moment = datetime.combine(local_now.date() - timedelta(days=1), clock, tzinfo=zone)
    return moment


def utc_iso(moment: datetime) -> str:
    """A moment for JSON: ISO 8601 in UTC with a Z (``2026-12-05T02:12:00Z``)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
