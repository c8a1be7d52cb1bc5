"""The Friday review of one ISO week (Monday 00:00 to Monday 00:00 in the team's zone).

MTTA and MTTR come from each incident's milestones: acknowledged_at and resolved_at
against detected_at, for incidents detected in the week (``model.incident_stats``, the
same delays as ``cockpit incident stats``). Budget consumed per SLO is the
drop in remaining budget between the snapshot in force at the week's start and the last
one of the week (a rolling window also regains budget as old errors age out, so a
negative number means the budget grew).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cockpit.config import Config
from cockpit.model.incident_record import SEVERITIES
from cockpit.model.incident_stats import ack_delays, resolve_delays, summarize
from cockpit.model.weekly_review import BudgetUse, Review
from cockpit.store import Notebook
from cockpit.store.digest_queries import (
    budget_at_or_after,
    incidents_detected,
    missing_postmortems,
    noisiest_alerts,
    open_action_items,
    probe_flaps,
    snapshot_slos,
)

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(text: str) -> tuple[int, int]:
    """``2026-W47`` -> (2026, 47); ValueError says how to write it."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an ISO week; write it like 2026-W47")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {week}") from None
    return year, week


def week_of(moment: datetime, zone: ZoneInfo) -> tuple[int, int]:
    iso = moment.astimezone(zone).isocalendar()
    return iso.year, iso.week


def week_bounds(year: int, week: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    monday = date.fromisocalendar(year, week, 1)
    start = datetime.combine(monday, time(0), zone)
    return start, datetime.combine(monday + timedelta(days=7), time(0), zone)


def build_review(
    store: Notebook, config: Config, now: datetime, week: tuple[int, int] | None = None
) -> Review:
    zone = ZoneInfo(config.oncall.timezone)
    year, number = week or week_of(now, zone)
    start, end = week_bounds(year, number, zone)
    upto = min(end, max(now, start))
    incidents = incidents_detected(store, start, end)
    counts = {s: 0 for s in SEVERITIES}
    for inc in incidents:
        counts[inc.severity] += 1
    mtta = summarize(ack_delays(incidents))
    mttr = summarize(resolve_delays(incidents))
    names = list(dict.fromkeys([s.name for s in config.slos] + snapshot_slos(store)))
    budgets = []
    for name in names:
        first = budget_at_or_after(store, name, start, upto)
        last = budget_at_or_after(store, name, upto, upto)
        budgets.append(
            BudgetUse(
                name,
                first.budget_remaining if first else None,
                # A snapshot from before the week says nothing about the week.
                last.budget_remaining if last and first and last.taken_at >= start else None,
            )
        )
    return Review(
        year=year,
        week=number,
        start=start,
        end=end,
        timezone=config.oncall.timezone,
        generated_at=now,
        incidents=tuple(incidents),
        by_severity=tuple(counts.items()),
        mtta=mtta,
        mttr=mttr,
        budgets=tuple(budgets),
        missing_postmortems=tuple(missing_postmortems(store, end)),
        action_items=tuple(open_action_items(store)),
        noisiest=tuple(noisiest_alerts(store, start, end)),
        probe_flaps=tuple(probe_flaps(store, start, end)),
        clusters=config.clusters,
    )
