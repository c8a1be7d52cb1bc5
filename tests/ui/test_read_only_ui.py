"""A read-only role makes a read-only cockpit (a real PostgreSQL, a role with SELECT
only): the header says so, the keys that would write are off, the handoff is shown and
cannot be edited, and nothing reaches the notebook."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import SelectionList, TextArea

from cockpit.config import Config
from cockpit.services.shift import ensure_draft
from cockpit.store import open_notebook
from cockpit.store.copy import row_counts
from cockpit.store.incidents import create_incident
from cockpit.ui.app import CockpitApp
from cockpit.ui.header import OnCallHeader
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.timeline import TimelinePane
from cockpit.ui.screens.handoff import HandoffScreen
from cockpit.ui.screens.incident_list import IncidentListScreen

from .conftest import FROZEN, frozen_clock

PASSWORD = "reader-pw"


@pytest.fixture
def reader_url(pg_server: Any, sample_config: Config, monkeypatch: pytest.MonkeyPatch) -> str:
    """A team notebook with an incident and the shift's draft handoff, and a role that may
    only read it."""
    database = pg_server.database_name(pg_server.database())
    owner = pg_server.role(f"owner_{database}", PASSWORD, database)
    with open_notebook(owner, password=PASSWORD, me="sam") as notebook:
        create_incident(notebook, title="db down", severity="Sev2", detected_at=FROZEN)
        ensure_draft(notebook, sample_config, FROZEN)
    monkeypatch.setenv("COCKPIT_SECRET_NOTEBOOK", PASSWORD)
    return str(pg_server.role(f"reader_{database}", PASSWORD, database, read_only=True))


async def test_a_read_only_role_makes_a_read_only_cockpit(
    reader_url: str, sample_config: Config
) -> None:
    with open_notebook(reader_url, password=PASSWORD) as look:
        before = row_counts(look)
    app = CockpitApp(sample_config, reader_url, clock=frozen_clock, poll=False, cursor_blink=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.read_only is not None and "may only read" in app.read_only
        assert "READ-ONLY NOTEBOOK" in str(app.query_one(OnCallHeader).render())
        # The keys that would write are there, dimmed (None), not gone (False).
        assert app.query_one(AlertsPane).check_action("ack", ()) is None
        assert app.query_one(TimelinePane).check_action("add_note", ()) is None
        assert app.check_action("new_incident", ()) is None
        assert app.check_action("open_handoff", ()) is True  # looking is fine
        await pilot.press("N")  # new incident: nothing opens
        await pilot.pause()
        assert len(app.screen_stack) == 1
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IncidentListScreen)
        assert app.screen.check_action("new", ()) is None
        await pilot.press("escape", "h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HandoffScreen) and screen.handoff is not None
        assert screen.check_action("sign_off", ()) is None
        notes = screen.query_one("#handoff-notes", TextArea)
        assert notes.read_only
        assert screen.query_one("#handoff-checklist", SelectionList).disabled
        notes.focus()
        await pilot.press(*"typed")
        await pilot.pause()
        assert notes.text == ""
    with open_notebook(reader_url, password=PASSWORD) as look:
        assert row_counts(look) == before


async def test_a_cockpit_that_may_write_is_not_read_only(
    make_app: Any, sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.read_only is None
        assert "READ-ONLY" not in str(app.query_one(OnCallHeader).render())
        assert app.query_one(AlertsPane).check_action("ack", ()) is True
