"""A runbook step pressed twice while it runs is performed once: `x` again on a running
check is refused ("still running"), one query reaches Prometheus, one outcome is stored."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer

import pytest

from cockpit import locations
from cockpit.config import Config, Endpoint
from cockpit.store.events import latest_events
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.runbook_open import open_runbook
from tests.waiting import settle

from .test_runbook_run_screen import LABELS, RUNBOOK, SIZE, FakePrometheus, run_screen


class SlowPrometheus(FakePrometheus):
    """Holds every answer until ``gate`` opens, and counts the queries."""

    gate = threading.Event()
    queries = 0

    def do_GET(self) -> None:
        type(self).queries += 1
        self.gate.wait(timeout=10)
        super().do_GET()


@pytest.fixture
def slow_config(sample_config: Config) -> Iterator[Config]:
    SlowPrometheus.gate = threading.Event()
    SlowPrometheus.queries = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowPrometheus)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    folder = locations.user_runbooks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ui-demo.md").write_text(RUNBOOK, encoding="utf-8")
    url = f"http://127.0.0.1:{server.server_address[1]}"
    yield dataclasses.replace(sample_config, prometheus=Endpoint(url=url))
    SlowPrometheus.gate.set()
    server.shutdown()
    server.server_close()


async def test_a_check_pressed_twice_while_running_runs_once(
    make_app: Callable[..., CockpitApp], slow_config: Config
) -> None:
    app = make_app(slow_config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        screen = run_screen(app)
        await pilot.press("down", "x", "x")  # step 2 is a check: no confirmation
        await pilot.pause()
        assert screen.busy == 1
        assert any("Step 2 is still running" in n.message for n in app._notifications)
        SlowPrometheus.gate.set()
        await settle(pilot)
        assert SlowPrometheus.queries == 1
        assert screen.session.state.steps[1].outcome == "failed"  # 5.23 % > 1 %
        assert app.notebook is not None
        steps = [e for e in latest_events(app.notebook) if e.kind == "runbook_step"]
        assert len(steps) == 1
