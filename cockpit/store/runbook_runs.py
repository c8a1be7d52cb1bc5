"""Runbook runs in the notebook: the run, each step's latest outcome, and one
``runbook_step`` timeline event per outcome (so retries keep their history there and the
linked incident's timeline shows every step).

Everything of a step is kept: who, when, outcome, note, the exact command, its exit
status and its full output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from cockpit.model.run_lease import LeaseHolder
from cockpit.model.runbook_run import RunState, StepRecord
from cockpit.model.timeline import Labels, TimelineEvent
from cockpit.store.events import insert_event
from cockpit.store.incidents import get_incident, incidents_for_alert
from cockpit.store.notebook import (
    Notebook,
    NotebookError,
    from_db_time,
    new_id,
    to_db_time,
    utc_now,
)
from cockpit.store.run_leases import check_lease
from cockpit.store.sql import Connection

# Kept in the timeline body; the step row holds the whole output.
TIMELINE_OUTPUT_TAIL = 400


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    runbook: str
    status: str
    started_at: datetime
    started_by: str | None
    finished_at: datetime | None
    incident_id: str | None
    dry_run: bool
    done: int
    skipped: int
    failed: int
    steps: int


def create_run(
    store: Notebook,
    state: RunState,
    source_path: str | None = None,
    *,
    holder: LeaseHolder | None = None,
    now: datetime | None = None,
) -> RunState:
    """Notebook a new run with every step pending; returns the state with its ``run_id``.
    With ``holder`` the run is leased to it in the same transaction, so no other cockpit
    can resume it before its starter holds it."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO runbook_runs (runbook, source_path, incident_id, started_by,"
            " started_at, status, dry_run, alert_labels, written_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, cockpit_me()) RETURNING id",
            (
                state.runbook,
                source_path,
                state.incident_id,
                state.started_by,
                to_db_time(state.started_at),
                state.status,
                int(state.dry_run),
                json.dumps(dict(state.labels), sort_keys=True),
            ),
        )
        run_id = new_id(cursor, "runbook run")
        conn.executemany(
            "INSERT INTO runbook_steps (run_id, step_index, title, written_by)"
            " VALUES (?, ?, ?, cockpit_me())",
            [(run_id, s.index, s.title) for s in state.steps],
        )
        if holder is not None:
            stamp = to_db_time(now or utc_now())
            conn.execute(
                "INSERT INTO runbook_run_leases"
                " (run_id, holder, host, pid, token, taken_at, heartbeat_at, written_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, cockpit_me())",
                (run_id, holder.who, holder.host, holder.pid, holder.token, stamp, stamp),
            )
    return replace(state, run_id=run_id)


def _event(state: RunState, step: StepRecord) -> TimelineEvent:
    assert step.at is not None
    parts: list[str] = [step.outcome]
    if step.note:
        parts.append(step.note)
    if step.command is not None:
        parts.append(f"$ {step.command}")
    if step.exit_status is not None:
        parts.append(f"exit status {step.exit_status}")
    body = " · ".join(parts)
    if step.output:
        tail = step.output[-TIMELINE_OUTPUT_TAIL:]
        cut = "…" if len(step.output) > TIMELINE_OUTPUT_TAIL else ""
        body += f"\n{cut}{tail}"
    dry = " (dry run)" if state.dry_run else ""
    return TimelineEvent(
        kind="runbook_step",
        occurred_at=step.at,
        source="runbook",
        subject=f"{state.runbook} step {step.index + 1}: {step.title}{dry}",
        body=body,
        author=step.who,
        incident_id=state.incident_id,
        labels={
            "runbook": state.runbook,
            "run": str(state.run_id),
            "step": str(step.index + 1),
            "outcome": step.outcome,
        },
    )


def record_step(
    store: Notebook,
    state: RunState,
    index: int,
    *,
    holder: LeaseHolder | None = None,
    now: datetime | None = None,
) -> int:
    """Write step ``index`` of ``state`` (after ``RunState.record``), the run's status and
    a timeline event, in one transaction. Returns the event id. With ``holder``, a run
    another cockpit has taken over refuses the write (``LeaseLostError``)."""
    if state.run_id is None:
        raise ValueError("the run is not stored yet: create_run first")
    step = state.steps[index]
    with store.transaction() as conn:
        if holder is not None:
            check_lease(conn, state.run_id, holder, now or utc_now())
        updated = conn.execute(
            "UPDATE runbook_steps SET written_by = cockpit_me(),"
            " outcome = ?, note = ?, command = ?, exit_status = ?,"
            " output = ?, who = ?, at = ? WHERE run_id = ? AND step_index = ?",
            (
                step.outcome,
                step.note,
                step.command,
                step.exit_status,
                step.output,
                step.who,
                None if step.at is None else to_db_time(step.at),
                state.run_id,
                index,
            ),
        ).rowcount
        if updated != 1:
            raise NotebookError(f"run {state.run_id} has no step {index + 1} in the notebook")
        _write_status(conn, state)
        return insert_event(conn, _event(state, step), utc_now())


