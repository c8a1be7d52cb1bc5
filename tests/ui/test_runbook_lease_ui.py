"""One cockpit drives a run: the second opener's dialog (read-only or take over), a stale
lease taken with a word, and the first cockpit's screen after a takeover."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from cockpit import locations
from cockpit.config import Config
from cockpit.model.run_lease import LeaseHolder
from cockpit.services.run_lease import LeaseKeeper
from cockpit.store import Notebook, open_notebook
from cockpit.store.run_leases import (
    LeaseLostError,
    current_lease,
    renew_lease,
    take_lease,
    takeovers,
)
from cockpit.store.runbook_runs import load_run, record_step
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.runbook_lease import RunHeldScreen
from cockpit.ui.screens.runbook_open import open_runbook
from cockpit.ui.screens.runbook_run import RunbookRunScreen

from .conftest import FROZEN
from .test_runbook_run_screen import LABELS, SIZE, config, prometheus, run_screen

__all__ = ["config", "prometheus"]  # fixtures shared with the run screen's tests

SAM = LeaseHolder("sam", "host-a", 123, "sam-token-123")


@pytest.fixture
def other() -> Iterator[Notebook]:
    """Sam's cockpit: a second connection to the same notebook."""
    with open_notebook(locations.database_file()) as store:
        yield store


def banner(app: CockpitApp) -> str:
    widget = app.screen.query_one("#rb-lease", Static)
    return str(widget.render()) if widget.display else ""


async def paused_then_held_by_sam(pilot: Pilot[None], other: Notebook, quiet: float = 10) -> None:
    """Alice starts and pauses run #1; then sam opens it and last beat ``quiet`` s ago."""
    open_runbook(pilot.app, "ui-demo", labels=LABELS)  # type: ignore[arg-type]
    await pilot.pause()
    await pilot.press("d", "p")
    await pilot.pause()
    take_lease(other, 1, SAM, FROZEN - timedelta(minutes=5))
    renew_lease(other, 1, SAM, FROZEN - timedelta(seconds=quiet))
    open_runbook(pilot.app, "ui-demo", labels=LABELS)  # type: ignore[arg-type]
    await pilot.pause()


