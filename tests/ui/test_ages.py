"""Issue 14 item 5: the panes' "updated 5s ago" counts up on its own, says what time the
data is from while refresh is paused, and turns stale when no answer came for too long."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from cockpit.config import Config
from cockpit.model.freshness import Freshness
from cockpit.model.snapshots import AlertSnapshot
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.alerts import AlertsPane

from . import sample_data
from .conftest import FROZEN

SIZE = (160, 48)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _answer(app: CockpitApp, at: datetime) -> None:
    snapshot = sample_data.alert_snapshot()
    app.query_one(AlertsPane).update_snapshot(
        AlertSnapshot(snapshot.alerts, Freshness().succeeded(at)), app.clock()
    )


async def test_the_age_counts_up_between_answers(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    clock = Clock(FROZEN)
    app = make_app(sample_config, clock=clock)
    async with app.run_test(size=SIZE):
        pane = app.pane("alerts")
        _answer(app, FROZEN)
        assert pane.border_subtitle == "updated 0s ago"
        # The app redraws the ages every second by itself...
        timers = [t for t in app._timers if getattr(t, "_callback", None) == app.redraw_ages]
        assert timers and all(t._interval == 1.0 for t in timers)
        # ...and each redraw reads the clock (the tick is called here, not waited for).
        clock.advance(17)
        app.redraw_ages()
        assert pane.border_subtitle == "updated 17s ago"
        clock.advance(60)
        app.redraw_ages()
        # No answer for 77 s against a 30 s refresh: stale, though nothing failed.
        assert pane.border_subtitle == (
            "stale since 17:30: no answer for 1m17s (refresh every 30s)"
        )
        assert pane.has_class("-stale")
        _answer(app, clock.now)
        assert pane.border_subtitle == "updated 0s ago"
        assert not pane.has_class("-stale")


async def test_paused_says_what_time_the_data_is_from(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    clock = Clock(FROZEN)
    app = make_app(sample_config, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane("alerts")
        _answer(app, FROZEN)
        await pilot.press("p")
        assert app.paused
        # FROZEN is 16:30:05 UTC, 17:30 in Berlin (the sample config's zone).
        assert pane.border_subtitle == "paused · data from 17:30"
        clock.advance(600)
        app.redraw_ages()
        assert pane.border_subtitle == "paused · data from 17:30"
        assert not pane.has_class("-stale")  # the user paused it; old data is expected
        await pilot.press("p")
        assert not app.paused
        assert pane.border_subtitle.startswith("stale since 17:30: no answer for 10m00s")
        assert pane.has_class("-stale")


async def test_the_age_tick_while_the_app_closes_is_harmless(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE):
        for pane in list(app.query(AlertsPane)):
            await pane.remove()  # as while the app tears its screen down
        app.redraw_ages()  # the timer may fire once more then
        assert app.is_running


async def test_brackets_in_an_error_or_a_filter_are_shown_as_written(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(AlertsPane)
        snapshot = sample_data.alert_snapshot()
        broken = Freshness().succeeded(FROZEN).failed(FROZEN, "HTTP 502: [2J[link=x]boom[/]")
        pane.update_snapshot(AlertSnapshot(snapshot.alerts, broken), FROZEN)
        assert pane.apply_filter('service=~"[a-z]+"')
        app.redraw_ages()
        await pilot.pause()
        assert app.is_running
        rendered = pane.border_subtitle.replace("\\[", "[")
        assert "HTTP 502: [2J[link=x]boom[/]" in rendered
        assert '[a-z]+' in rendered
