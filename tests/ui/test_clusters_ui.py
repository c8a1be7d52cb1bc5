"""Issue 20 on screen: the alerts pane with several Alertmanager clusters (a cluster
column, each cluster's count in the title, a stale cluster's rows dimmed and its writes
refused, `@cluster=` in the filter) and the silence form asking for the cluster."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from cockpit.config import Config, parse
from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.snapshots import AlertSnapshot
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.screens.silence_form import SilenceFormScreen
from cockpit.ui.screens.silences import SilencesScreen
from tests.waiting import until

from .conftest import FROZEN

SIZE = (160, 40)
CONFIG = """
[oncall]
me = "alice"
[[alertmanager]]
name = "eu"
urls = ["http://eu-1.test", "http://eu-2.test"]
[[alertmanager]]
name = "data"
url = "http://data.test"
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return parse(tomllib.loads(CONFIG), tmp_path / "config.toml")


def alert(name: str, cluster: str, fp: str, severity: str = "critical") -> Alert:
    return Alert(
        name=name,
        labels={"alertname": name, "severity": severity, "service": "api"},
        annotations={"summary": f"{name} in {cluster}"},
        starts_at=FROZEN - timedelta(minutes=5),
        fingerprint=fp,
        cluster=cluster,
    )


ALERTS = (
    alert("HighErrorRate", "eu", "f1"),
    alert("HighErrorRate", "data", "f1"),  # the same labels, another cluster
    alert("IngestLag", "data", "f2", "warning"),
)


def snapshot(data_down: bool = False) -> AlertSnapshot:
    fresh = Freshness().succeeded(FROZEN)
    down = Freshness().succeeded(FROZEN - timedelta(minutes=3)).failed(FROZEN, "connection refused")
    clusters = {"eu": fresh, "data": down if data_down else fresh}
    return AlertSnapshot(ALERTS, fresh, clusters=clusters)


def fill(app: CockpitApp, data_down: bool = False) -> None:
    app.query_one(AlertsPane).update_snapshot(snapshot(data_down), FROZEN)


SILENCES = {
    "eu-1.test": [{
        "id": "s-eu-0001", "status": {"state": "active"}, "createdBy": "bob", "comment": "deploy",
        "startsAt": "2026-11-20T16:00:00Z", "endsAt": "2026-11-20T18:00:00Z",
        "matchers": [{"name": "alertname", "value": "Deploy", "isRegex": False, "isEqual": True}],
    }],
    "data.test": [{
        "id": "s-data-0001", "status": {"state": "active"}, "createdBy": "kim",
        "comment": "ingest", "startsAt": "2026-11-20T16:00:00Z", "endsAt": "2026-11-20T18:00:00Z",
        "matchers": [{"name": "alertname", "value": "IngestLag", "isRegex": False,
                      "isEqual": True}],
    }],
}  # fmt: skip


