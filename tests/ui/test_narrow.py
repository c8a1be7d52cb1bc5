"""Issue 14 item 8: at 80x24 and 100x30 every pane is usable: columns adapt to the width
(no table scrolls sideways), the least important ones go first, and the timeline's event
takes the room it has (maximised too) with `by` wide enough for `alertmanager`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from cockpit.config import Config
from cockpit.ui.app import PANES, CockpitApp
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.base import Pane

from .test_main_screen import _fill

NARROW = [(80, 24), (100, 30)]


def _labels(pane: Pane) -> list[str]:
    return [str(c.label) for c in pane.table.columns.values()]


def _widths(pane: Pane) -> dict[str, int]:
    return {str(c.label): c.width for c in pane.table.columns.values()}


def _fits(pane: Pane) -> bool:
    table = pane.table
    return table.virtual_size.width <= table.scrollable_content_region.width


@pytest.mark.parametrize("size", [*NARROW, (160, 48)])
async def test_no_pane_scrolls_sideways(
    size: tuple[int, int], make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=size) as pilot:
        _fill(app)
        await pilot.pause()
        await pilot.pause()
        for name in PANES:
            pane = app.pane(name)
            assert _fits(pane), (name, _widths(pane), pane.table.scrollable_content_region)
            # and no scrollbar left from before the columns were fitted (an empty row)
            assert not pane.table.show_horizontal_scrollbar, (name, pane.table.virtual_size)
        alerts = _labels(app.pane("alerts"))
        assert {"sev", "alert", "summary", "state", "since"} <= set(alerts)
        assert {"SLO", "budget left", "status"} <= set(_labels(app.pane("slo")))
        assert {"probe", "state", "latency"} <= set(_labels(app.pane("probes")))
        assert {"time", "type", "event"} <= set(_labels(app.pane("timeline")))
        assert {"runbook", "steps"} <= set(_labels(app.pane("runbooks")))


async def test_at_80_columns_the_least_important_go_first(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=(80, 24)) as pilot:
        _fill(app)
        await pilot.pause()
        assert "ack" not in _labels(app.pane("alerts"))
        assert "target" not in _labels(app.pane("slo"))
        assert "recent" not in _labels(app.pane("probes"))
        # The row still has every cell; the table shows those of the columns kept.
        table = app.pane("alerts").table
        assert [str(c) for c in table.get_row_at(0)][:2] == ["critical", "HighErrorRate"]
        assert str(table.get_row_at(0)[-1]) == "12m00s"


async def test_a_scrollbar_that_comes_with_more_rows_does_not_push_columns_off(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from cockpit.model.snapshots import AlertSnapshot

    from . import sample_data
    from .conftest import FROZEN

    app = make_app(sample_config)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(AlertsPane)
        full = sample_data.alert_snapshot()
        pane.update_snapshot(AlertSnapshot(full.alerts[:1], full.freshness), FROZEN)
        await pilot.pause()
        await pilot.pause()
        assert _fits(pane) and not pane.table.show_vertical_scrollbar
        pane.update_snapshot(full, FROZEN)  # more rows than the pane is high
        await pilot.pause()
        await pilot.pause()
        assert pane.table.show_vertical_scrollbar
        assert _fits(pane), (_widths(pane), pane.table.scrollable_content_region)


async def test_the_timeline_event_takes_the_width_and_by_fits_alertmanager(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=(160, 48)) as pilot:
        _fill(app)
        await pilot.pause()
        timeline = app.pane("timeline")
        assert _widths(timeline)["by"] >= len("alertmanager")
        normal = _widths(timeline)["event"]
        await pilot.press("3", "z")
        await pilot.pause()
        await pilot.pause()
        maximised = _widths(timeline)["event"]
        assert maximised > normal + 60  # the whole terminal's width, not 43 cells
        assert _fits(timeline)
        await pilot.press("z")
        await pilot.pause()
        await pilot.pause()
        assert _widths(timeline)["event"] == normal


async def test_a_resize_keeps_the_rows_and_the_cursor(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=(160, 48)) as pilot:
        _fill(app)
        await pilot.pause()
        await pilot.press("2", "down", "down")
        pane = app.query_one(AlertsPane)
        chosen = pane.selected_alert()
        assert chosen is not None and "ack" in _labels(pane)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert "ack" not in _labels(pane)
        assert pane.table.row_count == 4
        assert pane.selected_alert() == chosen
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        await pilot.pause()
        assert "ack" in _labels(pane) and pane.selected_alert() == chosen


async def test_the_alerts_border_keeps_its_notes_when_the_age_is_redrawn(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=(160, 48)) as pilot:
        _fill(app)
        pane = app.query_one(AlertsPane)
        assert pane.apply_filter("service=demo-api")
        await pilot.pause()
        assert pane.border_subtitle == 'updated 4s ago · filter: service="demo-api"'
        app.redraw_ages()
        assert pane.border_subtitle == 'updated 4s ago · filter: service="demo-api"'


@pytest.mark.parametrize("size", NARROW, ids=["80x24", "100x30"])
def test_snapshot_narrow_main_screen(
    size: tuple[int, int],
    snap_compare: Any,
    make_app: Callable[..., CockpitApp],
    sample_config: Config,
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        _fill(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=size, run_before=run_before)


def test_snapshot_timeline_maximised_at_80x24(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        _fill(pilot.app)  # type: ignore[arg-type]
        await pilot.press("3", "z")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=(80, 24), run_before=run_before)
