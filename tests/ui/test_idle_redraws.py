"""Issue 18: the open cockpit costs nothing while nothing changes. A tick that brings the
same answer, or a clock that shows the same second, redraws nothing and never lays the
screen out again (counted with spies, on an injected clock; never timed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.geometry import Region

from cockpit.config import Config
from cockpit.model.freshness import Freshness
from cockpit.model.snapshots import ProbeSnapshot
from cockpit.ui.app import CockpitApp
from cockpit.ui.header import OnCallHeader
from cockpit.ui.panes.base import Pane
from cockpit.ui.panes.probes import ProbesPane
from cockpit.ui.panes.slo import SloPane
from cockpit.ui.panes.timeline import TimelinePane

from . import sample_data
from .conftest import FROZEN

SIZE = (160, 48)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Spy:
    """Counts the calls of a widget's method (and their keyword arguments)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, widget: object, name: str) -> None:
        self.calls: list[dict[str, Any]] = []
        self.args: list[tuple[Any, ...]] = []
        real = getattr(widget, name)

        def spy(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(kwargs)
            self.args.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(widget, name, spy)

    @property
    def count(self) -> int:
        return len(self.calls)


def _probes(at: datetime) -> ProbeSnapshot:
    snapshot = sample_data.probe_snapshot()
    return ProbeSnapshot(snapshot.probes, Freshness().succeeded(at))


async def test_a_probe_tick_with_the_same_states_redraws_nothing_but_the_age(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(FROZEN)
    app = make_app(sample_config, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ProbesPane)
        pane.update_snapshot(_probes(FROZEN), clock())
        await pilot.pause()
        message = Spy(monkeypatch, pane.message, "update")
        cells = Spy(monkeypatch, pane.table, "refresh")
        repaints = Spy(monkeypatch, pane, "refresh")
        # The same second, the same states: nothing at all.
        pane.update_snapshot(_probes(FROZEN), clock())
        assert (message.count, cells.count, repaints.count) == (0, 0, 0)
        # A second later, the same answer: the age line only.
        clock.advance(1)
        pane.update_snapshot(_probes(FROZEN), clock())
        assert (message.count, cells.count, repaints.count) == (0, 0, 1)
        assert pane.border_subtitle == "updated 1s ago"
        # A probe that answered anew redraws its own row (its line alone), and it shows.
        first, second = sample_data.probe_snapshot().probes
        assert first.last is not None
        faster = replace(first, last=replace(first.last, latency_ms=3.0))
        pane.update_snapshot(
            ProbeSnapshot((faster, second), Freshness().succeeded(clock())), clock()
        )
        assert message.count == 0 and cells.count == 1
        (regions,) = cells.args
        assert len(regions) == 1 and regions[0].height == 1
        table = pane.table
        row = table.get_row_index(first.name) + 1  # under the header
        await pilot.pause()
        line = table.render_lines(Region(0, row, table.size.width, 1))[0].text
        assert " 3 ms" in line


async def test_an_slo_tick_with_the_same_figures_does_not_touch_the_table_or_message(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(SloPane)
        pane.update_snapshot(sample_data.slo_snapshot(sample_config), FROZEN)
        await pilot.pause()
        message = Spy(monkeypatch, pane.message, "update")
        cells = Spy(monkeypatch, pane.table, "update_cell")
        rows = Spy(monkeypatch, pane, "show")
        for _ in range(3):
            pane.update_snapshot(sample_data.slo_snapshot(sample_config), FROZEN)
        assert (message.count, cells.count, rows.count) == (0, 0, 0)


async def test_a_pane_message_is_written_only_when_its_text_changes(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(TimelinePane)
        await pilot.pause()
        message = Spy(monkeypatch, pane.message, "update")
        title = Spy(monkeypatch, pane, "refresh")
        for _ in range(3):
            pane.update_events("recent events", (), FROZEN, "Nothing recorded yet.")
        # Written once (a new text lays the screen out), then left alone.
        assert message.count == 1 and pane.message.display
        assert title.count == 1  # the heading, set once
        pane.update_events("recent events", (), FROZEN, "Still nothing.")
        assert message.count == 2


async def test_the_age_lines_are_not_redrawn_when_the_second_shown_is_the_same(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(FROZEN)
    app = make_app(sample_config, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(ProbesPane).update_snapshot(_probes(FROZEN), clock())
        await pilot.pause()
        spies = {pane.id: Spy(monkeypatch, pane, "refresh") for pane in app.query(Pane)}
        app.redraw_ages()
        clock.advance(0.4)  # still "updated 0s ago"
        app.redraw_ages()
        assert all(spy.count == 0 for spy in spies.values())
        clock.advance(1)
        app.redraw_ages()
        assert spies["probes"].count == 1
        assert app.pane("probes").border_subtitle == "updated 1s ago"


async def test_the_header_clock_redraws_its_own_line_only_when_the_text_changes(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(FROZEN)
    app = make_app(sample_config, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        header = app.query_one(OnCallHeader)
        await pilot.pause()
        update = Spy(monkeypatch, header, "update")
        header.refresh_text()
        header.refresh_text()
        assert update.count == 0  # the same second: nothing
        clock.advance(1)
        header.refresh_text()
        assert update.count == 1
        # Its own line: the header is one row high, so no layout of the screen.
        assert update.calls == [{"layout": False}]
        assert "17:30:06 CET" in str(header.render())  # Europe/Berlin


async def test_a_new_age_repaints_the_panes_bottom_line_alone_and_it_shows(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(FROZEN)
    app = make_app(sample_config, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ProbesPane)
        pane.update_snapshot(_probes(FROZEN), clock())
        await pilot.pause()
        width, height = pane.outer_size
        bottom = Region(0, height - 1, width, 1)

        def drawn() -> str:  # the pane's bottom line as the screen gets it (cached lines too)
            return "".join(strip.text for strip in pane.render_lines(bottom))

        assert "updated 0s ago" in drawn()
        repaints = Spy(monkeypatch, pane, "refresh")
        clock.advance(17)
        app.redraw_ages()
        await pilot.pause()
        assert "updated 17s ago" in drawn()
        assert pane.border_subtitle == "updated 17s ago"
        # One region, one line high, at the bottom border: not the rows inside.
        assert len(repaints.args) == 1 and len(repaints.args[0]) == 1
        region = repaints.args[0][0]
        assert region.height == 1 and region.width == width
        assert region.y + pane.content_offset.y == height - 1


async def test_the_header_clock_and_the_ages_share_one_tick_that_runs_under_a_dialog(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from textual.screen import ModalScreen

    clock = Clock(FROZEN)
    app = make_app(sample_config, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        header = app.query_one(OnCallHeader)
        # One timer for both: the header has none of its own.
        assert not header._timers
        ticks = [t for t in app._timers if getattr(t, "_callback", None) == app.redraw_ages]
        assert len(ticks) == 1
        await app.push_screen(ModalScreen[None]())
        await pilot.pause()
        clock.advance(60)
        app.redraw_ages()
        assert "17:31:05 CET" in str(header.render())
