"""The alerts pane at size: cells are made only for the rows drawn, an unchanged snapshot
keeps its rows, the cursor follows its alert across refreshes, and keys and the mouse
work on a long list (ui/lazy_table.py)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from rich.text import Text

from cockpit.config import Config, parse
from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.snapshots import AlertSnapshot
from cockpit.ui import lazy_table
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes import alerts as alerts_pane
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.screens.alert_detail import AlertDetailScreen

from . import alerts_sample as sample
from .conftest import FROZEN

SIZE = (160, 48)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return parse(tomllib.loads(sample.CONFIG), tmp_path / "config.toml")


def many(count: int) -> tuple[Alert, ...]:
    return tuple(
        Alert(
            name=f"Bench{i % 7}",
            labels={"alertname": f"Bench{i % 7}", "severity": "warning", "instance": f"h{i}"},
            annotations={"summary": f"summary {i}"},
            starts_at=FROZEN - timedelta(minutes=i % 90),
            fingerprint=f"fp{i:05d}",
        )
        for i in range(count)
    )


def snapshot_of(alerts: tuple[Alert, ...]) -> AlertSnapshot:
    return AlertSnapshot(alerts, Freshness().succeeded(FROZEN))


def keys(app: CockpitApp) -> list[str]:
    return [str(k.value) for k in app.query_one(AlertsPane).table.rows]


def cursor_key(app: CockpitApp) -> str:
    table = app.query_one(AlertsPane).table
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


async def test_only_the_rows_drawn_have_their_cells_made(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(AlertsPane)
        pane.update_snapshot(snapshot_of(many(3000)), FROZEN)
        await pilot.pause()
        table = pane.lazy_table
        assert table.row_count == 3000
        made = set(dict.keys(table._made))
        assert 0 < len(made) <= table.size.height
        app.action_focus_pane("alerts")
        await pilot.press("ctrl+end")  # end scrolls sideways
        await pilot.pause()
        assert cursor_key(app) == "fp02999"
        assert [str(c) for c in table.get_row_at(2999)][1:4] == [
            "Bench3",
            "instance=h2999",
            "summary 2999",
        ]
        assert len(dict.keys(table._made)) <= 2 * table.size.height + 1


async def test_the_cursor_follows_its_alert_when_rows_move(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(AlertsPane)
        alerts = many(50)
        pane.update_snapshot(snapshot_of(alerts), FROZEN)
        app.action_focus_pane("alerts")
        pane.table.move_cursor(row=10)
        await pilot.pause()
        assert cursor_key(app) == "fp00010"
        # Three new alerts ranked above it, one below it gone.
        newer = many(53)[50:]
        pane.update_snapshot(snapshot_of((*newer, *alerts[:20], *alerts[21:])), FROZEN)
        await pilot.pause()
        assert pane.table.cursor_row == 13 and cursor_key(app) == "fp00010"
        assert pane.selected_alert() == alerts[10]
        # Its alert gone: the cursor stays where it was.
        pane.update_snapshot(snapshot_of((*newer, *alerts[:10], *alerts[11:])), FROZEN)
        await pilot.pause()
        assert pane.table.cursor_row == 13 and cursor_key(app) == "fp00011"


async def test_an_unchanged_snapshot_keeps_its_rows_and_only_ages_move(
    make_app: Callable[..., CockpitApp], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(AlertsPane)
        alerts = many(200)
        pane.update_snapshot(snapshot_of(alerts), FROZEN)
        await pilot.pause()
        made: list[object] = []
        forgotten: list[object] = []
        rows_of = alerts_pane.alert_rows
        monkeypatch.setattr(alerts_pane, "alert_rows", lambda *a: made.append(a) or rows_of(*a))
        forget = lazy_table.LazyTable.forget_cells
        monkeypatch.setattr(
            lazy_table.LazyTable, "forget_cells", lambda t: forgotten.append(t) or forget(t)
        )
        pane.update_snapshot(snapshot_of(alerts), FROZEN)  # equal, not the same tuple
        await pilot.pause()
        assert made == [] and forgotten == []  # nothing on screen changed: no redraw
        assert str(pane.table.get_row_at(0)[5]) == "0s"
        pane.update_snapshot(snapshot_of(alerts), FROZEN + timedelta(minutes=2))
        await pilot.pause()
        assert made == [] and len(forgotten) == 1
        assert str(pane.table.get_row_at(0)[5]) == "2m00s"
        redrawn: list[set[object]] = []
        forget_rows = lazy_table.LazyTable._forget_rows
        monkeypatch.setattr(
            lazy_table.LazyTable,
            "_forget_rows",
            lambda t, keys: redrawn.append(keys) or forget_rows(t, keys),
        )
        later = FROZEN + timedelta(minutes=2)
        # An alert far below the screen changed: its row is made when drawn, nothing now.
        changed = (
            *alerts[:150],
            replace(alerts[150], annotations={"summary": "far"}),
            *alerts[151:],
        )
        pane.update_snapshot(snapshot_of(changed), later)
        await pilot.pause()
        assert len(made) == 1 and redrawn == [] and len(forgotten) == 1
        # The first alert changed: its row alone is drawn again, and the screen shows it.
        changed = (replace(alerts[0], annotations={"summary": "summary changed 42"}), *changed[1:])
        pane.update_snapshot(snapshot_of(changed), later)
        await pilot.pause()
        assert len(made) == 2 and redrawn == [{"fp00000"}] and len(forgotten) == 1
        assert str(pane.table.get_row_at(0)[3]) == "summary changed 42"
        assert "summary\xa0changed\xa042" in app.export_screenshot().replace("&#160;", "\xa0")


async def test_a_click_moves_the_cursor_and_a_second_opens_the_alert(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(AlertsPane)
        pane.update_snapshot(snapshot_of(many(500)), FROZEN)
        app.action_focus_pane("alerts")
        await pilot.press("pagedown")
        await pilot.pause()
        top = int(pane.table.scroll_y)
        assert top > 0
        # Line 0 is the header: line 3 is the third row in view.
        await pilot.click(pane.table, offset=(30, 3))
        await pilot.pause()
        assert pane.table.cursor_row == top + 2
        await pilot.click(pane.table, offset=(30, 3))
        await pilot.pause()
        assert isinstance(app.screen, AlertDetailScreen)
        assert app.screen.alert.fingerprint == f"fp{top + 2:05d}"


async def test_a_new_theme_recolours_the_rows_of_an_unchanged_snapshot(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(AlertsPane)
        alerts = many(30)
        pane.update_snapshot(snapshot_of(alerts), FROZEN)
        await pilot.pause()
        before = pane.table.get_row_at(0)[0]
        assert isinstance(before, Text) and str(before.style) == pane.colour("alert-warning")
        app.theme = "cockpit-light"
        await pilot.pause()
        pane.update_snapshot(snapshot_of(alerts), FROZEN)  # what the app's refresh brings
        await pilot.pause()
        after = pane.table.get_row_at(0)[0]
        assert isinstance(after, Text) and str(after.style) == pane.colour("alert-warning")
        assert after.style != before.style