def save_status(
    store: Notebook,
    state: RunState,
    *,
    holder: LeaseHolder | None = None,
    now: datetime | None = None,
) -> None:
    """Persist a pause, resume or abort (refused as in ``record_step`` with ``holder``)."""
    if state.run_id is None:
        raise ValueError("the run is not stored yet: create_run first")
    with store.transaction() as conn:
        if holder is not None:
            check_lease(conn, state.run_id, holder, now or utc_now())
        _write_status(conn, state)


def _write_status(conn: Connection, state: RunState) -> None:
    conn.execute(
        "UPDATE runbook_runs SET written_by = cockpit_me(),"
        " status = ?, finished_at = ? WHERE id = ?",
        (
            state.status,
            None if state.finished_at is None else to_db_time(state.finished_at),
            state.run_id,
        ),
    )


def _opt_time(value: str | None) -> datetime | None:
    return None if value is None else from_db_time(value)


def load_run(store: Notebook, run_id: int) -> tuple[RunState, str | None] | None:
    """The stored run as a state (and the file it was started from), or None."""
    conn = store.connection
    row = conn.execute("SELECT * FROM runbook_runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        return None
    steps = tuple(
        StepRecord(
            index=int(s["step_index"]),
            title=s["title"],
            outcome=s["outcome"],
            note=s["note"],
            command=s["command"],
            exit_status=s["exit_status"],
            output=s["output"],
            who=s["who"],
            at=_opt_time(s["at"]),
        )
        for s in conn.execute(
            "SELECT * FROM runbook_steps WHERE run_id = ? ORDER BY step_index", (run_id,)
        )
    )
    first_pending = next((s.index for s in steps if s.outcome == "pending"), len(steps))
    state = RunState(
        runbook=row["runbook"],
        steps=steps,
        status=row["status"],
        current=first_pending,
        started_at=from_db_time(row["started_at"]),
        started_by=row["started_by"],
        dry_run=bool(row["dry_run"]),
        incident_id=row["incident_id"],
        labels=Labels(json.loads(row["alert_labels"])),
        run_id=int(row["id"]),
        finished_at=_opt_time(row["finished_at"]),
    )
    return state, row["source_path"]


def list_runs(
    store: Notebook,
    runbook: str | None = None,
    *,
    unfinished: bool = False,
    limit: int = 50,
    open_at: datetime | None = None,
) -> list[RunSummary]:
    """Runs newest first, optionally of one runbook, only those not done or aborted, or
    only those under way at ``open_at`` (started by then, not finished by then)."""
    where: list[str] = []
    params: list[object] = []
    if open_at is not None:
        where.append("r.started_at <= ? AND (r.finished_at IS NULL OR r.finished_at > ?)")
        params += [to_db_time(open_at), to_db_time(open_at)]
    if runbook is not None:
        where.append("r.runbook = ?")
        params.append(runbook)
    if unfinished:
        where.append("r.status IN ('running', 'paused')")
    sql = (
        "SELECT r.*,"
        " (SELECT count(*) FROM runbook_steps s WHERE s.run_id = r.id) AS n,"
        " (SELECT count(*) FROM runbook_steps s WHERE s.run_id = r.id"
        "  AND s.outcome = 'done') AS n_done,"
        " (SELECT count(*) FROM runbook_steps s WHERE s.run_id = r.id"
        "  AND s.outcome = 'skipped') AS n_skipped,"
        " (SELECT count(*) FROM runbook_steps s WHERE s.run_id = r.id"
        "  AND s.outcome = 'failed') AS n_failed"
        " FROM runbook_runs r"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY r.started_at DESC, r.id DESC LIMIT ?"
    params.append(limit)
    return [
        RunSummary(
            run_id=int(row["id"]),
            runbook=row["runbook"],
            status=row["status"],
            started_at=from_db_time(row["started_at"]),
            started_by=row["started_by"],
            finished_at=_opt_time(row["finished_at"]),
            incident_id=row["incident_id"],
            dry_run=bool(row["dry_run"]),
            done=int(row["n_done"]),
            skipped=int(row["n_skipped"]),
            failed=int(row["n_failed"]),
            steps=int(row["n"]),
        )
        for row in store.connection.execute(sql, params)
    ]


def incident_for_alert(store: Notebook, fingerprint: str, cluster: str = "") -> str | None:
    """The open incident an alert (in ``cluster``, when known) is linked to (the newest
    link). A resolved or closed one is not: when the alert fires again, a run for it would
    otherwise write its steps onto an incident that is over."""
    for incident_id in incidents_for_alert(store, fingerprint, cluster):
        record = get_incident(store, incident_id)
        if record is not None and record.is_open:
            return incident_id
    return None
