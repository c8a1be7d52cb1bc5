"""Write the transitions of each poll cycle into the notebook as timeline events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.probes import ProbeState
from cockpit.model.snapshots import AlertSnapshot, ProbeSnapshot, SloSnapshot
from cockpit.services.transitions import (
    BurnBaseline,
    alert_transitions,
    burn_transitions,
    probe_transitions,
)
from cockpit.store import Notebook
from cockpit.store.events import record_events
from cockpit.store.slo_snapshots import BudgetSnapshot, latest_taken_at, record_snapshots


def record_alert_changes(
    store: Notebook, before: Sequence[Alert] | None, snapshot: AlertSnapshot
) -> int:
    """Record fired/resolved alerts; returns how many events were written."""
    events = alert_transitions(before, snapshot.alerts, datetime.now(UTC))
    if events:
        record_events(store, events)
    return len(events)


def record_burn_changes(store: Notebook, before: BurnBaseline, snapshot: SloSnapshot) -> int:
    """Record burn rows that started or stopped firing; returns how many events were written.
    Call it with successful SLO cycles only (a failed one is no news about the burn)."""
    events = burn_transitions(before, snapshot, datetime.now(UTC))
    if events:
        record_events(store, events)
    return len(events)


SNAPSHOT_EVERY = timedelta(minutes=5)


def record_budget_snapshots(store: Notebook, snapshot: SloSnapshot, now: datetime) -> bool:
    """Every few minutes, the budget of each SLO with data; returns whether it wrote."""
    last = latest_taken_at(store)
    if last is not None and now - last < SNAPSHOT_EVERY:
        return False
    rows = [
        BudgetSnapshot(s.slo.name, now, s.budget.sli, s.budget.remaining, s.burn_1h)
        for s in snapshot.slos
        if s.budget.sli is not None and s.error is None
    ]
    if rows:
        record_snapshots(store, rows)
    return bool(rows)


def record_probe_changes(
    store: Notebook, before: Mapping[str, ProbeState], snapshot: ProbeSnapshot, config: Config
) -> int:
    components = {p.name: p.component for p in config.probes}
    events = probe_transitions(dict(before), snapshot.probes, datetime.now(UTC), components)
    if events:
        record_events(store, events)
    return len(events)
