"""The runbook run screen: Pilot tests of every key and of opening a run, and snapshots of
a command awaiting confirmation, a finished command with output, a failed check and a
dry run."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RichLog

from cockpit import locations
from cockpit.config import Config, Endpoint
from cockpit.store import open_notebook
from cockpit.store.events import latest_events
from cockpit.store.incidents import create_incident
from cockpit.store.runbook_runs import list_runs, load_run
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.screens.runbook_dialogs import ConfirmScreen, ReasonScreen, RunbookPickerScreen
from cockpit.ui.screens.runbook_open import open_runbook
from cockpit.ui.screens.runbook_run import RunbookRunScreen
from tests.waiting import settle

from . import sample_data
from .conftest import FROZEN

SIZE = (130, 34)
RUNBOOK = """\
---
name: ui-demo
title: A test runbook
alerts: [UiDemo]
---
# A test runbook

## Triage
- [ ] Print the service
  ```sh
  printf 'checking %s\\nall good\\n' {{labels.service}}
  ```
- [ ] Measure the 5xx ratio
  ```promql
  sum(rate(http_requests_total{code=~"5..",service="{{labels.service}}"}[1m]))
  ```
  expect: < 0.01
- [ ] Tell the channel

## Verify
- [ ] Fail on purpose
  ```sh
  echo broken >&2; exit 4
  ```
