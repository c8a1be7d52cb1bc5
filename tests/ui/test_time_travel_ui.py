"""Time travel on the main screen: `[` goes a minute back and the header says it is the
past, the keys that would write are off; `L` is live again; a moment before anything
was recorded says "nothing recorded before ..."; `t` takes a typed time; the main
screen in the past (snapshot)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from cockpit.config import Config
from cockpit.model.runbook_parser import parse_runbook
from cockpit.model.runbook_run import RunState
from cockpit.store.events import record_events
from cockpit.store.probe_samples import ProbeSample, record_samples
from cockpit.store.runbook_runs import create_run
from cockpit.ui.app import CockpitApp
from cockpit.ui.header import OnCallHeader
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.probes import ProbesPane
from cockpit.ui.panes.timeline import TimelinePane
from cockpit.ui.screens.moment import MomentScreen

from . import sample_data
from .conftest import FROZEN

SIZE = (160, 48)
MINUTE = timedelta(minutes=1)


def _seed(app: CockpitApp) -> None:
    """Twenty minutes of probe samples up to now (dependencies down from -9 min), and
    the sample timeline."""
    assert app.notebook is not None
    samples = []
    for m in range(20, -1, -1):
        at = FROZEN - m * MINUTE
        down = m <= 9
        samples.append(ProbeSample("ready", at, "up", True, 12.0 + m))
        samples.append(ProbeSample("dependencies", at, "down" if down else "up", not down,
                                   30.0 + m, "got 503" if down else ""))  # fmt: skip
    record_samples(app.notebook, samples)
    record_events(app.notebook, sample_data.timeline_events())


async def _shown(pilot: Pilot[None], at: datetime) -> None:
    """Until the past moment's reads are back and on screen (a bound, not a timing)."""
    app: CockpitApp = pilot.app  # type: ignore[assignment]
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while app.travel.shown != at:
        assert datetime.now(UTC) < deadline, "the past never showed"
        await pilot.pause(0.05)
    await pilot.pause()


def _states(app: CockpitApp) -> dict[str, str]:
    table = app.query_one(ProbesPane).table
    return {name: str(table.get_row(name)[1]) for name in ("ready", "dependencies")}


def _header(app: CockpitApp) -> str:
    return str(app.query_one(OnCallHeader).render())


async def test_a_step_back_shows_the_past_with_the_writing_keys_off(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        _seed(app)
        book = parse_runbook("---\nname: demo\ntitle: Demo\n---\n- [ ] One\n", "demo.md")
        create_run(app.notebook, RunState.start(book, at=FROZEN - 5 * MINUTE, who="sam"))
        assert app.query_one(AlertsPane).check_action("ack", ()) is True
        await pilot.press("[")
        await _shown(pilot, FROZEN - MINUTE)
        assert app.viewing == FROZEN - MINUTE
        assert "VIEWING THE PAST: Fri 2026-11-20 17:29:05" in _header(app)
        assert app.query_one(OnCallHeader).has_class("-past")
        assert app.query_one(AlertsPane).check_action("ack", ()) is None
        assert app.query_one(TimelinePane).check_action("add_note", ()) is None
        assert app.check_action("new_incident", ()) is None
        assert _states(app) == {"ready": "up", "dependencies": "down"}
        assert str(app.pane_runbooks().border_subtitle) == "under way then: #1 demo (sam)"
        await pilot.press("{")  # 15 more minutes back: before the outage
        await _shown(pilot, FROZEN - 16 * MINUTE)
        assert _states(app) == {"ready": "up", "dependencies": "up"}
        assert str(app.pane_runbooks().border_subtitle) == "no run under way then"
        await pilot.press("L")
        await pilot.pause()
        assert app.viewing is None
        assert str(app.pane_runbooks().border_subtitle) == ""
        assert "VIEWING THE PAST" not in _header(app)
        assert app.query_one(AlertsPane).check_action("ack", ()) is True


async def test_a_moment_before_any_recording_says_so(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        _seed(app)
        before = FROZEN - timedelta(hours=2)
        app.travel.go(before)
        await _shown(pilot, before)  # the probes' freshness carries the moment's reason
        probes = app.query_one(ProbesPane)
        assert probes.freshness.error is not None
        assert "nothing recorded before 2026-11-20 16:10 UTC" in probes.freshness.error
        assert "nothing recorded before" in str(probes.border_subtitle)
        timeline = app.query_one(TimelinePane)
        assert "Nothing recorded before" in str(timeline.message.render())


async def test_t_takes_a_typed_time_and_a_typo_is_said(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        _seed(app)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, MomentScreen)
        app.screen.query_one(Input).value = "tomorrow"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MomentScreen)  # still open, with the reason
        assert "is not a time" in str(app.screen.query_one("#moment-problem").render())
        app.screen.query_one(Input).value = "-5m"
        await pilot.press("enter")
        await _shown(pilot, FROZEN - 5 * MINUTE)
        assert app.viewing == FROZEN - 5 * MINUTE


def test_snapshot_of_the_main_screen_in_the_past(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app: CockpitApp = pilot.app  # type: ignore[assignment]
        _seed(app)
        app.travel.go(FROZEN - 5 * MINUTE)
        await _shown(pilot, FROZEN - 5 * MINUTE)

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


async def test_a_timeline_event_jumps_to_its_moment_and_an_incident_to_its_detection(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from cockpit.store.incidents import create_incident
    from cockpit.ui.screens.incident_detail import IncidentDetailScreen
    from cockpit.ui.screens.timeline_event import TimelineEventScreen

    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        _seed(app)
        app.refresh_timeline()
        await pilot.press("3", "enter")  # the newest event of the timeline pane
        await pilot.pause()
        assert isinstance(app.screen, TimelineEventScreen)
        moment = app.screen.event.occurred_at
        await pilot.press("j")
        await _shown(pilot, moment)
        assert len(app.screen_stack) == 1 and app.viewing == moment
        await pilot.press("L")
        assert app.notebook is not None
        detected = FROZEN - timedelta(minutes=40)
        record = create_incident(app.notebook, title="db down", severity="Sev2",
                                 detected_at=detected)  # fmt: skip
        app.push_screen(IncidentDetailScreen(record.id))
        await pilot.pause()
        await pilot.press("ctrl+g")
        await _shown(pilot, detected)
        assert len(app.screen_stack) == 1 and app.viewing == detected
