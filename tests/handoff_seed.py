"""A notebook with one of everything a shift digest and a weekly review show.

The shift: from Fri 13 Nov 2026 16:05Z (last signed handoff) to Fri 20 Nov 15:30Z (now),
team zone Europe/Berlin.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from cockpit.model.alerts import Alert
from cockpit.model.matchers import Matcher, exact
from cockpit.model.silences import Silence
from cockpit.model.timeline import TimelineEvent
from cockpit.services.handoff_live import LiveState
from cockpit.store import Notebook
from cockpit.store.events import record_events
from cockpit.store.incidents import create_incident
from cockpit.store.notebook import to_db_time
from cockpit.store.slo_snapshots import BudgetSnapshot, record_snapshots
from cockpit.store.sql import Connection

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
LAST_SIGNED = datetime(2026, 11, 13, 16, 5, tzinfo=UTC)
T = NOW - timedelta(days=3)
H, M = timedelta(hours=1), timedelta(minutes=1)  # Tue 17 Nov 15:30Z: most of the shift's events

ERR_LABELS = {"alertname": "HighErrorRate", "severity": "critical", "service": "api"}
LAT_LABELS = {"alertname": "HighLatency", "severity": "warning", "service": "api"}
DISK_LABELS = {"alertname": "DiskFull", "severity": "critical", "instance": "db-1"}


def t(x: datetime) -> str:
    return to_db_time(x)


def _exec(conn: Connection, sql: str, *params: object) -> None:
    conn.execute(sql, params)


def _insert(conn: Connection, sql: str, *params: object) -> int:
    """An INSERT that gives back the new row's id (RETURNING works on both backends)."""
    return int(conn.execute(sql + " RETURNING id", params).fetchone()[0])


def seed_last_signed(store: Notebook, outgoing: str = "chen", incoming: str = "alice") -> None:
    """Last week's handoff, signed five minutes after its time (Fri 13 Nov 17:00 Berlin)."""
    with store.transaction() as conn:
        _exec(
            conn,
            "INSERT INTO handoffs (outgoing, incoming, shift_start, shift_end, created_at,"
            " signed_at, signed_by, digest, scheduled_at) VALUES (?, ?, ?, ?, ?, ?, ?, '# old', ?)",
            outgoing, incoming, t(LAST_SIGNED - timedelta(days=7)), t(LAST_SIGNED),
            t(LAST_SIGNED), t(LAST_SIGNED), incoming, t(LAST_SIGNED - timedelta(minutes=5)),
        )  # fmt: skip


