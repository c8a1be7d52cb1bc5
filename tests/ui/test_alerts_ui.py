"""The alerts pane, alert detail, silences view, silence form and promote: Pilot tests
against a fake Alertmanager (httpx.MockTransport) and snapshots."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from cockpit.config import Config, parse
from cockpit.store.events import latest_events
from cockpit.store.incidents import get_incident, incidents_for_alert
from cockpit.ui.app import CockpitApp
from cockpit.ui.header import OnCallHeader
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.screens.alert_detail import AlertDetailScreen
from cockpit.ui.screens.confirm import AskScreen
from cockpit.ui.screens.incident_form import IncidentFormScreen
from cockpit.ui.screens.silence_form import ExtendScreen, SilenceFormScreen
from cockpit.ui.screens.silences import SilencesScreen
from tests.waiting import settle

from . import alerts_sample as sample
from .conftest import FROZEN

SIZE = (160, 48)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return parse(tomllib.loads(sample.CONFIG), tmp_path / "config.toml")


class FakeAlertmanager:
    """Answers with the sample alerts and silences; a created silence is listed from then
    on. While ``gate`` is set and not open, a POST waits for it (a slow Alertmanager)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any]] = []
        self.refuse: str | None = None
        self.created: list[dict[str, Any]] = []
        self.gate: asyncio.Event | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.requests.append((request.method, request.url.path, body))
        if self.refuse and request.method != "GET":
            return httpx.Response(400, json=self.refuse)
        if request.method == "POST":
            if self.gate is not None:
                await self.gate.wait()
            silence_id = f"new-{len(self.requests):04d}"
            self.created.append({**body, "id": silence_id, "status": {"state": "active"}})
            return httpx.Response(200, json={"silenceID": silence_id})
        if request.url.path == "/api/v2/silences":
            return httpx.Response(200, json=sample.silences_json() + self.created)
        if request.url.path == "/api/v2/alerts":
            return httpx.Response(200, json=sample.alerts_json())
        return httpx.Response(200)

    def writes(self) -> list[tuple[str, str, Any]]:
        return [r for r in self.requests if r[0] != "GET"]


def fill(app: CockpitApp, error: str | None = None) -> None:
    snapshot = sample.snapshot(error)
    app.query_one(AlertsPane).update_snapshot(snapshot, FROZEN)
    app.alert_control.after_snapshot(snapshot)


def attach(app: CockpitApp) -> FakeAlertmanager:
    fake = FakeAlertmanager()
    app.alert_control.client_factory = lambda: httpx.AsyncClient(
        transport=httpx.MockTransport(fake)
    )
    return fake


async def select(pilot: Pilot[None], fingerprint: str) -> None:
    app = pilot.app
    assert isinstance(app, CockpitApp)
    app.action_focus_pane("alerts")
    table = app.query_one(AlertsPane).table
    keys = [str(k.value) for k in table.rows]
    table.move_cursor(row=keys.index(fingerprint))
    await pilot.pause()


def rows(app: CockpitApp) -> list[str]:
    return [str(k.value) for k in app.query_one(AlertsPane).table.rows]


async def test_ack_creates_marked_silence_and_records_it(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app)
        await select(pilot, "f1a2b3c4")
        await pilot.press("a")
        await settle(pilot)
        [(method, path, body)] = fake.writes()
        assert (method, path) == ("POST", "/api/v2/silences")
        assert body["createdBy"] == "alice"
        assert body["comment"].startswith("ACK! This alert was acknowledged using cockpit on ")
        assert {m["name"]: m["value"] for m in body["matchers"]} == dict(sample.ERRORS.labels)
        assert app.notebook is not None
        acked = [e for e in latest_events(app.notebook) if e.kind == "alert_acked"]
        assert acked and acked[0].fingerprint == "f1a2b3c4" and acked[0].author == "alice"


