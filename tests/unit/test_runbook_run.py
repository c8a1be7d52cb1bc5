"""The run state machine, the notebook's record of runs, and resume after a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config, OnCall
from cockpit.model.runbook_parser import parse_runbook
from cockpit.model.runbook_run import RunError, RunState, check_matches, progress_text
from cockpit.services.runbook_run import RunbookSession
from cockpit.services.runbook_steps import StepResult
from cockpit.store import Notebook, open_notebook
from cockpit.store.events import events_between
from cockpit.store.incidents import create_incident
from cockpit.store.runbook_runs import incident_for_alert, list_runs, load_run

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

TEXT = """\
---
name: demo
title: Demo runbook
---
# Demo runbook

## Triage
- [ ] Look around
- [ ] Run something
  ```sh
  echo hello {{labels.service}}
  ```
- [ ] Check the ratio
  ```promql
  sum(rate(x[1m]))
  ```
  expect: < 0.01

## Verify
- [ ] Probe it
  probe: ready
"""
RUNBOOK = parse_runbook(TEXT, "demo.md")


def state() -> RunState:
    return RunState.start(RUNBOOK, at=T0, who="alice", labels={"service": "api"})


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def store(notebook_target: str | Path) -> Notebook:
    return open_notebook(notebook_target)


def config() -> Config:
    return Config(path=None, oncall=OnCall(me="alice"))


# -- the state machine ----------------------------------------------------------


def test_start() -> None:
    s = state()
    assert s.status == "running" and s.current == 0 and s.completed == 0
    assert [r.title for r in s.steps] == [step.title for step in RUNBOOK.steps]
    assert all(r.outcome == "pending" for r in s.steps)
    assert s.labels == {"service": "api"}


def test_outcomes_move_to_the_next_pending_step_and_finish() -> None:
    s = state().record(0, "done", at=at(1), who="alice")
    assert s.current == 1 and s.steps[0].who == "alice" and s.steps[0].at == at(1)
    s = s.record(2, "failed", at=at(2), note="ratio 0.05")
    assert s.current == 3  # after the recorded step, not back to 1
    s = s.record(3, "skipped", at=at(3), note="probe is down for maintenance")
    assert s.current == 1  # wraps around to the step still pending
    assert progress_text(s) == "3/4 steps · 1 done · 1 skipped · 1 failed"
    s = s.record(1, "done", at=at(4), command="echo hello api", exit_status=0, output="hello\n")
    assert s.status == "done" and s.finished_at == at(4) and s.current == 4
    assert s.steps[1].command == "echo hello api" and s.steps[1].output == "hello\n"
    with pytest.raises(RunError, match="start a new run"):
        s.record(0, "done", at=at(5))


def test_skip_needs_a_reason_and_fail_a_note() -> None:
    s = state()
    with pytest.raises(RunError, match="reason"):
        s.record(0, "skipped", at=at(1), note="   ")
    with pytest.raises(RunError, match="note"):
        s.record(0, "failed", at=at(1))
    with pytest.raises(RunError, match="pending"):
        s.record(0, "pending", at=at(1))
    with pytest.raises(RunError, match="no step 9"):
        s.record(8, "done", at=at(1))
    with pytest.raises(ValueError, match="timezone"):
        s.record(0, "done", at=datetime(2026, 1, 1))


def test_retry_keeps_the_latest_outcome() -> None:
    s = state().record(2, "failed", at=at(1), note="value 0.05")
    s = s.move_to(2).record(2, "done", at=at(2), note="value 0.001")
    assert s.steps[2].outcome == "done" and s.steps[2].note == "value 0.001"
    assert s.status == "running"


def test_pause_resume_abort() -> None:
    s = state().record(0, "done", at=at(1)).pause()
    assert s.status == "paused"
    with pytest.raises(RunError, match="paused; resume"):
        s.record(1, "done", at=at(2))
    with pytest.raises(RunError):
        s.pause()
    s = s.resume()
    assert s.status == "running" and s.current == 1
    assert s.resume() is s
    s = s.abort(at(3))
    assert s.status == "aborted" and s.finished
    with pytest.raises(RunError, match="already aborted"):
        s.abort(at(4))
    with pytest.raises(RunError, match="start a new run"):
        s.resume()


def test_check_matches_notices_a_changed_runbook() -> None:
    assert check_matches(state(), RUNBOOK) == []
    changed = parse_runbook(TEXT.replace("Look around", "Look elsewhere"), "demo.md")
    assert "step 1 is now 'Look elsewhere'" in check_matches(state(), changed)[0]
    shorter = parse_runbook(TEXT.split("## Verify")[0], "demo.md")
    assert "now has 3 steps" in check_matches(state(), shorter)[0]


# -- the notebook -----------------------------------------------------------------


def test_every_outcome_is_stored_with_its_timeline_event(store: Notebook) -> None:
    incident = create_incident(store, title="Errors", severity="Sev2", detected_at=T0)
    clock = iter(at(n) for n in range(1, 10))
    session = RunbookSession.start(
        RUNBOOK,
        config(),
        store,
        incident_id=incident.id,
        labels={"service": "api"},
        clock=lambda: next(clock),
    )
    run_id = session.state.run_id
    assert run_id is not None
    session.mark(0, "done")
    session.record(1, StepResult("failed", "exit status 3", "echo hi", 3, "line 1\nline 2\n"))
    session.mark(2, "skipped", "no Prometheus here")
    loaded = load_run(store, run_id)
    assert loaded is not None
    stored, source = loaded
    assert source == "demo.md"
    assert stored.steps == session.state.steps
    assert stored.steps[1].output == "line 1\nline 2\n" and stored.steps[1].exit_status == 3
    assert stored.steps[1].who == "alice" and stored.steps[1].at == at(3)  # at(1) started the run
    events = events_between(store, T0, at(60), incident_id=incident.id, kinds={"runbook_step"})
    assert [e.labels["step"] for e in events] == ["1", "2", "3"]
    assert [e.labels["outcome"] for e in events] == ["done", "failed", "skipped"]
    assert events[1].subject == "demo step 2: Run something"
    assert "$ echo hi" in events[1].body and "exit status 3" in events[1].body
    assert "line 2" in events[1].body
    assert all(e.author == "alice" and e.incident_id == incident.id for e in events)
    summary = list_runs(store, "demo")[0]
    assert (summary.done, summary.failed, summary.skipped, summary.steps) == (1, 1, 1, 4)
    assert summary.status == "running" and summary.incident_id == incident.id


def test_resume_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "notebook.sqlite3"
    with open_notebook(path) as first:
        session = RunbookSession.start(RUNBOOK, config(), first, clock=lambda: at(1))
        session.mark(0, "done")
        session.pause()
        run_id = session.state.run_id
        assert run_id is not None
    with open_notebook(path) as second:  # a new process: only the notebook remembers
        assert [r.run_id for r in list_runs(second, unfinished=True)] == [run_id]
        resumed = RunbookSession.resume(run_id, {"demo": RUNBOOK}, config(), second)
        assert resumed.state.status == "running" and resumed.state.current == 1
        assert resumed.state.steps[0].outcome == "done"
        resumed.mark(1, "done")
        loaded = load_run(second, run_id)
        assert loaded is not None and loaded[0].steps[1].outcome == "done"


def test_resume_refuses_a_changed_runbook_or_unknown_run(store: Notebook) -> None:
    session = RunbookSession.start(RUNBOOK, config(), store, clock=lambda: at(1))
    session.pause()
    run_id = session.state.run_id
    assert run_id is not None
    changed = parse_runbook(TEXT.replace("Look around", "Look elsewhere"), "demo.md")
    with pytest.raises(RunError, match="changed since"):
        RunbookSession.resume(run_id, {"demo": changed}, config(), store)
    with pytest.raises(RunError, match="no longer found"):
        RunbookSession.resume(run_id, {}, config(), store)
    with pytest.raises(RunError, match="no run #999"):
        RunbookSession.resume(999, {"demo": RUNBOOK}, config(), store)
    session.abort()
    with pytest.raises(RunError, match="start a new run"):
        RunbookSession.resume(run_id, {"demo": RUNBOOK}, config(), store)


def test_an_interrupted_run_resumes(store: Notebook) -> None:
    session = RunbookSession.start(RUNBOOK, config(), store, clock=lambda: at(1))
    session.mark(0, "done")  # then the cockpit dies: status stays 'running'
    assert session.state.run_id is not None
    resumed = RunbookSession.resume(session.state.run_id, {"demo": RUNBOOK}, config(), store)
    assert resumed.state.status == "running" and resumed.state.current == 1


def test_incident_for_alert_prefers_the_open_incident(store: Notebook) -> None:
    old = create_incident(store, title="Old", severity="Sev3", detected_at=T0)
    new = create_incident(store, title="New", severity="Sev2", detected_at=at(5))
    with store.transaction() as conn:
        for incident, linked in ((old, at(1)), (new, at(6))):
            conn.execute(
                "INSERT INTO incident_alerts (incident_id, fingerprint, alertname, linked_at)"
                " VALUES (?, 'fp1', 'HighErrorRate', ?)",
                (incident.id, linked.strftime("%Y-%m-%dT%H:%M:%S.000000Z")),
            )
        conn.execute("UPDATE incidents SET status = 'resolved' WHERE id = ?", (new.id,))
    assert incident_for_alert(store, "fp1") == old.id
    # Once every linked incident is over, a new firing belongs to none of them.
    with store.transaction() as conn:
        conn.execute("UPDATE incidents SET status = 'closed' WHERE id = ?", (old.id,))
    assert incident_for_alert(store, "fp1") is None
    assert incident_for_alert(store, "unknown") is None
    assert incident_for_alert(store, "") is None


def test_dry_run_runs_nothing_and_is_marked_in_the_timeline(
    store: Notebook, tmp_path: Path
) -> None:
    text = TEXT.replace("echo hello {{labels.service}}", f"touch {tmp_path}/ran")
    runbook = parse_runbook(text, "demo.md")
    session = RunbookSession.start(runbook, config(), store, dry_run=True, clock=lambda: at(1))
    result = session.perform(1, confirmed=True)
    assert (result.outcome, result.note) == ("skipped", "dry run: not run")
    assert result.command == f"touch {tmp_path}/ran"
    assert not (tmp_path / "ran").exists()
    check = session.perform(2)
    assert check.outcome == "skipped" and check.output == "sum(rate(x[1m]))"
    session.record(1, result)
    event = events_between(store, T0, at(60), kinds={"runbook_step"})[0]
    assert event.subject.endswith("(dry run)")
    assert list_runs(store)[0].dry_run
