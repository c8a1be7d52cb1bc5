"""Read-only queries behind the handoff digest and the weekly review.

Everything here reads tables other features write (incidents, runbook runs, timeline
events, SLO snapshots); nothing writes. Acks are read through ``store.acks``, incidents
through ``store.incidents``' one SELECT and row reader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from cockpit.model.action_items import ActionItem
from cockpit.model.incident_lifecycle import POSTMORTEM_REQUIRED, postmortem_due
from cockpit.model.incident_record import FINISHED_STATUSES, IncidentRecord
from cockpit.model.shift_history import (
    LastUpdate,
    NoisyAlert,
    ProbeFlaps,
    ResolvedAlert,
    RunbookRun,
)
from cockpit.store.incident_notes import STATUS_UPDATE_KINDS
from cockpit.store.incidents import INCIDENT_SELECT, incidents_detected_since, row_to_record
from cockpit.store.notebook import Notebook, from_db_time, to_db_time


def _opt(value: str | None) -> datetime | None:
    return None if value is None else from_db_time(value)


def resolved_alerts(store: Notebook, start: datetime, end: datetime) -> list[ResolvedAlert]:
    """alert_resolved events in [start, end), each with the alert_fired event before it
    (same fingerprint, or the same labels when the fingerprint is unknown; in the same
    cluster, when both events know theirs)."""
    rows = store.connection.execute(
        "SELECT r.subject, r.labels, r.fingerprint, r.occurred_at, r.cluster,"
        " (SELECT max(f.occurred_at) FROM timeline_events f WHERE f.kind = 'alert_fired'"
        "   AND f.occurred_at <= r.occurred_at AND ((r.fingerprint IS NOT NULL"
        "   AND f.fingerprint = r.fingerprint) OR (r.fingerprint IS NULL"
        "   AND f.labels = r.labels))"
        "   AND (f.cluster IS NULL OR r.cluster IS NULL OR f.cluster = r.cluster)) AS fired_at"
        " FROM timeline_events r WHERE r.kind = 'alert_resolved'"
        " AND r.occurred_at >= ? AND r.occurred_at < ? ORDER BY r.occurred_at, r.id",
        (to_db_time(start), to_db_time(end)),
    )
    return [
        ResolvedAlert(
            r["subject"],
            json.loads(r["labels"]),
            r["fingerprint"],
            _opt(r["fired_at"]),
            from_db_time(r["occurred_at"]),
            cluster=r["cluster"] or "",
        )
        for r in rows
    ]


def incidents_touching(store: Notebook, start: datetime, end: datetime) -> list[IncidentRecord]:
    """Incidents open at any moment of [start, end): detected before ``end`` and not
    finished before ``start``. Most severe first, then oldest."""
    finished = sorted(FINISHED_STATUSES)
    marks = ", ".join("?" for _ in finished)
    rows = store.connection.execute(
        f"{INCIDENT_SELECT} WHERE i.detected_at < ? AND (i.status NOT IN ({marks})"
        " OR coalesce(i.resolved_at, i.closed_at, i.updated_at) >= ?)"
        " ORDER BY i.severity, i.detected_at, i.id",
        (to_db_time(end), *finished, to_db_time(start)),
    )
    return [row_to_record(r) for r in rows]


def last_update(store: Notebook, incident_id: str, before: datetime) -> LastUpdate | None:
    """The newest status update of an incident at or before ``before``: the incident
    clocks' definition (``STATUS_UPDATE_KINDS``, as ``last_status_update``), so a private
    note or a linked alert does not count as telling people where things stand."""
    marks = ", ".join("?" for _ in STATUS_UPDATE_KINDS)
    row = store.connection.execute(
        "SELECT occurred_at, kind, body, author FROM timeline_events"
        f" WHERE incident_id = ? AND kind IN ({marks}) AND occurred_at <= ?"
        " ORDER BY occurred_at DESC, id DESC LIMIT 1",
        (incident_id, *STATUS_UPDATE_KINDS, to_db_time(before)),
    ).fetchone()
    if row is None:
        return None
    return LastUpdate(from_db_time(row["occurred_at"]), row["kind"], row["body"], row["author"])


def runbook_runs(store: Notebook, start: datetime, end: datetime) -> list[RunbookRun]:
    """Runs started in [start, end), oldest first, with their step outcomes counted."""
    rows = store.connection.execute(
        "SELECT r.*, count(s.step_index) AS steps,"
        " coalesce(sum(CASE WHEN s.outcome = 'done' THEN 1 ELSE 0 END), 0) AS done,"
        " coalesce(sum(CASE WHEN s.outcome = 'skipped' THEN 1 ELSE 0 END), 0) AS skipped,"
        " coalesce(sum(CASE WHEN s.outcome = 'failed' THEN 1 ELSE 0 END), 0) AS failed"
        " FROM runbook_runs r LEFT JOIN runbook_steps s ON s.run_id = r.id"
        " WHERE r.started_at >= ? AND r.started_at < ? GROUP BY r.id ORDER BY r.started_at, r.id",
        (to_db_time(start), to_db_time(end)),
    )
    return [
        RunbookRun(
            int(r["id"]),
            r["runbook"],
            r["incident_id"],
            r["started_by"],
            from_db_time(r["started_at"]),
            _opt(r["finished_at"]),
            r["status"],
            bool(r["dry_run"]),
            int(r["steps"]),
            int(r["done"]),
            int(r["skipped"]),
            int(r["failed"]),
        )
        for r in rows
    ]


def probe_flaps(store: Notebook, start: datetime, end: datetime) -> list[ProbeFlaps]:
    """Per probe, its down/up transitions in [start, end); most downs first."""
    # The last change's kind from a window function over the same rows, not a subquery
    # per probe: PostgreSQL priced that one high enough to compile it (JIT), 0.2 s a time.
    rows = store.connection.execute(
        "SELECT subject, max(component) AS component,"
        " sum(CASE WHEN kind = 'probe_down' THEN 1 ELSE 0 END) AS downs,"
        " sum(CASE WHEN kind = 'probe_up' THEN 1 ELSE 0 END) AS ups,"
        " min(CASE WHEN kind = 'probe_down' THEN occurred_at END) AS first_down,"
        " max(occurred_at) AS last_change,"
        " max(CASE WHEN newest = 1 THEN kind END) AS last_kind"
        " FROM (SELECT subject, component, kind, occurred_at, row_number() OVER"
        "   (PARTITION BY subject ORDER BY occurred_at DESC, id DESC) AS newest"
        "   FROM timeline_events WHERE kind IN ('probe_down', 'probe_up')"
        "   AND occurred_at >= ? AND occurred_at < ?) AS changes"
        " GROUP BY subject ORDER BY downs DESC, subject",
        (to_db_time(start), to_db_time(end)),
    )
    return [
        ProbeFlaps(
            r["subject"],
            r["component"],
            int(r["downs"]),
            int(r["ups"]),
            _opt(r["first_down"]),
            from_db_time(r["last_change"]),
            r["last_kind"],
        )
        for r in rows
    ]


def noisiest_alerts(
    store: Notebook, start: datetime, end: datetime, limit: int = 10
) -> list[NoisyAlert]:
    """Alerts by how often they fired in [start, end), loudest first; per cluster (""
    for firings recorded before the notebook kept clusters)."""
    rows = store.connection.execute(
        "SELECT subject, coalesce(cluster, '') AS cluster, count(*) AS n FROM timeline_events"
        " WHERE kind = 'alert_fired' AND occurred_at >= ? AND occurred_at < ?"
        " GROUP BY subject, coalesce(cluster, '') ORDER BY n DESC, subject, cluster LIMIT ?",
        (to_db_time(start), to_db_time(end), limit),
    )
    return [NoisyAlert(str(r["subject"]), int(r["n"]), str(r["cluster"])) for r in rows]


def incidents_detected(store: Notebook, start: datetime, end: datetime) -> list[IncidentRecord]:
    """Incidents detected in [start, end) (the incident store's query), most severe first,
    then oldest."""
    found = incidents_detected_since(store, start, end)
    return sorted(found, key=lambda i: (i.severity, i.detected_at, i.id))


def missing_postmortems(store: Notebook, before: datetime) -> list[IncidentRecord]:
    """Incidents detected before ``before`` whose postmortem is due and not done (the
    incident model's rule: Sev1/Sev2, resolved or closed; an open one is not due yet)."""
    # The rule's severities and statuses in SQL too, so the rest are never read.
    severities = sorted(POSTMORTEM_REQUIRED)
    marks = ", ".join("?" for _ in severities)
    rows = store.connection.execute(
        f"{INCIDENT_SELECT} WHERE i.postmortem_done = 0 AND i.detected_at < ?"
        f" AND i.severity IN ({marks}) AND i.status IN ('resolved', 'closed')"
        " ORDER BY i.detected_at, i.id",
        (to_db_time(before), *severities),
    )
    return [record for r in rows if postmortem_due(record := row_to_record(r))]


def open_action_items(store: Notebook) -> list[ActionItem]:
    """Action items not done, across incidents (``incident_notes.action_items`` reads one
    incident's): soonest due first, undated last."""
    rows = store.connection.execute(
        "SELECT id, incident_id, what, owner, due_date, verification, done FROM action_items"
        " WHERE done = 0 ORDER BY due_date IS NULL, due_date, id"
    )
    return [
        ActionItem(
            int(r[0]),
            r[1],
            r[2],
            r[3],
            date.fromisoformat(r[4]) if r[4] else None,
            r[5],
            bool(r[6]),
        )
        for r in rows
    ]


def snapshot_slos(store: Notebook) -> list[str]:
    """Every SLO name that has budget snapshots."""
    rows = store.connection.execute("SELECT DISTINCT slo FROM slo_snapshots ORDER BY slo")
    return [str(r[0]) for r in rows]


@dataclass(frozen=True)
class BudgetPoint:
    taken_at: datetime
    budget_remaining: float | None


def budget_at_or_after(
    store: Notebook, slo: str, at: datetime, until: datetime
) -> BudgetPoint | None:
    """The snapshot of ``slo`` in force at ``at`` (the last one at or before it), or the
    first taken in (at, until] when the notebook has none that old."""
    row = store.connection.execute(
        "SELECT taken_at, budget_remaining FROM slo_snapshots WHERE slo = ? AND taken_at <= ?"
        " ORDER BY taken_at DESC LIMIT 1",
        (slo, to_db_time(at)),
    ).fetchone()
    if row is None:
        row = store.connection.execute(
            "SELECT taken_at, budget_remaining FROM slo_snapshots WHERE slo = ? AND taken_at > ?"
            " AND taken_at <= ? ORDER BY taken_at LIMIT 1",
            (slo, to_db_time(at), to_db_time(until)),
        ).fetchone()
    if row is None:
        return None
    return BudgetPoint(from_db_time(row["taken_at"]), row["budget_remaining"])
