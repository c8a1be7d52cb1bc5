"""SLOs on two Prometheus servers: the pane names each SLO's server, a server that is down
is named on the border with its SLOs marked stale, and the SLO detail names the server and
asks it (not the first one) for the budget's history."""

from __future__ import annotations

import io
import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot

from cockpit.config import Config, parse
from cockpit.model.freshness import Freshness
from cockpit.model.slo_definition import SloDefinition
from cockpit.model.snapshots import SloSnapshot
from cockpit.services.slo_history import BudgetHistory
from cockpit.sources.prometheus import PrometheusQueries
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.slo import SloPane
from cockpit.ui.screens.slo_detail import SloDetailScreen, describe

from . import sample_data
from .conftest import FROZEN, SAMPLE

SIZE = (160, 48)
SERVERS = """
[[prometheus]]
name = "eu"
url = "http://127.0.0.1:9"

[[prometheus]]
name = "us"
url = "http://127.0.0.1:19"
"""
REFUSED = "cannot connect to 127.0.0.1:19 (connection refused)"


def _config(tmp_path: Path) -> Config:
    # The latency SLO on the second server, the availability one on the first (default).
    text = SAMPLE.replace('sli = "latency"', 'sli = "latency"\nprometheus = "us"')
    return parse(tomllib.loads(SERVERS + text), tmp_path / "config.toml")


def _us_down(config: Config) -> SloSnapshot:
    """The sample SLOs; "us" stopped answering at 17:03 (Berlin), "eu" answers."""
    sample = sample_data.slo_snapshot(config)
    availability, latency = sample.slos
    down = Freshness().succeeded(FROZEN - timedelta(minutes=27)).failed(FROZEN, REFUSED)
    return SloSnapshot(
        (replace(availability, server="eu"), replace(latency, server="us", error=REFUSED)),
        sample.freshness,
        {"eu": sample.freshness, "us": down},
    )


def _fill(app: CockpitApp) -> None:
    snapshot = _us_down(app.config)
    app._slo.last = snapshot
    app.query_one(SloPane).update_snapshot(snapshot, FROZEN)


def test_snapshot_slos_on_two_servers_one_down(
    snap_compare: Any, make_app: Callable[..., CockpitApp], tmp_path: Path
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        _fill(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()

    app = make_app(_config(tmp_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_server_down_is_named_on_the_border_and_its_slos_are_stale(
    make_app: Callable[..., CockpitApp], tmp_path: Path
) -> None:
    app = make_app(_config(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        _fill(app)
        await pilot.pause()
        pane = app.query_one(SloPane)
        labels = [c.label.plain for c in pane.table.columns.values()]
        assert labels[:2] == ["SLO", "server"]

        def cells(key: str) -> dict[str, str]:
            row = pane.table.get_row(key)
            return {label: str(cell) for label, cell in zip(labels, row, strict=True)}

        assert cells("api-latency")["server"] == "us"
        assert cells("api-latency")["status"] == "stale"
        assert cells("api-availability")["server"] == "eu"
        assert cells("api-availability")["status"] == "healthy"
        subtitle = str(pane.border_subtitle)
        assert subtitle.startswith("updated 4s ago · ")
        assert f"us: stale since 17:03: {REFUSED}" in subtitle
        # The down server is said once on the border, not per SLO in the message line.
        assert not pane.message.display
        # The server answers again: the note goes.
        fresh = _us_down(app.config)
        fresh = replace(fresh, servers={"eu": fresh.freshness, "us": fresh.freshness})
        pane.update_snapshot(fresh, FROZEN)
        await pilot.pause()
        assert "us:" not in str(pane.border_subtitle)


async def test_one_server_has_no_server_column(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(SloPane).update_snapshot(sample_data.slo_snapshot(app.config), FROZEN)
        await pilot.pause()
        labels = [c.label.plain for c in app.query_one(SloPane).table.columns.values()]
        assert "server" not in labels


async def test_the_detail_names_the_server_and_asks_it_for_the_history(
    make_app: Callable[..., CockpitApp], tmp_path: Path, monkeypatch: Any
) -> None:
    asked: list[tuple[str, str]] = []

    def history(queries: PrometheusQueries, slo: SloDefinition, now: datetime) -> BudgetHistory:
        asked.append((queries.endpoint.name, slo.name))
        return BudgetHistory((), "not asked in this test")

    monkeypatch.setattr("cockpit.services.slo_history.budget_history", history)
    app = make_app(_config(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        _fill(app)
        await pilot.press("1", "enter")  # api-latency: the worst budget goes first
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SloDetailScreen)
        assert screen.slo_status.slo.name == "api-latency"
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(describe(screen.slo_status))
        assert "Prometheus  us" in console.export_text()
        assert asked == [("us", "api-latency")]


async def test_in_the_past_a_server_down_then_is_named_as_such(
    make_app: Callable[..., CockpitApp], tmp_path: Path
) -> None:
    app = make_app(_config(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        app.viewing = FROZEN - timedelta(hours=2)
        pane = app.query_one(SloPane)
        pane.update_snapshot(_us_down(app.config), FROZEN)
        await pilot.pause()
        assert f"us: no data then: {REFUSED}" in str(pane.border_subtitle)