class Alertmanagers:
    """Every peer: records what was sent where."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/api/v2/silences":
            return httpx.Response(200, json=SILENCES.get(request.url.host, []))
        if request.method == "GET":
            return httpx.Response(200, json=[])
        self.sent.append((request.url.host, request.method, request.url.path))
        body = json.loads(request.content) if request.content else {}
        return httpx.Response(200, json={"silenceID": f"s-{request.url.host}", **body})


def attach(app: CockpitApp) -> Alertmanagers:
    fake = Alertmanagers()
    app.alert_control.client_factory = lambda: httpx.AsyncClient(
        transport=httpx.MockTransport(fake)
    )
    return fake


def row_keys(app: CockpitApp) -> list[str]:
    return [str(k.value) for k in app.query_one(AlertsPane).table.rows]


async def select(pilot: Pilot[None], key: str) -> None:
    app = pilot.app
    assert isinstance(app, CockpitApp)
    app.action_focus_pane("alerts")
    table = app.query_one(AlertsPane).table
    table.move_cursor(row=row_keys(app).index(key))
    await pilot.pause()


async def test_the_pane_has_a_cluster_column_and_counts_each_cluster(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fill(app)
        await pilot.pause()
        pane = app.query_one(AlertsPane)
        assert [c.label for c in pane.columns][:2] == ["sev", "cluster"]
        assert sorted(row_keys(app)) == ["data/f1", "data/f2", "eu/f1"]
        assert pane.border_title == "2 Alerts · eu 1 · data 2"
        row = pane.table.get_row("data/f2")
        assert [str(c) for c in row[:3]] == ["warning", "data", "IngestLag"]
        assert pane.apply_filter("@cluster=eu")
        await pilot.pause()
        assert row_keys(app) == ["eu/f1"]
        assert pane.border_title == "2 Alerts · eu 1 · data 0"


async def test_a_stale_cluster_is_dimmed_named_and_refuses_writes_alone(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app, data_down=True)
        await pilot.pause()
        pane = app.query_one(AlertsPane)
        assert "data stale since 16:27: connection refused" in str(pane.border_subtitle)
        assert pane.border_title == "2 Alerts · eu 1 · data 2 ✗"
        assert str(pane.table.get_row("data/f2")[1]) == "data ✗"
        await select(pilot, "data/f2")
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.sent == []  # refused: data does not answer
        await select(pilot, "eu/f1")
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.sent == [("eu-1.test", "POST", "/api/v2/silences")]


async def test_the_silence_form_asks_for_the_cluster_and_sends_there(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app)
        await select(pilot, "data/f2")
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SilenceFormScreen)
        field = form.query_one("#silence-cluster", Input)
        assert field.value == "data"  # from the alert
        field.value = "nowhere"
        form.query_one("#silence-comment", Input).value = "maintenance"
        form.submit()
        await pilot.pause()
        assert "cluster: 'nowhere' is not one of them; write one of eu, data" in str(
            form.query_one("#silence-error").render()
        )
        field.value = "data"
        form.submit()
        # The submit starts the worker that sends it: wait for what it sends, not for the
        # workers running now (it may not be one of them yet).
        await until(pilot, "the silence's POST", lambda: fake.sent)
        await app.workers.wait_for_complete()
        assert fake.sent == [("data.test", "POST", "/api/v2/silences")]


async def test_the_silences_view_lists_each_clusters_and_expires_in_its_own(
    make_app: Callable[..., CockpitApp], config: Config
) -> None:
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        fake = attach(app)
        fill(app)
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SilencesScreen)
        table = screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()][:3] == ["state", "cluster", "id"]
        cells = {str(k.value): [str(c) for c in table.get_row(k)] for k in table.rows}
        assert cells["s-data-0001"][:3] == ["active", "data", "s-data-0"]
        assert cells["s-data-0001"][-1] == ""  # catches IngestLag of data
        assert cells["s-eu-0001"][-1] == "matches no alert"
        table.move_cursor(row=list(cells).index("s-data-0001"))
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.sent == [("data.test", "DELETE", "/api/v2/silence/s-data-0001")]


def test_snapshot_alerts_pane_with_clusters(
    snap_compare: Any, make_app: Callable[..., CockpitApp], config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, CockpitApp)
        fill(app, data_down=True)
        app.action_focus_pane("alerts")
        await pilot.pause()

    assert snap_compare(make_app(config), terminal_size=SIZE, run_before=run_before)


def test_the_alert_detail_names_a_named_cluster() -> None:
    from rich.console import Console

    from cockpit.ui.screens.alert_detail import describe_alert

    def text_of(one: Alert) -> str:
        console = Console(record=True, width=120)
        console.print(describe_alert(one, {}, (), (), FROZEN, None))
        return console.export_text()

    assert "cluster      data" in text_of(ALERTS[1])
    assert "cluster" not in text_of(alert("A", "default", "f9"))  # one unnamed Alertmanager
