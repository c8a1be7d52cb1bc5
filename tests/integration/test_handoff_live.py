"""A shift on the real stack: a fault fires, is acked (a real Alertmanager silence plus
the ack row), resolves; an incident opens and closes; a runbook runs. The handoff digest
and the weekly review then name each of them once, attributed to the right people.

The alert transitions are written the way the cockpit writes them: the alert poll cycle
against the live Alertmanager, compared by the recorder, into the notebook. Acks,
incidents and runbook runs are written as rows (their features live on other branches).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import httpx

from cockpit.config import Config, load
from cockpit.demo.stack import DemoStack
from cockpit.model.alerts import Alert
from cockpit.reports.handoff import render_markdown
from cockpit.reports.review import render_markdown as render_review
from cockpit.services import transition_writes
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.handoff_digest import build_digest
from cockpit.services.handoff_live import LiveState, fetch_live_blocking
from cockpit.services.handoff_sign import sign_current
from cockpit.services.shift import ensure_draft, sign_off
from cockpit.services.weekly_review import build_review
from cockpit.store import open_notebook
from cockpit.store.incidents import create_incident
from cockpit.store.notebook import to_db_time

from .conftest import wait_for

T = TypeVar("T")
ALERT = "ReplicationLagHigh"  # a gauge with no rate window: fires and resolves promptly


def _run(factory: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    async def go() -> T:
        async with httpx.AsyncClient() as client:
            return await factory(client)

    return asyncio.run(go())


def _utc(moment: datetime) -> str:
    return to_db_time(moment)


def test_a_shift_on_the_real_stack_lands_in_the_digest_and_review_once(
    stack: DemoStack, faults: Callable[..., str], tmp_path: Path
) -> None:
    assert stack.config_path is not None and stack.alertmanager_url is not None
    config: Config = load(stack.config_path)
    me = config.oncall.me
    store = open_notebook(tmp_path / "notebook.db")
    # A fresh notebook has the latest scheduled handoff open (maybe days late): sign it,
    # so what follows is the current shift's.
    sign_current(store, config, by=str(ensure_draft(store, config, datetime.now(UTC)).incoming),
                 live=LiveState(), now=datetime.now(UTC))  # fmt: skip
    poller = AlertPoller(config)
    seen: list[tuple[Alert, ...] | None] = [None]

    def cycle() -> tuple[Alert, ...]:
        """One poll cycle, recorded as the app records it."""
        snapshot = _run(poller.poll)
        assert snapshot.freshness.error is None, snapshot.freshness.error
        transition_writes.record_alert_changes(store, seen[0], snapshot)
        seen[0] = snapshot.alerts
        return snapshot.alerts

    def ours(alerts: tuple[Alert, ...]) -> list[Alert]:
        return [a for a in alerts if a.name == ALERT]

    wait_for(f"{ALERT} not firing before the shift's fault", lambda: not ours(cycle()))
    faults("replication-lag=45s")
    alert = wait_for(
        f"{ALERT} firing", lambda: next((a for a in ours(cycle()) if a.state == "firing"), None)
    )
    fired_at = datetime.now(UTC)

    # The ack: a short silence marked as an ack (the karma convention) and the ack row.
    body = {
        "matchers": [{"name": "alertname", "value": ALERT, "isRegex": False, "isEqual": True}],
        "startsAt": fired_at.isoformat(),
        "endsAt": (fired_at + timedelta(hours=1)).isoformat(),
        "createdBy": me,
        "comment": f"ACK! {me} is looking at the replica",
    }
    response = httpx.post(f"{stack.alertmanager_url}/api/v2/silences", json=body, timeout=5)
    response.raise_for_status()
    silence_id = response.json()["silenceID"]
    try:
        acked_at = datetime.now(UTC)
        incident = create_incident(
            store, title="Replica lag on the demo database", severity="Sev2",
            detected_at=fired_at, components=["database"], author=me,
        )  # fmt: skip
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO acks (fingerprint, alertname, labels, silence_id, created_by,"
                " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (alert.fingerprint, ALERT, json.dumps(dict(alert.labels)), silence_id, me,
                 _utc(acked_at), _utc(acked_at + timedelta(hours=1))),
            )  # fmt: skip
            conn.execute(
                "UPDATE incidents SET status = 'acknowledged', acknowledged_at = ?,"
                " responder = ? WHERE id = ?",
                (_utc(acked_at), me, incident.id),
            )
            run = conn.execute(
                "INSERT INTO runbook_runs (runbook, incident_id, started_by, started_at, status)"
                " VALUES ('database-outage', ?, ?, ?, 'running') RETURNING id",
                (incident.id, me, _utc(acked_at)),
            ).fetchone()[0]
            for index, title in enumerate(("Check replication status", "Restart the replica")):
                conn.execute(
                    "INSERT INTO runbook_steps (run_id, step_index, title, outcome, who, at)"
                    " VALUES (?, ?, ?, 'done', ?, ?)",
                    (run, index, title, me, _utc(acked_at)),
                )
        silenced = wait_for(
            f"{ALERT} silenced by the ack",
            lambda: next((a for a in ours(cycle()) if a.state == "silenced"), None),
        )
        assert silenced.silenced_by == (silence_id,)

        faults("reset")
        wait_for(f"{ALERT} resolved", lambda: not ours(cycle()))
        resolved_at = datetime.now(UTC)
        with store.transaction() as conn:
            conn.execute(
                "UPDATE runbook_runs SET status = 'done', finished_at = ? WHERE id = ?",
                (_utc(resolved_at), run),
            )
            conn.execute(
                "UPDATE incidents SET status = 'closed', resolved_at = ?, closed_at = ?"
                " WHERE id = ?",
                (_utc(resolved_at), _utc(resolved_at), incident.id),
            )

        now = datetime.now(UTC)
        draft = ensure_draft(store, config, now)
        live = fetch_live_blocking(config)
        digest = build_digest(store, config, draft, live, now)
    finally:
        httpx.delete(f"{stack.alertmanager_url}/api/v2/silence/{silence_id}", timeout=5)

    # The digest: the alert resolved once, acked by me; nothing of ours still firing or acked.
    assert [(r.name, r.acked_by) for r in digest.resolved if r.name == ALERT] == [(ALERT, (me,))]
    assert digest.firing_unacked is not None
    assert all(a.name != ALERT for a in digest.firing_unacked)
    assert all(a.name != ALERT for a in digest.acked)
    assert digest.silences_created is not None
    assert [s.id for s in digest.silences_created if s.id == silence_id] == [silence_id]
    assert [
        (i.id, i.opened_in_shift, i.closed_in_shift, i.responder) for i in digest.incidents
    ] == [(incident.id, True, True, me)]
    assert [
        (r.runbook, r.incident_id, r.started_by, r.steps_done) for r in digest.runbook_runs
    ] == [("database-outage", incident.id, me, 2)]
    text = render_markdown(digest)
    for needle in (f"`{ALERT}`", "`database-outage`"):
        assert text.count(needle) == 1, needle
    assert f"acked by {me}" in text
    assert draft.incoming is not None and draft.incoming != draft.outgoing
    signed = sign_off(store, draft, by=draft.incoming, now=now, digest=text)
    assert signed.signed_by == draft.incoming

    # The weekly review of this week: the incident once by severity, MTTA and MTTR from its
    # milestones, the alert counted once among the noisiest, the postmortem still owed.
    review = build_review(store, config, now)
    assert [i.id for i in review.incidents] == [incident.id]
    assert dict(review.by_severity)["Sev2"] == 1
    assert review.mtta.count == 1 and review.mtta.mean is not None
    assert abs((review.mtta.mean - (acked_at - fired_at)).total_seconds()) < 0.01
    assert review.mttr.count == 1 and review.mttr.mean is not None
    assert abs((review.mttr.mean - (resolved_at - fired_at)).total_seconds()) < 0.01
    assert [(n.name, n.fired, n.cluster) for n in review.noisiest] == [(ALERT, 1, "default")]
    assert [i.id for i in review.missing_postmortems] == [incident.id]
    report = render_review(review)
    assert f"`{ALERT}`: fired 1 time" in report
    store.close()
