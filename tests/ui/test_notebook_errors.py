"""Issue 14 item 6: no notebook query on a timer on the UI thread, and a locked notebook
becomes a message, never the end of the app."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cockpit.ui.app as app_module
from cockpit.config import Config
from cockpit.store import Notebook, SqliteNotebook, open_notebook
from cockpit.ui.app import CockpitApp
from cockpit.ui.header import OnCallHeader
from tests.waiting import notebook_reads_done

SIZE = (160, 48)
LOCKED = "database is locked"


class LockedConnection:
    """A connection whose every statement fails as a locked SQLite file does."""

    in_transaction = False

    def __init__(self) -> None:
        self.threads: list[str] = []

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.current_thread().name)
        raise sqlite3.OperationalError(LOCKED)

    def close(self) -> None:
        pass


def locked_store(path: Path, connection: LockedConnection) -> Notebook:
    store = SqliteNotebook.__new__(SqliteNotebook)
    store.path = path
    store.connection = connection  # type: ignore[assignment]
    store.write_wait = 0.0
    store._savepoints = 0
    return store


async def test_a_locked_notebook_is_a_message_not_a_crash(
    make_app: Callable[..., CockpitApp],
    sample_config: Config,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    connection = LockedConnection()
    monkeypatch.setattr(
        app_module, "open_target", lambda path, **_: locked_store(path, connection)
    )
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = app.query_one(OnCallHeader)
        header.refresh_text()  # what its one-second timer does
        # What the timers run: the header's signature read and the timeline's tick.
        app.read_header_later()
        app.refresh_timeline_later(announce=True)
        await notebook_reads_done(pilot)
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert any(LOCKED in m and m.startswith("Notebook: could not") for m in messages)
        # Said once, not again on every tick.
        assert len([m for m in messages if "handoff signature" in m]) == 1
        assert "on call:" in str(header.render())
    # The timers' reads ran on the notebook thread, not on the UI thread.
    main = threading.main_thread().name
    assert any(name.startswith("notebook") for name in connection.threads)
    ui_reads = [n for n in connection.threads if n == main]
    # The start-up reads (the first header, the first timeline) are the only ones there.
    assert len(ui_reads) <= 3


async def test_the_header_never_queries_the_notebook(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE):
        assert app.notebook is not None
        traced: list[str] = []
        app.notebook.connection.set_trace_callback(traced.append)
        for _ in range(5):
            app.query_one(OnCallHeader).refresh_text()
        assert traced == []


async def test_a_signature_from_elsewhere_reaches_the_header(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from tests import handoff_seed

    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        assert app.notebook_reads is not None and app.notebook_reads.last_signed is None
        assert app.notebook_target is not None
        with open_notebook(app.notebook_target) as other:  # the CLI, or another cockpit
            handoff_seed.seed_last_signed(other)
        app.read_header_later()  # what the timer does every few seconds
        await notebook_reads_done(pilot)
        assert app.notebook_reads.last_signed is not None
        assert app.notebook_reads.last_signed.signed_at == handoff_seed.LAST_SIGNED


async def test_the_incident_detail_clocks_tick_off_the_ui_thread(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from datetime import timedelta

    from textual.widgets import Static

    from cockpit.model.incident_draft import IncidentDraft
    from cockpit.services import incidents
    from cockpit.ui.screens.incident_detail import IncidentDetailScreen

    from .conftest import FROZEN

    now = [FROZEN]
    app = make_app(sample_config, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        assert app.notebook is not None
        draft = IncidentDraft(title="API down", severity="Sev1", detected_at=FROZEN)
        incident = incidents.create_from_draft(app.notebook, draft, now=FROZEN).id
        await app.push_screen(IncidentDetailScreen(incident))
        screen = app.screen
        summary = screen.query_one("#incident-summary", Static)
        assert "next update in 15m00s" in str(summary.render())
        traced: list[str] = []
        app.notebook.connection.set_trace_callback(traced.append)
        now[0] = FROZEN + timedelta(minutes=4)
        assert isinstance(screen, IncidentDetailScreen)
        screen.tick()  # what its one-second timer does
        await notebook_reads_done(pilot)
        assert "next update in 11m00s" in str(summary.render())
        assert traced == []  # not one query on the UI thread's connection
