"""MTTA and MTTR by severity, from the milestones.

MTTA: mean of acknowledged_at - detected_at over incidents that were acknowledged.
MTTR: mean of resolved_at - detected_at over incidents that were resolved (a closed
incident keeps its resolved_at). Incidents still open count in ``open`` only.
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


def stats_by_severity(records: Iterable[IncidentRecord]) -> list[SeverityStats]:
    """One row per severity (all four, in order), even when a severity had no incidents."""
    grouped: dict[str, list[IncidentRecord]] = {s: [] for s in SEVERITIES}
    for record in records:
        grouped.setdefault(record.severity, []).append(record)
    rows = []
    for severity, items in grouped.items():
        acks = [r.acknowledged_at - r.detected_at for r in items if r.acknowledged_at]
        fixes = [r.resolved_at - r.detected_at for r in items if r.resolved_at]
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
