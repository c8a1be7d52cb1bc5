"""The SLO detail names its query and says how much of the window holds data."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

from rich.console import Console

from cockpit.config import Config
from cockpit.services.slo_history import BudgetHistory
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.slo import SloPane
from cockpit.ui.screens.slo_detail import SloDetailScreen, describe

from . import sample_data
from .conftest import FROZEN


async def test_detail_shows_the_query_and_how_little_data_the_window_holds(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=(160, 48)) as pilot:
        snapshot = sample_data.slo_snapshot(app.config)
        app._slo.last = snapshot
        app.query_one(SloPane).update_snapshot(snapshot, FROZEN)
        await pilot.press("1", "down", "enter")  # api-availability, second by budget
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SloDetailScreen)
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(describe(screen.slo_status))
        body = console.export_text()
        assert "1 - (sum(rate(ok[30d]))) / (sum(rate(all[30d])))" in body
        points = (None,) * 58 + (0.5, 0.2, -3.4)
        screen.show_history(BudgetHistory(points, held=timedelta(minutes=23), held_known=True))
        await pilot.pause()
        history = str(screen.query_one("#slo-history").render())
        assert "the 30d window holds only 23m00s of data" in history
        # A full window says nothing more.
        full = BudgetHistory(points, held=timedelta(days=30), held_known=True)
        screen.show_history(full)
        await pilot.pause()
        assert "window holds" not in str(screen.query_one("#slo-history").render())
