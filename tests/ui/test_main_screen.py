"""The main screen: five panes, honest empty states, keys, and snapshots."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from textual.pilot import Pilot

from cockpit.config import Config
from cockpit.model.snapshots import AlertSnapshot
from cockpit.store.events import record_events
from cockpit.ui.app import ACTIONS, CockpitApp
from cockpit.ui.header import OnCallHeader
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.probes import ProbesPane
from cockpit.ui.panes.slo import SloPane

from . import sample_data
from .conftest import FROZEN

SIZE = (160, 48)


def _fill(app: CockpitApp) -> None:
    app.query_one(SloPane).update_snapshot(sample_data.slo_snapshot(app.config), FROZEN)
    app.query_one(AlertsPane).update_snapshot(sample_data.alert_snapshot(), FROZEN)
    app.query_one(ProbesPane).update_snapshot(sample_data.probe_snapshot(), FROZEN)
    assert app.notebook is not None
    record_events(app.notebook, sample_data.timeline_events())
    app.refresh_timeline()


def test_snapshot_with_nothing_configured(
    snap_compare: Any, make_app: Callable[..., CockpitApp], empty_config: Config
) -> None:
    assert snap_compare(make_app(empty_config), terminal_size=SIZE)


def test_snapshot_with_data(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        _fill(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


def test_snapshot_stale_alerts_and_paused(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app: CockpitApp = pilot.app  # type: ignore[assignment]
        _fill(app)
        snapshot = sample_data.alert_snapshot()
        stale = snapshot.freshness.failed(FROZEN, "connection refused")
        app.query_one(AlertsPane).update_snapshot(
            type(snapshot)(snapshot.alerts, stale), FROZEN + timedelta(minutes=1)
        )
        await pilot.press("p", "2")
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


async def test_number_keys_focus_panes(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        for key, pane in zip(
            "12345", ("slo", "alerts", "timeline", "runbooks", "probes"), strict=True
        ):
            await pilot.press(key)
            focused = app.focused
            assert focused is not None
            assert app.pane(pane) in focused.ancestors_with_self, key


async def test_maximise_and_restore(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "z")
        assert app.screen.maximized is app.pane("alerts")
        await pilot.press("z")
        assert app.screen.maximized is None


async def test_pause_shows_in_header(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        header = app.query_one(OnCallHeader)
        await pilot.press("p")
        assert app.paused
        assert header.has_class("-paused")
        assert "PAUSED" in str(header.render())
        await pilot.press("p")
        assert not app.paused
        assert not header.has_class("-paused")


async def test_command_palette_lists_every_action(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE):
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for key, action, description in ACTIONS:
            if action == "quit":
                assert "Quit" in commands
            elif action == "demo_fault":
                assert description not in commands  # only in `cockpit demo`
            else:
                assert commands[description] == f"key: {key}"


async def test_q_quits(make_app: Callable[..., CockpitApp], sample_config: Config) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_unconfigured_sources_say_so(
    make_app: Callable[..., CockpitApp], empty_config: Config
) -> None:
    app = make_app(empty_config)
    async with app.run_test(size=SIZE):
        messages = {
            name: str(app.pane(name).message.render()) for name in ("slo", "alerts", "probes")
        }
        assert "Prometheus is not configured" in messages["slo"]
        assert "Alertmanager is not configured" in messages["alerts"]
        assert "No probes configured" in messages["probes"]
        assert app.pane("slo").border_subtitle == "not configured"


async def test_stale_alerts_keep_rows_and_say_since_when(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE):
        pane = app.query_one(AlertsPane)
        snapshot = sample_data.alert_snapshot()
        pane.update_snapshot(snapshot, FROZEN)
        stale = snapshot.freshness.failed(FROZEN, "connection refused")
        pane.update_snapshot(type(snapshot)(snapshot.alerts, stale), FROZEN)
        assert pane.table.row_count == len(snapshot.alerts)
        # Last success 16:30:01 UTC is 17:30 in Berlin, the configured zone.
        assert pane.border_subtitle == "stale since 17:30: connection refused"
        assert pane.has_class("-stale")


async def test_a_broken_notebook_write_is_said_and_polling_goes_on(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        assert app.notebook is not None
        app.notebook.close()  # every write now raises sqlite3.ProgrammingError
        app.recording.alerts = ()

        async def answer(client: Any) -> AlertSnapshot:
            return sample_data.alert_snapshot()

        app._alerts.poll = answer  # type: ignore[method-assign]
        app.http = httpx.AsyncClient()
        try:
            await app.polling.driver.run_once("alerts")
        finally:
            await app.http.aclose()
            app.http = None
        await pilot.pause()
        assert "alerts" not in app.polling.schedule.running
        assert "alerts" in app.polling.schedule.due(math.inf)  # the next cycle is armed
        assert any("Could not write to the notebook" in str(n.message) for n in app._notifications)
        # The pane still shows what the cycle brought.
        assert app.query_one(AlertsPane).table.row_count == 4
        app.notebook = None  # closed already; keep on_unmount from closing it twice


def testbudget_left_text_stays_short_when_far_overspent() -> None:
    from datetime import timedelta

    from cockpit.model.slo import ErrorBudget
    from cockpit.ui.panes.slo import budget_left_text

    assert (
        budget_left_text(ErrorBudget(0.999, timedelta(days=30), 0.95216)) == "-4684% -2023m"
    )  # -46.84 x 43.2 min
    assert budget_left_text(ErrorBudget(0.999, timedelta(days=30), 0.99962)) == "62.0% 26.8m"
    assert budget_left_text(ErrorBudget(0.999, timedelta(days=30), None)) == "—"


def test_snapshot_probe_detail(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app: CockpitApp = pilot.app  # type: ignore[assignment]
        _fill(app)
        app._probes.states.update({s.name: s for s in sample_data.probe_snapshot().probes})
        await pilot.press("5", "down", "down", "down", "enter")  # a child row opens its probe
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


async def test_enter_on_a_probe_opens_its_detail(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from cockpit.ui.screens.probe_detail import ProbeDetailScreen

    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        _fill(app)
        app._probes.states.update({s.name: s for s in sample_data.probe_snapshot().probes})
        await pilot.press("5", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProbeDetailScreen)
        assert app.screen.probe.name == "dependencies"
        await pilot.press("escape")
        assert not isinstance(app.screen, ProbeDetailScreen)


async def test_a_recovered_probe_keeps_its_last_failure_visible(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from dataclasses import replace

    app = make_app(sample_config)
    async with app.run_test(size=SIZE):
        snapshot = sample_data.probe_snapshot()
        ready, dependencies = snapshot.probes
        recovered = replace(ready, last_failure=dependencies.last)
        pane = app.query_one(ProbesPane)
        pane.update_snapshot(type(snapshot)((recovered,), snapshot.freshness), FROZEN)
        reason = str(pane.table.get_row("ready")[5])
        # 16:30 UTC is 17:30 in Berlin, the configured zone.
        assert reason == "17:30 [STATUS] == 200: got 503"


def test_snapshot_slo_detail(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from cockpit.services.slo_history import BudgetHistory
    from cockpit.ui.screens.slo_detail import SloDetailScreen

    async def run_before(pilot: Pilot[None]) -> None:
        app: CockpitApp = pilot.app  # type: ignore[assignment]
        app._slo.last = sample_data.slo_snapshot(app.config)
        _fill(app)
        await pilot.press("1", "down", "enter")  # api-availability, second by budget
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SloDetailScreen)
        # A budget that drains over the window, with no data in its first hours.
        points = (None, None, *(1 - i / 80 for i in range(59)))
        screen.show_history(BudgetHistory(points))
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


async def test_slo_detail_without_prometheus_says_so(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from cockpit.ui.screens.slo_detail import SloDetailScreen

    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        app._slo.last = sample_data.slo_snapshot(app.config)
        _fill(app)
        await pilot.press("1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SloDetailScreen)
        history = str(app.screen.query_one("#slo-history").render())
        assert "not available (Prometheus is not configured)" in history


async def test_text_from_a_health_body_is_never_read_as_markup(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from dataclasses import replace

    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        snapshot = sample_data.probe_snapshot()
        ready, dependencies = snapshot.probes
        assert dependencies.last is not None
        odd = "error=[/var/run/pg.sock] missing [bold"
        last = replace(dependencies.last, reason=odd)
        pane = app.query_one(ProbesPane)
        pane.update_snapshot(
            type(snapshot)((ready, replace(dependencies, last=last)), snapshot.freshness), FROZEN
        )
        await pilot.pause()
        assert str(pane.table.get_row("dependencies")[5]) == odd
        assert app.is_running