def test_snapshot_run_held_by_someone_else(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config, other: Notebook
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await paused_then_held_by_sam(pilot, other, quiet=40)
        assert isinstance(pilot.app.screen, RunHeldScreen)

    assert snap_compare(make_app(config), terminal_size=SIZE, run_before=run_before)


def test_snapshot_run_screen_after_a_takeover(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config, other: Notebook
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        open_runbook(pilot.app, "ui-demo", labels=LABELS)  # type: ignore[arg-type]
        await pilot.pause()
        take_lease(other, 1, SAM, FROZEN, take_over=True)
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(make_app(config), terminal_size=SIZE, run_before=run_before)


async def test_second_opener_sees_who_then_watches_read_only_then_takes_over(
    make_app: Callable[..., CockpitApp], config: Config, other: Notebook
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await paused_then_held_by_sam(pilot, other)
        dialog = app.screen
        assert isinstance(dialog, RunHeldScreen)
        held = str(dialog.query_one("#run-held", Static).render())
        # FROZEN is 16:30:05 UTC, 17:30:05 in Berlin: sam opened it five minutes before.
        assert held == "sam on host-a (pid 123) has this run open since 17:25"
        await pilot.press("v")
        await pilot.pause()
        screen = run_screen(app)
        assert screen.session.watching is not None and screen.session.holder is None
        assert "READ-ONLY · sam on host-a (pid 123) has this run open since 17:25" in banner(app)
        assert screen.session.state.steps[0].outcome == "done"  # alice's step, as stored
        await pilot.press("down", "d")  # refused: nothing is recorded
        await pilot.pause()
        assert any("read-only" in str(n.message) for n in app._notifications)
        assert app.notebook is not None
        loaded = load_run(app.notebook, 1)
        assert loaded is not None and loaded[0].steps[1].outcome == "pending"
        await pilot.press("escape")
        await pilot.pause()
        lease = current_lease(app.notebook, 1)
        assert lease is not None and lease.holder == SAM  # watching took nothing

        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        assert isinstance(app.screen, RunHeldScreen)
        await pilot.press("t")
        await pilot.pause()
        screen = run_screen(app)
        assert screen.session.holder is not None and banner(app) == ""
        assert any("Took over run #1 from sam" in str(n.message) for n in app._notifications)
        await pilot.press("d")
        loaded = load_run(app.notebook, 1)
        assert loaded is not None and loaded[0].steps[1].who == "alice"
        assert takeovers(app.notebook, 1)[0].previous.holder == SAM
        with pytest.raises(LeaseLostError):
            renew_lease(other, 1, SAM, FROZEN)  # sam's cockpit will hear it at its next beat


async def test_escape_leaves_a_held_run_alone(
    make_app: Callable[..., CockpitApp], config: Config, other: Notebook
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await paused_then_held_by_sam(pilot, other)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (RunHeldScreen, RunbookRunScreen))
        assert app.notebook is not None and takeovers(app.notebook, 1) == []


async def test_a_stale_lease_is_taken_with_a_word(
    make_app: Callable[..., CockpitApp], config: Config, other: Notebook
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await paused_then_held_by_sam(pilot, other, quiet=120)  # sam's cockpit crashed
        screen = run_screen(app)  # no dialog
        assert screen.session.takeover is not None and screen.session.takeover.stale
        assert any(
            "Took over run #1: sam on host-a (pid 123) had it open but gave no sign of life "
            "since 17:28:05." in str(n.message)
            for n in app._notifications
        )
        assert app.notebook is not None and takeovers(app.notebook, 1)[0].stale


async def test_after_a_takeover_the_first_screen_refuses_writes_and_says_by_whom(
    make_app: Callable[..., CockpitApp], config: Config, other: Notebook
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        screen = run_screen(app)
        assert screen.keeper is not None  # the heartbeat runs while the run is open
        take_lease(other, 1, SAM, FROZEN, take_over=True)  # sam takes it over
        await pilot.press("d")  # alice's next write is refused
        await pilot.pause()
        assert screen.session.lost is not None
        assert "TAKEN OVER by sam on host-a (pid 123)" in banner(app)
        assert any(
            "run #1 is not yours any more: sam on host-a (pid 123) took it over" in str(n.message)
            for n in app._notifications
        )
        assert screen.session.state.steps[0].outcome == "pending"
        assert app.notebook is not None
        loaded = load_run(app.notebook, 1)
        assert loaded is not None and loaded[0].steps[0].outcome == "pending"
        await pilot.press("p")  # closing writes nothing and leaves sam's lease alone
        await pilot.pause()
        lease = current_lease(app.notebook, 1)
        assert lease is not None and lease.holder == SAM
        assert load_run(app.notebook, 1) == loaded


async def test_the_heartbeat_notices_a_takeover_before_any_key(
    make_app: Callable[..., CockpitApp],
    config: Config,
    other: Notebook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quick = functools.partial(LeaseKeeper, every=0.05)
    monkeypatch.setattr("cockpit.ui.screens.runbook_lease.LeaseKeeper", quick)
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        screen = run_screen(app)
        take_lease(other, 1, SAM, FROZEN, take_over=True)
        for _ in range(100):
            await pilot.pause(0.05)
            if screen.session.lost is not None:
                break
        assert screen.session.lost is not None, "the heartbeat did not notice"
        await pilot.pause()
        assert "TAKEN OVER by sam on host-a (pid 123)" in banner(app)


async def test_a_finished_run_lets_go_and_its_last_beats_say_nothing(
    make_app: Callable[..., CockpitApp],
    config: Config,
    other: Notebook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quick = functools.partial(LeaseKeeper, every=0.05)
    monkeypatch.setattr("cockpit.ui.screens.runbook_lease.LeaseKeeper", quick)
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        screen = run_screen(app)
        await pilot.press("d", "d", "d", "d")
        await pilot.pause()
        assert screen.session.state.status == "done"
        assert current_lease(other, 1) is None
        await pilot.pause(0.3)  # several beats' worth
        assert screen.session.lost is None and banner(app) == ""


async def test_watching_shows_what_the_driving_cockpit_records(
    make_app: Callable[..., CockpitApp], config: Config, other: Notebook
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await paused_then_held_by_sam(pilot, other)
        await pilot.press("v")
        await pilot.pause()
        screen = run_screen(app)
        loaded = load_run(other, 1)
        assert loaded is not None
        sams = loaded[0].resume().record(1, "done", at=FROZEN, who="sam")
        record_step(other, sams, 1, holder=SAM, now=FROZEN)
        screen.reload_watched()  # what its timer does every 15 s
        await pilot.pause()
        assert screen.session.state.steps[1].who == "sam"
        assert screen.session.watching is not None  # still read-only


async def test_quitting_the_cockpit_lets_go_of_the_open_run(
    make_app: Callable[..., CockpitApp], config: Config, other: Notebook
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        open_runbook(app, "ui-demo", labels=LABELS)
        await pilot.pause()
        assert current_lease(other, 1) is not None
        await app.action_quit()
        await pilot.pause()
    assert current_lease(other, 1) is None  # the next opener is not asked about it
