"""MTTA and MTTR by severity, from the milestones.

MTTA: mean of acknowledged_at - detected_at over incidents that were acknowledged.
MTTR: mean of resolved_at - detected_at over incidents that were resolved (a closed
incident keeps its resolved_at). Incidents still open count in ``open`` only. The weekly
review uses the same delays (``ack_delays``, ``resolve_delays``) and ``summarize``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from cockpit.model.incident_record import SEVERITIES, IncidentRecord


@dataclass(frozen=True)
class SeverityStats:
    severity: str
    count: int
    open: int
    acknowledged: int
    resolved: int
    mtta: timedelta | None
    mttr: timedelta | None


def _mean(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    return sum(values, timedelta(0)) / len(values)


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def ack_delays(records: Iterable[IncidentRecord]) -> list[timedelta]:
    """acknowledged_at - detected_at of each acknowledged incident (MTTA's inputs)."""
    return [r.acknowledged_at - r.detected_at for r in records if r.acknowledged_at is not None]


def resolve_delays(records: Iterable[IncidentRecord]) -> list[timedelta]:
    """resolved_at - detected_at of each resolved incident (MTTR's inputs)."""
    return [r.resolved_at - r.detected_at for r in records if r.resolved_at is not None]


@dataclass(frozen=True)
class Durations:
    """How many delays, their mean and their median (None when there are none)."""

    count: int
    mean: timedelta | None
    median: timedelta | None


def summarize(values: list[timedelta]) -> Durations:
    return Durations(len(values), _mean(values), _median(values))


def stats_by_severity(records: Iterable[IncidentRecord]) -> list[SeverityStats]:
    """One row per severity (all four, in order), even when a severity had no incidents."""
    grouped: dict[str, list[IncidentRecord]] = {s: [] for s in SEVERITIES}
    for record in records:
        grouped.setdefault(record.severity, []).append(record)
    rows = []
    for severity, items in grouped.items():
        acks = ack_delays(items)
        fixes = resolve_delays(items)
        rows.append(
            SeverityStats(
                severity=severity,
                count=len(items),
                open=sum(1 for r in items if r.is_open),
                acknowledged=len(acks),
                resolved=len(fixes),
                mtta=_mean(acks),
                mttr=_mean(fixes),
            )
        )
    return rows
