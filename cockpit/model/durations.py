"""Durations as people write them in configs and on the command line: 30s, 5m, 6h, 30d, 1w."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")


def parse_duration(text: str) -> timedelta:
    """Parse ``"1h30m"``, ``"30d"``, ``"500ms"``; a bare number is seconds.

    Raises ValueError with the accepted forms.
    """
    raw = text.strip().lower()
    if not raw:
        raise ValueError("empty duration; write it like 30s, 5m, 6h, 30d or 1w")
    try:
        return _seconds(float(raw), text)
    except ValueError as exc:
        if "too large" in str(exc):
            raise
    pos = 0
    total = 0.0
    for match in _PART.finditer(raw):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(raw) or pos == 0:
        raise ValueError(f"{text!r} is not a duration; write it like 30s, 5m, 6h, 30d or 1w")
    return _seconds(total, text)


def _seconds(value: float, text: str) -> timedelta:
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        raise ValueError(f"{text!r} is not a duration; write it like 30s, 5m, 6h, 30d or 1w")
    try:
        return timedelta(seconds=value)
    except OverflowError:
        raise ValueError(f"{text!r} is too large for a duration") from None


def format_duration(value: timedelta) -> str:
    """Short human form: ``2h05m``, ``45s``, ``3d04h``; negative durations get a minus sign."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d{hours:02d}h"
    if hours:
        return f"{sign}{hours}h{minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m{secs:02d}s"
    return f"{sign}{secs}s"


def promql_duration(value: timedelta) -> str:
    """The largest whole unit PromQL accepts for a range selector: 30d, 6h, 5m, 90s."""
    millis = round(value.total_seconds() * 1000)
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if millis and millis % size == 0:
            return f"{millis // size}{unit}"
    return f"{millis}ms"
