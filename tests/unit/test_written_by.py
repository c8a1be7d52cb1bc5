"""Authorship: every row of the notebook says who wrote it (the ``[oncall] me`` of the
cockpit that wrote it last), on both backends, through the store's own writers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cockpit.model.alerts import Alert
from cockpit.model.checklist import TemplateItem
from cockpit.model.incident_draft import LinkedAlert
from cockpit.model.run_lease import LeaseHolder
from cockpit.model.runbook_parser import parse_runbook
from cockpit.model.runbook_run import RunState
from cockpit.model.silences import new_ack
from cockpit.model.timeline import TimelineEvent
from cockpit.store import Notebook, open_notebook
from cockpit.store.acks import record_ack, record_extend, record_unack
from cockpit.store.announcements import claim_announcement
from cockpit.store.copy import TABLES
from cockpit.store.events import record_events
from cockpit.store.handoffs import create_draft, save_text, sign, tick
from cockpit.store.incident_changes import change_severity
from cockpit.store.incident_notes import add_action_item, add_note, set_action_done
from cockpit.store.incidents import create_incident, link_alerts
from cockpit.store.probe_samples import ProbeSample, record_samples
from cockpit.store.recording_duty import DutyHolder, claim_duty
from cockpit.store.run_leases import take_lease
from cockpit.store.runbook_runs import create_run, record_step
from cockpit.store.slo_snapshots import BudgetSnapshot, record_snapshots

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
ALERT = Alert(
    name="HighErrorRate",
    labels={"alertname": "HighErrorRate", "severity": "critical"},
    annotations={},
    starts_at=T0,
    fingerprint="fp1",
)
RUNBOOK = parse_runbook("---\nname: demo\ntitle: Demo\n---\n- [ ] One\n- [ ] Two\n", "demo.md")


def _authors(nb: Notebook, table: str) -> list[str | None]:
    return [row[0] for row in nb.connection.execute(f"SELECT written_by FROM {table}")]


def _write_every_table(nb: Notebook) -> str:
    """One row in every table of the notebook, each through the writer a cockpit uses."""
    record = create_incident(
        nb, title="API errors", severity="Sev2", detected_at=T0, components=["api"]
    )
    link_alerts(nb, record.id, [LinkedAlert(ALERT.fingerprint, ALERT.name)], at=T0)
    item = add_action_item(nb, record.id, "Add a canary")
    set_action_done(nb, item.id)
    add_note(nb, record.id, "rolled back", at=T0, author="alice")
    record_events(nb, [TimelineEvent(kind="note", occurred_at=T0, source="user", subject="x")])
    claim_announcement(nb, record.id, "incident_status_update_due", T0, T0)
    sam = LeaseHolder("sam", "host-a", 123, "sam-token-1")
    run = create_run(nb, RunState.start(RUNBOOK, at=T0, who="sam"), "demo.md", holder=sam, now=T0)
    later = T0 + timedelta(minutes=30)  # sam's lease is stale by then: taken over
    alice = LeaseHolder("alice", "host-b", 456, "alice-token-1")
    assert run.run_id is not None
    take_lease(nb, run.run_id, alice, later, take_over=True)
    record_step(nb, run.record(0, "done", at=later, who="alice"), 0, holder=alice, now=later)
    template = [TemplateItem("incoming", "Pager works")]
    draft = create_draft(
        nb, outgoing="alice", incoming="bob", shift_start=T0, shift_end=later,
        template=template, now=T0,
    )  # fmt: skip
    save_text(nb, draft.id, "notes", "quiet week")
    tick(nb, draft.checklist[0].id, checked=True, by="bob", at=later)
    sign(nb, draft.id, by="bob", at=later, digest="# shift", closes_slot=False)
    silence = new_ack(ALERT, "alice", T0, timedelta(hours=1))
    record_ack(nb, ALERT, silence, "s-1", T0)
    record_extend(nb, "s-1", "s-2", T0 + timedelta(hours=2))
    record_snapshots(nb, [BudgetSnapshot("api", T0, 0.999, 0.5, 1.0)])
    record_samples(nb, [ProbeSample("ready", T0, "up", True, 12.0)])
    assert claim_duty(nb, DutyHolder("alice", "host-b", 456), T0)[0]
    return record.id


def test_every_row_of_every_table_says_who_wrote_it(notebook_target: str | Path) -> None:
    with open_notebook(notebook_target, me="alice") as nb:
        _write_every_table(nb)
        for table in TABLES:
            authors = _authors(nb, table)
            assert authors, f"no row was written to {table}"
            assert set(authors) == {"alice"}, table


def test_a_row_changed_by_another_cockpit_says_who_changed_it(
    notebook_target: str | Path,
) -> None:
    with open_notebook(notebook_target, me="alice") as alice:
        incident = _write_every_table(alice)
    with open_notebook(notebook_target, me="bob") as bob:
        change_severity(bob, incident, "Sev1", at=T0, author="bob")
        unacked = replace(new_ack(ALERT, "alice", T0, timedelta(hours=1)), id="s-2")
        record_unack(bob, unacked, "bob", T0)
        assert _authors(bob, "incidents") == ["bob"]
        assert _authors(bob, "acks") == ["bob"]
        # Bob's change is also an event of his; alice's events stay hers.
        events = bob.connection.execute(
            "SELECT written_by FROM timeline_events WHERE kind = 'severity_change'"
        ).fetchall()
        assert [e[0] for e in events] == ["bob"]
        assert "alice" in _authors(bob, "timeline_events")


def test_a_notebook_opened_without_a_name_writes_no_author(notebook_target: str | Path) -> None:
    with open_notebook(notebook_target) as nb:
        record_events(nb, [TimelineEvent(kind="note", occurred_at=T0, source="user", subject="x")])
        assert _authors(nb, "timeline_events") == [None]
