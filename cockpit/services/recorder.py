"""Write the transitions of each poll cycle into the notebook as timeline events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.probes import ProbeState
from cockpit.services.snapshots import AlertSnapshot, ProbeSnapshot
from cockpit.services.transitions import alert_transitions, probe_transitions
from cockpit.store import Store
from cockpit.store.events import record_events


def record_alert_changes(
    store: Store, before: Sequence[Alert] | None, snapshot: AlertSnapshot
) -> int:
    """Record fired/resolved alerts; returns how many events were written."""
    events = alert_transitions(before, snapshot.alerts, datetime.now(UTC))
    if events:
        record_events(store, events)
    return len(events)


def record_probe_changes(
    store: Store, before: Mapping[str, ProbeState], snapshot: ProbeSnapshot, config: Config
) -> int:
    components = {p.name: p.component for p in config.probes}
    events = probe_transitions(dict(before), snapshot.probes, datetime.now(UTC), components)
    if events:
        record_events(store, events)
    return len(events)
