"""Issue 20 on screen: with several Alertmanager clusters the timeline pane names each
alert event's cluster, the event shown whole says it, and the incident detail names the
cluster of each linked alert. One cluster: the screens stay as they were (their
snapshots)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from textual.widgets import DataTable, Static

from cockpit.config import Config
from cockpit.config_types import Endpoint
from cockpit.model.alerts import Alert
from cockpit.services.promote import draft_from_alert
from cockpit.services.transitions import alert_transitions
from cockpit.store import Notebook
from cockpit.store.events import record_events
from cockpit.store.incidents import create_incident
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.timeline import TimelinePane
from cockpit.ui.screens.incident_detail import IncidentDetailScreen
from cockpit.ui.screens.timeline_event import TimelineEventScreen

from .conftest import FROZEN

SIZE = (160, 48)
M = timedelta(minutes=1)
LABELS = {"alertname": "HighErrorRate", "severity": "critical", "service": "api"}


def _alert(cluster: str) -> Alert:
    return Alert("HighErrorRate", LABELS, fingerprint="fp1", cluster=cluster,
                 starts_at=FROZEN - 10 * M)  # fmt: skip


def _clustered(config: Config, *names: str) -> Config:
    clusters = tuple(Endpoint("http://127.0.0.1:9", name=name) for name in names)
    return replace(config, alertmanagers=clusters, alertmanager=None)


def _store(app: CockpitApp) -> Notebook:
    assert app.notebook is not None
    return app.notebook


def _texts(table: DataTable[Any]) -> list[str]:
    return [str(table.get_row(key)[2]) for key in table.rows]


async def test_each_alert_event_names_its_cluster_when_there_are_several(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(_clustered(sample_config, "eu", "us"))
    async with app.run_test(size=SIZE) as pilot:
        store = _store(app)
        both = [_alert("eu"), _alert("us")]
        record_events(store, alert_transitions([], both, FROZEN - 5 * M))
        record_events(store, alert_transitions(both, [_alert("us")], FROZEN - 2 * M))
        app.refresh_timeline()
        await pilot.pause()
        pane = app.query_one(TimelinePane)
        assert _texts(pane.table) == [
            "eu · HighErrorRate (critical) resolved",
            "us · HighErrorRate (critical) firing",
            "eu · HighErrorRate (critical) firing",
        ]
        await pilot.press("3", "enter")
        assert isinstance(app.screen, TimelineEventScreen)
        shown = str(app.screen.query_one("#event-text", Static).render())
        assert "cluster    eu\n" in shown
        assert "eu · HighErrorRate (critical) resolved" in shown


async def test_one_cluster_is_not_named_and_another_is(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(_clustered(sample_config, "eu"))
    async with app.run_test(size=SIZE) as pilot:
        # A team's notebook: another cockpit recorded us.
        record_events(
            _store(app), alert_transitions([], [_alert("eu"), _alert("us")], FROZEN - 5 * M)
        )
        app.refresh_timeline()
        await pilot.pause()
        assert sorted(_texts(app.query_one(TimelinePane).table)) == [
            "HighErrorRate (critical) firing",
            "us · HighErrorRate (critical) firing",
        ]


async def test_the_incident_detail_names_the_linked_alerts_cluster(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(_clustered(sample_config, "eu", "us"))
    async with app.run_test(size=SIZE) as pilot:
        draft = draft_from_alert(_alert("eu"), {})
        record = create_incident(
            _store(app), title="api errors", severity="Sev2", detected_at=FROZEN - 5 * M,
            alerts=draft.alerts, linked_at=FROZEN - 4 * M,
        )  # fmt: skip
        app.push_screen(IncidentDetailScreen(record.id))
        await pilot.pause()
        shown = "\n".join(str(s.render()) for s in app.screen.query(Static))
        assert "alerts: eu · HighErrorRate" in shown
