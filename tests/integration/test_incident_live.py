"""An incident on the real stack: a demo fault fires an alert, the live alert is promoted
to an incident, acked and resolved, while the timeline records the alert firing and then
resolving on its own; the postmortem report lists them in order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from cockpit.config import load
from cockpit.demo.stack import DemoStack
from cockpit.model.alerts import Alert
from cockpit.model.incident_draft import IncidentDraft, LinkedAlert
from cockpit.services import incidents as service
from cockpit.services import transition_writes
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.incident_report import incident_report
from cockpit.services.timeline_view import incident_timeline
from cockpit.store import open_notebook
from cockpit.store.incidents import require_incident

ALERT = "ReplicationLagHigh"  # only this test sets replication-lag


def draft_from(alert: Alert) -> IncidentDraft:
    """What the alerts pane hands the new-incident form when an alert is promoted."""
    return IncidentDraft(
        title=f"{alert.name}: {alert.summary}",
        severity="Sev2",
        description=alert.summary,
        components=(alert.labels.get("service", ""),),
        detected_at=alert.starts_at,
        alerts=(LinkedAlert(alert.fingerprint, alert.name, dict(alert.labels)),),
    )


async def test_promoted_alert_fires_and_resolves_on_the_incident_timeline(
    stack: DemoStack, faults: Callable[..., str], tmp_path: Path
) -> None:
    assert stack.config_path is not None
    config = load(stack.config_path)
    poller = AlertPoller(config)
    store = open_notebook(tmp_path / "notebook.sqlite3")
    before: tuple[Alert, ...] | None = None

    async def cycle(client: httpx.AsyncClient) -> tuple[Alert, ...]:
        """One poll cycle recorded the way the app does it (transitions -> timeline)."""
        nonlocal before
        snapshot = await poller.poll(client)
        assert snapshot.freshness.error is None, snapshot.freshness.error
        transition_writes.record_alert_changes(store, before, snapshot)
        before = snapshot.alerts
        return snapshot.alerts

    async def until(what: str, check: Callable[[tuple[Alert, ...]], object]) -> object:
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=5) as client:
            while True:
                found = check(await cycle(client))
                if found:
                    return found
                assert time.monotonic() < deadline, f"timed out waiting for {what}"
                await asyncio.sleep(0.5)

    def firing(alerts: tuple[Alert, ...]) -> Alert | None:
        return next((a for a in alerts if a.name == ALERT and a.state == "firing"), None)

    try:
        await until("a quiet start", lambda alerts: firing(alerts) is None)
        faults("replication-lag=45s")
        alert = await until(f"{ALERT} to fire", firing)
        assert isinstance(alert, Alert)

        incident = service.create_from_draft(
            store, draft_from(alert), now=datetime.now(UTC), author="alice"
        )
        service.acknowledge(store, incident.id, at=datetime.now(UTC), responder="alice")
        faults("reset")
        await until(f"{ALERT} to resolve", lambda alerts: firing(alerts) is None)
        service.resolve(
            store, incident.id, "replica caught up after reset", at=datetime.now(UTC),
            author="alice",
        )  # fmt: skip

        record = require_incident(store, incident.id)
        events = incident_timeline(store, record, datetime.now(UTC))
        kinds = [e.kind for e in events]
        fired = kinds.index("alert_fired")
        resolved_alert = kinds.index("alert_resolved")
        assert events[fired].fingerprint == alert.fingerprint
        assert events[resolved_alert].fingerprint == alert.fingerprint
        assert events[fired].source == events[resolved_alert].source == "alertmanager"
        statuses = [(i, e.body.split(":")[0]) for i, e in enumerate(events)
                    if e.kind == "status_change"]  # fmt: skip
        assert [s for _, s in statuses] == ["detected", "acknowledged", "resolved"]
        acked, resolved = statuses[1][0], statuses[2][0]
        # Fired before the ack; resolved on its own before the incident was resolved.
        assert fired < acked < resolved_alert < resolved

        report = incident_report(store, incident.id, now=datetime.now(UTC), zone=UTC)
        timeline = report.split("## Timeline")[1]
        firing_at = timeline.index(f"{ALERT} (critical) firing")
        resolved_at = timeline.index(f"{ALERT} (critical) resolved")
        ack_at = timeline.index("| acknowledged |")
        resolve_at = timeline.index("| resolved: replica caught up")
        assert firing_at < ack_at < resolved_at < resolve_at
    finally:
        store.close()
