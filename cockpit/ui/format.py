"""Small text formatters shared by panes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from cockpit.model.durations import format_duration


def percent(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def age(since: datetime | None, now: datetime) -> str:
    return "—" if since is None else format_duration(now - since)


def label_summary(
    labels: Mapping[str, str], skip: tuple[str, ...] = ("alertname", "severity")
) -> str:
    """The labels that tell alerts of one name apart, shortest first."""
    parts = [f"{k}={v}" for k, v in sorted(labels.items()) if k not in skip]
    return " ".join(sorted(parts, key=len))