def seed_shift(store: Notebook) -> dict[str, str]:
    """Every digest section gets something; returns the incident ids."""
    fired, resolved = T, T + timedelta(minutes=20)
    before = LAST_SIGNED - timedelta(days=1)
    record_events(
        store,
        [
            # Fired and resolved in the shift, acked in between.
            TimelineEvent("alert_fired", fired, "alertmanager", "HighErrorRate",
                          labels=ERR_LABELS, fingerprint="fp-err"),
            TimelineEvent("alert_resolved", resolved, "alertmanager", "HighErrorRate",
                          labels=ERR_LABELS, fingerprint="fp-err"),
            # Fired in the shift and still firing (acked, live below).
            TimelineEvent("alert_fired", T + timedelta(hours=30), "alertmanager", "HighLatency",
                          labels=LAT_LABELS, fingerprint="fp-lat"),
            # Resolved before the shift: not in the digest.
            TimelineEvent("alert_resolved", before, "alertmanager", "OldAlert",
                          labels={"alertname": "OldAlert"}, fingerprint="fp-old"),
            # A probe flapping twice, and one that went down and stays down.
            TimelineEvent("probe_down", T + timedelta(hours=1), "probe", "ready", component="api"),
            TimelineEvent("probe_up", T + timedelta(hours=2), "probe", "ready", component="api"),
            TimelineEvent("probe_down", T + timedelta(hours=3), "probe", "ready", component="api"),
            TimelineEvent("probe_up", T + timedelta(hours=4), "probe", "ready", component="api"),
            TimelineEvent("probe_down", T + H * 5, "probe", "redis", component="cache"),
        ],
    )  # fmt: skip
    closed = create_incident(
        store, title="Checkout 5xx spike", severity="Sev2",
        detected_at=fired + timedelta(minutes=2), components=["api"], author="alice",
    )  # fmt: skip
    still_open = create_incident(
        store, title="Replica lag on db-2", severity="Sev3", detected_at=before,
        author="chen",
    )  # fmt: skip
    with store.transaction() as conn:
        _exec(
            conn,
            "INSERT INTO acks (fingerprint, alertname, labels, silence_id, created_by, created_at,"
            " expires_at) VALUES ('fp-err', 'HighErrorRate', ?, 's-ack-1', 'alice', ?, ?)",
            json.dumps(ERR_LABELS), t(fired + timedelta(minutes=3)), t(fired + timedelta(hours=2)),
        )  # fmt: skip
        _exec(
            conn,
            "INSERT INTO acks (fingerprint, alertname, labels, silence_id, created_by, created_at,"
            " expires_at) VALUES ('fp-lat', 'HighLatency', ?, 's-ack-2', 'alice', ?, ?)",
            json.dumps(LAT_LABELS), t(NOW - timedelta(minutes=45)), t(NOW + timedelta(hours=3)),
        )  # fmt: skip
        _exec(
            conn,
            "UPDATE incidents SET status = 'resolved', acknowledged_at = ?, resolved_at = ?,"
            " responder = 'alice' WHERE id = ?",
            t(fired + timedelta(minutes=7)), t(resolved + timedelta(minutes=2)), closed.id,
        )  # fmt: skip
        _exec(conn, "UPDATE incidents SET status = 'investigating', acknowledged_at = ?"
              " WHERE id = ?", t(before + timedelta(minutes=30)), still_open.id)  # fmt: skip
        for when, kind, body, author, inc in (
            (fired + timedelta(minutes=7), "status_change", "acknowledged", "alice", closed.id),
            (resolved + M * 2, "status_change", "resolved: rolled back", "alice", closed.id),
            (T + H * 6, "update", "Lag down to 12 s after vacuum", "alice", still_open.id),
        ):  # fmt: skip
            _exec(
                conn,
                "INSERT INTO timeline_events (occurred_at, recorded_at, kind, source, author,"
                " incident_id, subject, body) VALUES (?, ?, ?, 'user', ?, ?, ?, ?)",
                t(when), t(when), kind, author, inc, inc, body,
            )  # fmt: skip
        run = _insert(
            conn,
            "INSERT INTO runbook_runs (runbook, incident_id, started_by, started_at, finished_at,"
            " status) VALUES ('high-error-rate', ?, 'alice', ?, ?, 'done')",
            closed.id, t(fired + timedelta(minutes=5)), t(fired + timedelta(minutes=15)),
        )  # fmt: skip
        for index, outcome in enumerate(("done", "done", "skipped")):
            _exec(
                conn,
                "INSERT INTO runbook_steps (run_id, step_index, title, outcome, who, at)"
                " VALUES (?, ?, ?, ?, 'alice', ?)",
                run, index, f"step {index + 1}", outcome, t(fired + timedelta(minutes=6 + index)),
            )  # fmt: skip
        _exec(
            conn,
            "INSERT INTO action_items (incident_id, what, owner, due_date, created_at)"
            " VALUES (?, 'Alert on rollout error rate', 'bob', '2026-11-27', ?)",
            closed.id, t(NOW),
        )  # fmt: skip
        _exec(
            conn,
            "INSERT INTO action_items (incident_id, what, owner, due_date, created_at, done,"
            " done_at) VALUES (?, 'Already done item', 'bob', '2026-11-19', ?, 1, ?)",
            closed.id, t(NOW), t(NOW),
        )  # fmt: skip
    record_snapshots(
        store,
        [
            BudgetSnapshot("api-availability", LAST_SIGNED - M * 3, 0.9995, 0.80, 0.5),
            BudgetSnapshot("api-availability", NOW - timedelta(minutes=2), 0.9993, 0.62, 1.2),
            BudgetSnapshot("api-latency", NOW - timedelta(minutes=2), 0.97, 0.55, 0.1),
        ],
    )  # fmt: skip
    return {"closed": closed.id, "open": still_open.id}


def live() -> LiveState:
    alerts = (
        Alert("HighLatency", LAT_LABELS, {"summary": "p95 above 1 s"}, "silenced",
              T + timedelta(hours=30), "fp-lat", silenced_by=("s-ack-2",)),
        Alert("DiskFull", DISK_LABELS, {"summary": "disk 97 % full"}, "firing",
              NOW - timedelta(hours=2), "fp-disk"),
        Alert("CpuHigh", {"alertname": "CpuHigh", "severity": "warning"}, {}, "pending",
              NOW - timedelta(minutes=1)),
    )  # fmt: skip
    silences = (
        Silence("s-ack-2", exact(LAT_LABELS), NOW - timedelta(minutes=45),
                NOW + timedelta(hours=3), "alice", "ACK! looking at latency"),
        Silence("s-maint", (Matcher("instance", "=", "db-2"),), NOW - timedelta(days=1),
                NOW + timedelta(days=2), "bob", "db-2 maintenance"),
        Silence("s-old", (Matcher("job", "=", "batch"),), LAST_SIGNED - timedelta(days=2),
                NOW + timedelta(hours=20), "chen", "old and long"),
        Silence("s-soon", (Matcher("service", "=", "web"),), LAST_SIGNED - timedelta(days=1),
                NOW + timedelta(hours=5), "chen", "deploy window"),
    )  # fmt: skip
    return LiveState(alerts, None, silences, None)
