"""Bundled runbooks against the real demo stack: checks fail while a fault is on and pass
once it is cleared, and every step lands in the notebook and the incident's timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config, load
from cockpit.demo.files import SERVICE
from cockpit.demo.stack import DemoStack
from cockpit.model.runbooks import Runbook, Step
from cockpit.services.runbook_catalog import load_catalog
from cockpit.services.runbook_run import RunbookSession
from cockpit.services.runbook_steps import StepResult, perform_check
from cockpit.store import open_notebook
from cockpit.store.events import events_between
from cockpit.store.incidents import create_incident
from cockpit.store.runbook_runs import list_runs, load_run

from .conftest import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def config(stack: DemoStack) -> Config:
    assert stack.config_path is not None
    return load(stack.config_path)


def runbook_named(name: str) -> Runbook:
    entry = next(e for e in load_catalog([]) if e.name == name)
    assert entry.runbook is not None
    return entry.runbook


def test_every_bundled_check_gives_one_value_on_the_demo(config: Config) -> None:
    """A check that returns nothing or several series can never pass: each must give
    exactly one number on the demo (pass or fail depends on the faults of the moment)."""
    for entry in load_catalog([]):
        assert entry.runbook is not None
        for step in entry.runbook.steps:
            if step.kind != "check":
                continue
            where = f"{entry.name} step {step.index + 1} to give a value"

            def value(step: Step = step) -> StepResult | None:
                # Right after the stack starts, rate() has one sample and so no value yet.
                result = perform_check(step, {"service": SERVICE}, config)
                return result if result.value is not None else None

            assert wait_for(where, value, timeout=30).note.startswith("value ")


@pytest.mark.timeout(360)  # a fault takes up to a minute to leave the checks' window
def test_high_error_rate_check_fails_then_passes_and_everything_is_recorded(
    config: Config, faults: Callable[..., str], tmp_path: Path
) -> None:
    runbook = runbook_named("high-error-rate")
    ratio = next(s for s in runbook.steps if s.kind == "check")
    assert ratio.index == 1 and str(ratio.expectation) == "< 0.01"
    store = open_notebook(tmp_path / "notebook.sqlite3")
    started = datetime.now(UTC)
    incident = create_incident(
        store, title="5xx above 1 %", severity="Sev2", detected_at=started, author="alice"
    )
    session = RunbookSession.start(
        runbook, config, store, incident_id=incident.id, labels={"service": SERVICE}
    )
    labels = session.state.labels

    faults("error-rate=5%")

    def check_fails() -> StepResult | None:
        result = perform_check(ratio, labels, config)
        return result if result.outcome == "failed" and result.value is not None else None

    failing = wait_for("the 5xx check to fail under error-rate=5%", check_fails, timeout=60)
    assert failing.value is not None and failing.value >= 0.01
    assert failing.note == f"value {failing.value:.6g}: < 0.01 does not hold"
    session.record(ratio.index, failing)

    faults("reset")

    def check_passes() -> StepResult | None:
        result = session.perform(ratio.index)
        return result if result.passed else None

    passing = wait_for("the 5xx check to pass after the reset", check_passes, timeout=120)
    session.move_to(ratio.index)
    session.record(ratio.index, passing)
    assert session.state.steps[ratio.index].outcome == "done"

    def passes(index: int) -> Callable[[], StepResult | None]:
        def attempt() -> StepResult | None:
            result = session.perform(index)
            return result if result.passed else None

        return attempt

    # The rest of the runbook: commands (confirmed), probes, manual steps, the last check.
    for step in runbook.steps:
        if session.state.steps[step.index].outcome != "pending":
            continue
        session.move_to(step.index)
        if step.kind == "manual":
            session.mark(step.index, "done")
        elif step.kind == "check":
            # "< 0.005" needs the fault nearly out of the 1-minute window.
            passed = wait_for(f"check {step.index + 1} to pass", passes(step.index), timeout=120)
            session.record(step.index, passed)
        else:
            session.record(step.index, session.perform(step.index, confirmed=True))
    state = session.state
    assert state.status == "done", [(s.index, s.outcome, s.note) for s in state.steps]
    assert [s.outcome for s in state.steps] == ["done"] * len(runbook.steps)

    # In the store, in full.
    assert state.run_id is not None
    loaded = load_run(store, state.run_id)
    assert loaded is not None
    stored = loaded[0]
    assert stored.status == "done" and stored.incident_id == incident.id
    rollout = next(s for s in stored.steps if s.command and "rollout history" in s.command)
    assert rollout.output == f"kubectl rollout history deploy/{SERVICE}\n"
    assert rollout.exit_status == 0 and rollout.who == session.who
    assert stored.steps[ratio.index].note.startswith("value ")
    assert list_runs(store)[0].done == len(runbook.steps)

    # And on the incident's timeline: every step, plus the failed attempt of the check.
    events = events_between(
        store, started, datetime.now(UTC) + timedelta(seconds=1), incident_id=incident.id,
        kinds={"runbook_step"},
    )  # fmt: skip
    assert len(events) == len(runbook.steps) + 1
    assert {e.labels["step"] for e in events} == {str(i + 1) for i in range(len(runbook.steps))}
    attempts = [e for e in events if e.labels["step"] == str(ratio.index + 1)]
    assert [e.labels["outcome"] for e in attempts] == ["failed", "done"]
    assert "does not hold" in attempts[0].body and "holds" in attempts[1].body
    assert all(e.author == session.who for e in events)
    store.close()