"""
LABELS = {"service": "demo-api"}


class FakePrometheus(BaseHTTPRequestHandler):
    """Answers every instant query with one sample of 0.0523 (5.23 % errors)."""

    def do_GET(self) -> None:
        body = json.dumps(
            {"status": "success", "data": {"resultType": "vector",
             "result": [{"metric": {}, "value": [1763656205, "0.0523"]}]}}
        ).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def prometheus() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePrometheus)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def config(sample_config: Config, prometheus: str) -> Config:
    folder = locations.user_runbooks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ui-demo.md").write_text(RUNBOOK, encoding="utf-8")
    return dataclasses.replace(sample_config, prometheus=Endpoint(url=prometheus))


def run_screen(app: CockpitApp) -> RunbookRunScreen:
    screen = app.screen
    assert isinstance(screen, RunbookRunScreen), screen
    return screen


def opened(**kwargs: Any) -> Callable[[Pilot[None]], Any]:
    async def run_before(pilot: Pilot[None]) -> None:
        open_runbook(pilot.app, "ui-demo", labels=LABELS, **kwargs)  # type: ignore[arg-type]
        await pilot.pause()

    return run_before


# -- snapshots ----------------------------------------------------------------------


def test_snapshot_command_awaiting_confirmation(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await opened()(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)

    assert snap_compare(make_app(config), terminal_size=SIZE, run_before=run_before)


def test_snapshot_finished_command_with_output(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await opened()(pilot)
        await pilot.press("x", "y")
        await settle(pilot)
        await pilot.press("up")  # back onto the finished step, to show it in full
        await pilot.pause()

    assert snap_compare(make_app(config), terminal_size=SIZE, run_before=run_before)


def test_snapshot_failed_check(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await opened()(pilot)
        await pilot.press("down", "x")
        await settle(pilot)
        await pilot.press("up")
        await pilot.pause()

    assert snap_compare(make_app(config), terminal_size=SIZE, run_before=run_before)


def test_snapshot_dry_run(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await opened(dry_run=True)(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.pause()

    assert snap_compare(make_app(config), terminal_size=SIZE, run_before=run_before)


# -- Pilot --------------------------------------------------------------------------


async def test_enter_on_the_runbooks_pane_opens_a_run(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "enter")
        await pilot.pause()
        screen = run_screen(app)
        assert screen.session.runbook.name == "ui-demo"  # "A test..." sorts first
        assert screen.session.state.run_id == 1 and not screen.session.state.dry_run
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")  # dry run from the pane
        await pilot.pause()
        assert run_screen(app).session.state.dry_run


async def test_confirmed_command_streams_output_and_is_stored(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels={"service": "demo-api:8080"})
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.detail == "printf 'checking %s\\nall good\\n' demo-api:8080"
        await pilot.press("n")  # not confirmed: nothing runs, nothing is recorded
        await settle(pilot)
        screen = run_screen(app)
        assert screen.session.state.steps[0].outcome == "pending"
        await pilot.press("x", "y")
        await settle(pilot)
        log = app.screen.query_one("#rb-log", RichLog)
        assert "checking demo-api:8080" in "\n".join(line.text for line in log.lines)
        step = screen.session.state.steps[0]
        assert (step.outcome, step.exit_status) == ("done", 0)
        assert step.output == "checking demo-api:8080\nall good\n"
        assert screen.session.state.current == 1
        assert app.notebook is not None
        stored = load_run(app.notebook, 1)
        assert stored is not None and stored[0].steps[0].output == step.output
        # A failing command: its exit status and output are kept, the step fails.
        await pilot.press("down", "down", "x", "y")
        await settle(pilot)
        failed = screen.session.state.steps[3]
        assert (failed.outcome, failed.exit_status, failed.output) == ("failed", 4, "broken\n")


async def test_done_skip_and_fail_need_their_words(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        screen = run_screen(app)
        await pilot.press("d")
        assert screen.session.state.steps[0].outcome == "done"
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")  # empty: refused, the dialog stays
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        app.screen.query_one(Input).value = "Prometheus is down"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.session.state.steps[1].outcome == "skipped"
        assert screen.session.state.steps[1].note == "Prometheus is down"
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one(Input).value = "channel unreachable"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: the step stays pending
        await pilot.pause()
        assert screen.session.state.steps[3].outcome == "pending"
        await pilot.press("d")
        assert screen.session.state.status == "done"
        assert app.notebook is not None
        events = [e for e in latest_events(app.notebook) if e.kind == "runbook_step"]
        assert [e.labels["outcome"] for e in reversed(events)] == [
            "done", "skipped", "failed", "done"
        ]  # fmt: skip
        assert all(e.author == "alice" for e in events)


async def test_failed_check_shows_its_value(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        await pilot.press("down", "x")
        await settle(pilot)
        step = run_screen(app).session.state.steps[1]
        assert step.outcome == "failed" and step.note == "value 0.0523: < 0.01 does not hold"
        assert step.output is not None and 'service="demo-api"' in step.output


async def test_read_only_refuses_commands(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(dataclasses.replace(config, read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, RunbookRunScreen)  # no confirmation dialog at all
        assert any("read-only" in str(n.message) for n in app._notifications)
        assert run_screen(app).session.state.steps[0].outcome == "pending"


async def test_pause_and_resume_after_a_restart(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        await pilot.press("d", "p")
        await pilot.pause()
        assert not isinstance(app.screen, RunbookRunScreen)
        assert app.notebook is not None and list_runs(app.notebook)[0].status == "paused"
    again = make_app(config)  # a new cockpit on the same notebook
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("4", "enter")
        await pilot.pause()
        screen = run_screen(again)
        assert screen.session.state.run_id == 1 and screen.session.state.status == "running"
        assert screen.session.state.steps[0].outcome == "done"
        assert screen.session.state.current == 1
        assert screen.session.state.labels == LABELS


async def test_from_an_alert_with_its_labels_and_incident(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        snapshot = sample_data.alert_snapshot()
        app.query_one(AlertsPane).update_snapshot(snapshot, FROZEN)
        app.recording.alerts = snapshot.alerts
        assert app.notebook is not None
        incident = create_incident(app.notebook, title="5xx", severity="Sev2", detected_at=FROZEN)
        with app.notebook.transaction() as conn:
            conn.execute(
                "INSERT INTO incident_alerts (incident_id, fingerprint, alertname, linked_at)"
                " VALUES (?, 'fp-HighErrorRate-critical', 'HighErrorRate', ?)",
                (incident.id, "2026-11-20T16:00:00.000000Z"),
            )
        await pilot.press("2", "o")
        await pilot.pause()
        screen = run_screen(app)
        assert screen.session.runbook.name == "high-error-rate"
        assert screen.session.state.incident_id == incident.id
        assert screen.session.state.labels["service"] == "demo-api"
        await pilot.press("d")
        events = [e for e in latest_events(app.notebook) if e.kind == "runbook_step"]
        assert events[0].incident_id == incident.id


async def test_the_picker_from_the_command_palette_key(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, RunbookPickerScreen)
        await pilot.press("down", "d")  # the second runbook, as a dry run
        await pilot.pause()
        screen = run_screen(app)
        assert screen.session.state.dry_run
        assert screen.session.runbook.name == "database-outage"


async def test_from_an_incident_detail_the_run_is_linked_to_it(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    from cockpit.ui.screens.incident_detail import IncidentDetailScreen

    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        assert app.notebook is not None
        incident = create_incident(
            app.notebook, title="db down", severity="Sev2", detected_at=FROZEN
        )
        app.push_screen(IncidentDetailScreen(incident.id))
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, RunbookPickerScreen)
        await pilot.press("down", "d")
        await pilot.pause()
        screen = run_screen(app)
        assert screen.session.state.incident_id == incident.id


async def test_abort_needs_a_yes_and_ends_the_run(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        screen = run_screen(app)
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert screen.session.state.status == "running"
        await pilot.press("A", "y")
        await pilot.pause()
        assert screen.session.state.status == "aborted"
        await pilot.press("d")  # refused: the run is over
        assert screen.session.state.steps[0].outcome == "pending"
        assert app.notebook is not None and list_runs(app.notebook)[0].status == "aborted"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RunbookRunScreen)


async def test_quitting_mid_command_kills_it_and_leaves_the_step_pending(
    make_app: Callable[..., CockpitApp], config: Config, tmp_path: Path
) -> None:
    pid_file = tmp_path / "sleep.pid"
    slow = (
        "---\nname: slow\ntitle: Slow\n---\n- [ ] Wait\n"
        f"  ```sh\n  sleep 60 & echo $! > {pid_file}; wait\n  ```\n"
    )
    (locations.user_runbooks_dir() / "slow.md").write_text(slow, encoding="utf-8")
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "slow")
        await pilot.pause()
        await pilot.press("x", "y")
        for _ in range(50):
            await pilot.pause(0.1)
            if pid_file.exists() and pid_file.read_text().strip():
                break
        assert run_screen(app).busy == 0
        pid = int(pid_file.read_text())
        assert alive(pid)
        await app.action_quit()
        await pilot.pause()
    for _ in range(50):
        if not alive(pid):
            break
        time.sleep(0.1)
    assert not alive(pid), "the command kept running after the cockpit closed"
    with open_notebook(locations.database_file()) as store:
        summary = list_runs(store)[0]
        assert summary.status == "running" and summary.done == 0  # resumable, nothing lost


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, just not reaped


async def test_a_paused_run_for_other_labels_is_not_resumed(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels={"service": "checkout"})
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        open_runbook(app, "ui-demo", labels=LABELS)  # another alert's labels: a new run
        await pilot.pause()
        assert run_screen(app).session.state.run_id == 2
        await pilot.press("p")
        await pilot.pause()
        open_runbook(app, "ui-demo", labels={"service": "checkout"})
        await pilot.pause()
        assert run_screen(app).session.state.run_id == 1


async def test_a_runbook_picked_from_an_incident_gets_its_alerts_labels(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+B in an incident: the steps get the labels of the alert it was opened from, so
    `{{labels.service}}` is filled, not refused as missing."""
    from cockpit.model.incident_draft import IncidentDraft, LinkedAlert
    from cockpit.services.incidents import create_from_draft
    from cockpit.ui.screens import runbook_open

    labels = {"alertname": "HighErrorRate", "service": "api"}
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        assert app.notebook is not None
        draft = IncidentDraft(
            title="errors", severity="Sev2", detected_at=FROZEN,
            alerts=(LinkedAlert("fp1", "HighErrorRate", labels),),
        )  # fmt: skip
        incident = create_from_draft(app.notebook, draft, now=FROZEN).id
        opened: dict[str, Any] = {}
        monkeypatch.setattr(
            runbook_open, "open_runbook", lambda _app, _name, **kw: opened.update(kw)
        )
        runbook_open.pick_runbook(app, incident_id=incident)
        await pilot.pause()
        assert isinstance(app.screen, RunbookPickerScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert opened["incident_id"] == incident
        assert opened["labels"] == labels
