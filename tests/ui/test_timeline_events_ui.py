"""The timeline pane's events: runbook steps named, one event shown whole, and the pane
back on recent events once the followed incident is closed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from textual.widgets import DataTable, Static

from cockpit.config import Config
from cockpit.model.incident_draft import IncidentDraft
from cockpit.model.timeline import TimelineEvent
from cockpit.services import incidents as service
from cockpit.store import Notebook
from cockpit.store.events import record_events
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.timeline import TimelinePane
from cockpit.ui.screens.incident_common import follow_incident
from cockpit.ui.screens.incident_detail import IncidentDetailScreen
from cockpit.ui.screens.timeline_event import TimelineEventScreen

from .conftest import FROZEN

SIZE = (160, 48)
M = timedelta(minutes=1)
LONG_OUTPUT = "line " + "x" * 180 + " end-of-output \x1b]0;pwned\x07"


def _store(app: CockpitApp) -> Notebook:
    assert app.notebook is not None
    return app.notebook


def _rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row(key)] for key in table.rows]


def seed(store: Notebook) -> str:
    record = service.create_from_draft(
        store,
        IncidentDraft(title="Rate limiter down", severity="Sev2", components=("api",),
                      detected_at=FROZEN - 30 * M),
        now=FROZEN - 30 * M, author="alice",
    )  # fmt: skip
    record_events(
        store,
        [
            TimelineEvent(
                kind="runbook_step", occurred_at=FROZEN - 20 * M, source="runbook",
                author="alice", incident_id=record.id,
                subject="redis-outage step 2: Check Redis memory",
                body=f"done · 98 % used · $ redis-cli info memory\n{LONG_OUTPUT}",
            )
        ],
    )  # fmt: skip
    return record.id


async def test_a_runbook_step_names_the_step_and_enter_shows_it_whole(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident = seed(_store(app))
        follow_incident(app, incident)
        await pilot.pause()
        pane = app.query_one(TimelinePane)
        rows = _rows(pane.table)
        step_row = next(i for i, row in enumerate(rows) if row[1] == "runbook step")
        assert rows[step_row][2].startswith("redis-outage step 2: Check Redis memory: done")
        await pilot.press("3")
        pane.table.move_cursor(row=step_row, animate=False)
        await pilot.press("enter")
        assert isinstance(app.screen, TimelineEventScreen)
        shown = str(app.screen.query_one("#event-text", Static).render())
        assert "redis-outage step 2: Check Redis memory" in shown
        assert "end-of-output" in shown  # whole, not cut at the column's width
        assert "\x1b" not in shown and "\\x1b]0;pwned\\x07" in shown
        # Enter again opens the incident, as enter on the pane used to; Esc closes.
        await pilot.press("enter")
        assert isinstance(app.screen, IncidentDetailScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, TimelineEventScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, TimelineEventScreen)


async def test_enter_on_a_recent_event_without_an_incident_shows_it(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        record_events(
            _store(app),
            [TimelineEvent(kind="alert_fired", occurred_at=FROZEN - M, source="alertmanager",
                           subject="HighErrorRate", body="HighErrorRate (critical) firing: "
                           + "5xx ratio above 1 % " * 8)],
        )  # fmt: skip
        app.refresh_timeline()
        await pilot.press("3", "enter")
        assert isinstance(app.screen, TimelineEventScreen)
        shown = str(app.screen.query_one("#event-text", Static).render())
        assert shown.count("5xx ratio above 1 %") == 8
        await pilot.press("enter")  # no incident to open: the event stays shown
        assert isinstance(app.screen, TimelineEventScreen)


async def test_the_pane_returns_to_recent_events_after_the_incident_closes(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        store = _store(app)
        incident = seed(store)
        follow_incident(app, incident)
        await pilot.pause()
        pane = app.query_one(TimelinePane)
        assert pane.shown_incident == incident
        service.resolve(store, incident, "raised maxmemory", at=FROZEN - 5 * M)
        app.refresh_timeline()
        assert pane.shown_incident == incident  # resolved: still there for the last notes
        service.move(store, incident, "closed", at=FROZEN - 2 * M)
        app.refresh_timeline()
        await pilot.pause()
        assert pane.shown_incident is None
        assert "recent events" in str(pane.border_title)
        # Following a closed incident on purpose (the list's `f`) still shows it.
        follow_incident(app, incident)
        await pilot.pause()
        assert pane.shown_incident == incident


async def test_e_shows_earlier_events_of_a_long_timeline(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from cockpit.services.timeline_view import TIMELINE_WINDOW

    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        store = _store(app)
        incident = seed(store)  # opened, then a runbook step: two events of its own
        probes = [
            TimelineEvent(
                kind="probe_down", occurred_at=FROZEN - 19 * M + n * timedelta(seconds=1),
                source="probes", subject=f"api check {n}", component="api",
            )
            for n in range(TIMELINE_WINDOW + 10)
        ]  # fmt: skip
        record_events(store, probes)
        follow_incident(app, incident)
        await pilot.pause()
        pane = app.query_one(TimelinePane)
        rows = _rows(pane.table)
        assert len(rows) == TIMELINE_WINDOW
        assert rows[-1][2].startswith(f"api check {TIMELINE_WINDOW + 9}")  # newest kept
        assert f"newest {TIMELINE_WINDOW}, e for earlier" in str(pane.border_title)
        await pilot.press("3", "e")
        await pilot.pause()
        rows = _rows(pane.table)
        assert len(rows) == TIMELINE_WINDOW + 12  # every one: opened, the step, the probes
        assert rows[0][1] == "status change" and rows[1][1] == "runbook step"
        assert "e for earlier" not in str(pane.border_title)
        await pilot.press("e")  # nothing more: said, not an error
        await pilot.pause()
        assert len(_rows(pane.table)) == TIMELINE_WINDOW + 12
