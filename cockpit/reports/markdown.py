"""Markdown that pastes cleanly into GitHub, Slack and a wiki, and JSON-ready data.

Only what all three render alike: headings, ``-`` bullets and inline code. No tables
(Slack shows them as pipes), no HTML, no emphasis (Slack and GitHub disagree on ``*``).
Names that come from outside (alert names, labels, ids) go in code spans, so their
``*``, ``_`` or ``|`` are never read as formatting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from cockpit.model.durations import format_duration


def code(text: str) -> str:
    return "`" + text.replace("`", "'").replace("\n", " ") + "`"


def plain(text: str) -> str:
    """One line of outside text, outside any formatting that could swallow the rest."""
    return " ".join(text.replace("`", "'").split())


def when(value: datetime | None, zone: tzinfo) -> str:
    return "—" if value is None else f"{value.astimezone(zone):%a %Y-%m-%d %H:%M %Z}"


def clock(value: datetime | None, zone: tzinfo) -> str:
    return "—" if value is None else f"{value.astimezone(zone):%a %H:%M}"


def span(delta: timedelta | None) -> str:
    return "—" if delta is None else format_duration(delta)


def labels(values: Mapping[str, str], skip: tuple[str, ...] = ("alertname", "severity")) -> str:
    parts = [f"{k}={v}" for k, v in sorted(values.items()) if k not in skip]
    return code(" ".join(parts)) if parts else ""


def pct(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value * 100:+.1f} pts" if signed else f"{value * 100:.1f}%"


def free_text(text: str, empty: str) -> list[str]:
    """The user's own Markdown, kept as written; an empty section says so."""
    body = text.strip()
    return [body] if body else [f"({empty})"]


def times(n: int, unit: str = "time") -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for extra in ("still_open", "change", "consumed", "is_ack", "label"):
            if hasattr(type(value), extra) and isinstance(getattr(type(value), extra), property):
                data[extra] = to_jsonable(getattr(value, extra))
        return data
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
