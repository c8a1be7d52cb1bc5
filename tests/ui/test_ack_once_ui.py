"""A hurried person: `a` pressed twice fast makes one ack; `a` on an acked alert asks
before renewing; a silence that catches several alert names asks first."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from cockpit.config import Config, parse
from cockpit.model.matchers import parse_matchers
from cockpit.store.events import latest_events
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.confirm import AskScreen
from cockpit.ui.screens.silence_form import SilenceFormScreen, SilenceRequest
from tests.waiting import settle, until

from . import alerts_sample as sample
from .conftest import FROZEN
from .test_alerts_ui import SIZE, attach, fill, select


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return parse(tomllib.loads(sample.CONFIG), tmp_path / "config.toml")


def posts(fake: object) -> list[object]:
    return [r for r in fake.writes() if r[0] == "POST"]  # type: ignore[attr-defined]


def messages(app: CockpitApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_pressed_twice_fast_makes_one_ack(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fake.gate = asyncio.Event()  # Alertmanager is slow to answer the first ack
        fill(app)
        await select(pilot, "f1a2b3c4")
        await pilot.press("a", "a")
        # The first is sent, and waits for its answer.
        await until(pilot, "the first ack's POST", lambda: posts(fake))
        assert len(posts(fake)) == 1
        assert any("still being sent" in m for m in messages(app))
        fake.gate.set()
        await settle(pilot)
        assert len(posts(fake)) == 1
        # Pressed again once the first is done: Alertmanager has the ack; nothing is sent,
        # the question says who acked it and since when.
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AskScreen)
        question = str(app.screen.query_one("#ask-question", Static).content)
        assert question.startswith(
            f"HighErrorRate is already acked by alice since {FROZEN:%H:%M} (until "
        )
        await pilot.press("n")
        await settle(pilot)
        assert len(posts(fake)) == 1 and not isinstance(app.screen, AskScreen)
        assert app.notebook is not None
        assert sum(e.kind == "alert_acked" for e in latest_events(app.notebook)) == 1


async def test_ack_of_an_acked_alert_asks_then_renews(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app)
        await select(pilot, "f3")  # acked by bob
        await pilot.press("a")
        await settle(pilot)
        assert fake.writes() == []
        assert isinstance(app.screen, AskScreen)
        assert "already acked by bob since" in str(
            app.screen.query_one("#ask-question", Static).content
        )
        await pilot.press("y")
        await settle(pilot)
        writes = fake.writes()
        assert [w[0] for w in writes] == ["POST", "DELETE"]  # the new ack first
        assert writes[1][1] == "/api/v2/silence/s-ack-0001"
        assert writes[0][2]["createdBy"] == "alice"
        assert app.notebook is not None
        bodies = [e.body for e in latest_events(app.notebook) if e.kind == "alert_acked"]
        assert any("ack renewed by alice" in b and "(was acked by bob)" in b for b in bodies)
        assert any(m.startswith("Renewed the ack of RedisLatencyHigh") for m in messages(app))


async def test_silence_form_shows_what_it_catches_and_asks_before_a_wide_one(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app)
        await select(pilot, "f4")
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SilenceFormScreen)
        preview = form.query_one("#silence-preview", Static)
        assert str(preview.content) == "catches 1 alert now: HighCpu (1)"
        form.query_one("#silence-matchers", Input).value = 'alertname!="x"'
        await pilot.pause()
        assert str(preview.content).startswith(
            "catches 6 alerts now: HighCpu (1), HighErrorRate (2), HighMemory (2), "
            "RedisLatencyHigh (1); it would catch every alert"
        )
        await pilot.press(*"why")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        assert "catch every alert" in str(app.screen.query_one("#ask-question", Static).content)
        await pilot.press("n")  # back to the form, nothing sent, nothing lost
        await pilot.pause()
        assert app.screen is form and form.query_one("#silence-comment", Input).value == "why"
        assert fake.writes() == []
        await pilot.press("enter", "y")
        await settle(pilot)
        [(method, _, body)] = fake.writes()
        assert method == "POST" and body["matchers"][0]["isEqual"] is False
        assert any("catches 6 alerts now" in m for m in messages(app))


async def test_wide_silence_found_only_by_alertmanager_is_asked_about_too(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    # The form saw no alerts (no snapshot yet); Alertmanager has them: the service asks.
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        request = SilenceRequest(parse_matchers('severity="critical"'), timedelta(hours=1), "x")
        await app.alert_control.silences.create(request)
        await pilot.pause()
        assert fake.writes() == []
        assert isinstance(app.screen, AskScreen)
        assert "2 different alert names" in str(
            app.screen.query_one("#ask-question", Static).content
        )
        await pilot.press("y")
        await settle(pilot)
        assert len(posts(fake)) == 1


async def test_silence_changes_are_not_doubled(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        table.move_cursor(row=3)  # s-old-0001, expired
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen and "has already expired" in messages(app)[-1]
        table.move_cursor(row=1)  # s-maint-01
        fake.gate = asyncio.Event()  # Alertmanager is slow to answer the extend
        await pilot.press("e", "enter", "e", "enter")
        await pilot.pause()
        assert any("still being sent" in m for m in messages(app))
        fake.gate.set()
        await settle(pilot)
        assert len(posts(fake)) == 1 and fake.writes()[0][2]["id"] == "s-maint-01"
