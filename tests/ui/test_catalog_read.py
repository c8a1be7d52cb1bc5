"""Issue 18: the runbook catalogue is read on a thread of its own from the mount on, so the
first frame does not wait for every runbook's parse. The pane says it is reading until the
catalogue lands, a key that needs it first waits for the read, a read that fails says why,
and a read that ends after the app does touches nothing."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest
from textual.pilot import Pilot

from cockpit.config import Config
from cockpit.services.runbook_catalog import RunbookEntry
from cockpit.ui import catalog_read
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.runbooks import RunbooksPane
from cockpit.ui.screens.runbook_dialogs import RunbookPickerScreen

from .conftest import runbooks_read

SIZE = (120, 40)


def _held_read(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The catalogue's read waits for the returned event before it reads."""
    gate = threading.Event()
    real = catalog_read.load_catalog

    def held(folders: Sequence[Path]) -> list[RunbookEntry]:
        assert gate.wait(10), "the test never let the read go on"
        return real(folders)

    monkeypatch.setattr(catalog_read, "load_catalog", held)
    return gate


@contextlib.asynccontextmanager
async def _started_reading(
    make_app: Callable[..., CockpitApp], config: Config, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[CockpitApp, Pilot[None], threading.Event]]:
    """The app running, its catalogue's read held until the event is set."""
    gate = _held_read(monkeypatch)
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.query_one(RunbooksPane).catalog_shown
        yield app, pilot, gate


def _said(pane: RunbooksPane) -> str:
    return str(pane.message.content) if pane.message.display else ""


async def test_the_pane_says_it_is_reading_until_the_catalogue_lands(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _started_reading(make_app, sample_config, monkeypatch) as (app, pilot, gate):
        pane = app.query_one(RunbooksPane)
        assert _said(pane) == "Reading the runbooks…"
        assert pane.table.row_count == 0
        gate.set()
        await runbooks_read(pilot)
        await pilot.pause()
        assert _said(pane) == ""
        entries = app.runbook_entries()
        assert "high-error-rate" in {entry.name for entry in entries}  # a bundled one
        assert pane.table.row_count == len(entries)


async def test_a_runbook_key_pressed_before_the_catalogue_lands_waits_for_it(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _started_reading(make_app, sample_config, monkeypatch) as (app, pilot, gate):
        # The key blocks the UI thread on the read, so the read is let go from another
        # thread; whenever it goes, the picker opens with the whole catalogue.
        threading.Timer(0.2, gate.set).start()
        await pilot.press("R")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, RunbookPickerScreen)
        assert "high-error-rate" in {entry.name for entry in picker.entries}


async def test_a_read_that_fails_says_why_on_the_pane(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(folders: Sequence[Path]) -> list[RunbookEntry]:
        raise PermissionError("runbooks folder: permission denied")

    monkeypatch.setattr(catalog_read, "load_catalog", broken)
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await runbooks_read(pilot)
        await pilot.pause()
        pane = app.query_one(RunbooksPane)
        assert app.runbook_entries() == []
        assert pane.table.row_count == 0
        assert _said(pane) == (
            "No runbooks: the runbooks could not be read "
            "(PermissionError: runbooks folder: permission denied)."
        )


async def test_a_read_that_ends_after_the_app_touches_nothing(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    escaped: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: escaped.append(args.exc_value))
    async with _started_reading(make_app, sample_config, monkeypatch) as (app, _pilot, gate):
        pass
    (reader,) = [t for t in threading.enumerate() if t.name == "runbook-catalog"]
    gate.set()
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert escaped == []
    assert app.catalog is not None and app.catalog.read