async def test_unack_expires_the_ack_silence(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app)
        await select(pilot, "f3")
        await pilot.press("u")
        await settle(pilot)
        assert fake.writes() == [("DELETE", "/api/v2/silence/s-ack-0001", None)]
        assert app.notebook is not None
        assert any(e.kind == "alert_unacked" for e in latest_events(app.notebook))


async def test_read_only_and_stale_refuse_writes_and_say_why(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(replace(config, read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app)
        await select(pilot, "f1a2b3c4")
        await pilot.press("a", "u", "s")
        await settle(pilot)
        assert fake.requests == []
        messages = [n.message for n in app._notifications]
        assert sum("read-only" in m for m in messages) == 3
        assert "read-only" in str(app.query_one(AlertsPane).border_subtitle)

    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app, error="connection refused")
        await select(pilot, "f1a2b3c4")
        await pilot.press("a")
        await settle(pilot)
        assert fake.requests == []
        assert any(
            "Alertmanager unreachable (connection refused)" in n.message for n in app._notifications
        )
        assert rows(app)  # stale data stays on screen


async def test_alertmanager_refusal_is_shown(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fake.refuse = "silence invalid: matcher value empty"
        fill(app)
        await select(pilot, "f1a2b3c4")
        await pilot.press("a")
        await settle(pilot)
        assert any("matcher value empty" in n.message for n in app._notifications)


async def test_filter_with_matchers_and_text_and_bad_matcher(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fill(app)
        app.action_focus_pane("alerts")
        await pilot.press("slash")
        field = app.query_one("#alert-filter", Input)
        assert field.has_focus
        await pilot.press(*'severity="critical" cpu')  # typed: pane keys stay text here
        assert field.value == 'severity="critical" cpu'
        await pilot.press("enter")
        assert rows(app) == ["f4"]
        await pilot.press("slash")
        field.value = 'service=~"demo'
        await pilot.press("enter")
        assert any("position 10" in n.message for n in app._notifications)
        assert rows(app) == ["f4"]  # the last good filter stays
        await pilot.press("escape")  # closes the field, keeps the filter
        assert not field.display and rows(app) == ["f4"]
        await pilot.press("slash")
        field.value = ""
        await pilot.press("enter")
        assert len(rows(app)) == len(sample.ALERTS)
        await pilot.press("v", "b")
        assert "f4" not in rows(app) and "f2" not in rows(app)
        assert "f3" in rows(app)  # acked stays visible with silenced hidden


async def test_grouping_cycles_alertname_then_alertmanager(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fill(app)
        app.action_focus_pane("alerts")
        await pilot.press("g")
        assert "group:HighMemory" in rows(app)
        await pilot.press("g")
        assert "group:alertname=HighMemory service=demo-api" in rows(app)
        assert "group:pending (not in Alertmanager yet)" in rows(app)
        await pilot.press("g")
        assert not [r for r in rows(app) if r.startswith("group:")]


async def test_header_warns_of_expiring_ack(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE):
        fill(app)
        header = app.query_one(OnCallHeader)
        assert header.warning == "⚠ ack of RedisLatencyHigh by bob ends in 5m00s"
        table = app.query_one(AlertsPane).table
        assert "acked ⚠" in str(table.get_row("f3"))


async def test_silence_from_alert_prefilled_and_comment_required(
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
        matchers = form.query_one("#silence-matchers", Input)
        assert matchers.value == 'alertname="HighCpu", service="demo-api", severity="critical"'
        await pilot.press("enter")  # empty comment
        assert "comment: required" in str(form.query_one("#silence-error", Static).content)
        matchers.value = 'alertname="HighCpu", service=~"demo'
        form.query_one("#silence-comment", Input).value = "upgrade"
        await pilot.press("enter")
        assert "position 31" in str(form.query_one("#silence-error", Static).content)
        assert fake.writes() == []
        matchers.value = 'alertname="HighCpu", service=~"demo.*"'
        form.query_one("#silence-duration", Input).value = "3h"
        await pilot.press("enter")
        await settle(pilot)
        [(method, _, body)] = fake.writes()
        assert method == "POST" and body["comment"] == "upgrade"
        assert body["matchers"][1] == {
            "name": "service", "value": "demo.*", "isRegex": True, "isEqual": True
        }  # fmt: skip


async def test_silences_view_lists_flags_and_expires(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SilencesScreen)
        table = screen.query_one(DataTable)
        keys = [str(k.value) for k in table.rows]
        assert keys == ["s-ack-0001", "s-maint-01", "s-orphan-1", "s-old-0001"]
        assert "matches no alert" in str(table.get_row("s-orphan-1"))
        assert "matches no alert" not in str(table.get_row("s-maint-01"))
        table.move_cursor(row=1)
        await pilot.press("x")  # asks first, naming the silence
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        assert "Expire silence s-maint- now?" in str(app.screen.query_one("#ask-question").content)
        assert "CPU upgrade, CHG-42" in str(app.screen.query_one("#ask-detail").content)
        await pilot.press("n")
        await settle(pilot)
        assert fake.writes() == [] and app.screen is screen
        await pilot.press("x", "y")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExtendScreen)
        field = app.screen.query_one(Input)
        field.value = "soon"
        await pilot.press("enter")
        assert isinstance(app.screen, ExtendScreen)  # refused, still open
        field.value = "3h"
        await pilot.press("enter")
        await settle(pilot)
        writes = fake.writes()
        assert writes[0] == ("DELETE", "/api/v2/silence/s-maint-01", None)
        assert writes[1][0] == "POST" and writes[1][2]["id"] == "s-maint-01"
        assert writes[1][2]["endsAt"] == (sample.MAINT.ends_at + timedelta(hours=3)).isoformat()


async def test_promote_creates_linked_incident(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fill(app)
        await select(pilot, "f1a2b3c4")
        await pilot.press("i")
        await pilot.pause()
        # The new-incident form opens prefilled from the alert; ctrl+s creates it.
        assert isinstance(app.screen, IncidentFormScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.notebook is not None
        [incident_id] = incidents_for_alert(app.notebook, "f1a2b3c4")
        record = get_incident(app.notebook, incident_id)
        assert record is not None
        assert record.severity == "Sev1"
        assert record.title == "HighErrorRate: 5xx ratio above 1 % (now 4.8%)"
        assert record.detected_at == sample.ERRORS.starts_at


async def test_enter_opens_detail_with_ack_and_incident(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fill(app)
        await select(pilot, "f3")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AlertDetailScreen)
        assert app.screen.alert.fingerprint == "f3"
        console = Console(record=True, width=140)
        console.print(app.screen.body)
        text = console.export_text()
        assert "by bob 55m00s ago" in text
        assert "runbook      High error rate [bundled, 13 steps]  (high-error-rate)" in text
        assert "alertname = RedisLatencyHigh" in text and "s-ack-00 bob: ACK!" in text
        fake = attach(app)
        await pilot.press("u")  # from the detail: it closes and unacks
        await settle(pilot)
        assert not isinstance(app.screen, AlertDetailScreen)
        assert fake.writes() == [("DELETE", "/api/v2/silence/s-ack-0001", None)]


def _snap_app(make_app: Callable[..., CockpitApp], config: Config) -> CockpitApp:
    app = make_app(config)
    attach(app)
    return app


def test_snapshot_alerts_pane(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CockpitApp)
        fill(app)
        app.action_focus_pane("alerts")
        await pilot.press("g")
        await pilot.pause()

    assert snap_compare(_snap_app(make_app, config), terminal_size=SIZE, run_before=run_before)


def test_snapshot_alert_detail(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CockpitApp)
        fill(app)
        await select(pilot, "f3")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(_snap_app(make_app, config), terminal_size=SIZE, run_before=run_before)


def test_snapshot_silences_view(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CockpitApp)
        fill(app)
        await pilot.press("S")
        await settle(pilot)

    assert snap_compare(_snap_app(make_app, config), terminal_size=SIZE, run_before=run_before)
