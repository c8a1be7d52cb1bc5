"""A hurried double press sends one write: a silence created twice from the form while
the first is still on its way, and an incident created with a double Ctrl+S."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from cockpit.config import Config, parse
from cockpit.store.incidents import list_incidents
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.incident_form import IncidentFormScreen
from cockpit.ui.screens.silence_form import SilenceFormScreen
from tests.waiting import settle

from . import alerts_sample as sample
from .test_alerts_ui import SIZE, attach, fill, select


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return parse(tomllib.loads(sample.CONFIG), tmp_path / "config.toml")


def messages(app: CockpitApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_same_silence_submitted_twice_fast_is_created_once(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fake.gate = asyncio.Event()  # Alertmanager is slow to answer the first create
        fill(app)
        await select(pilot, "f4")
        for _ in range(2):
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, SilenceFormScreen)
            app.screen.query_one("#silence-comment", Input).value = "deploy"
            await pilot.press("enter")
            await pilot.pause()
        assert any("still being created" in m for m in messages(app))
        fake.gate.set()
        await settle(pilot)
        assert [w[0] for w in fake.writes()] == ["POST"]


async def test_ctrl_s_twice_creates_one_incident(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await pilot.pause()
        assert isinstance(app.screen, IncidentFormScreen)
        app.screen.query_one("#title", Input).value = "checkout down"
        await pilot.press("ctrl+s", "ctrl+s")
        await pilot.pause()
        assert app.notebook is not None
        assert [i.title for i in list_incidents(app.notebook)] == ["checkout down"]
