"""The cockpit screen on the real stack: every pane fills with live data, and a fault
shows up in the alerts pane."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cockpit.config import load
from cockpit.demo.stack import DemoStack
from cockpit.ui.app import CockpitApp, DemoInfo
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.probes import ProbesPane
from cockpit.ui.panes.runbooks import RunbooksPane
from cockpit.ui.panes.slo import SloPane
from cockpit.ui.panes.timeline import TimelinePane
from tests.waiting import until

from .waiting import LIVE


def _cells(
    pane: SloPane | AlertsPane | ProbesPane | RunbooksPane | TimelinePane,
) -> list[list[str]]:
    table = pane.table
    return [[str(cell) for cell in table.get_row(key)] for key in table.rows]


async def test_panes_fill_and_a_fault_reaches_the_alerts_pane(
    stack: DemoStack, faults: Callable[..., str], tmp_path: Path
) -> None:
    assert stack.config_path is not None
    app = CockpitApp(
        load(stack.config_path), tmp_path / "demo.sqlite3", demo=DemoInfo(stack.service_url)
    )
    async with app.run_test(size=(160, 48)) as pilot:
        slo = app.query_one(SloPane)
        probes = app.query_one(ProbesPane)
        alerts = app.query_one(AlertsPane)

        await until(
            pilot,
            "SLIs",
            lambda: all("%" in row[2] for row in _cells(slo)) and bool(_cells(slo)),
            LIVE,
        )

        def probe_states() -> list[str]:
            return [r[1] for r in _cells(probes) if not r[0].startswith(" └")]

        def child_rows() -> list[str]:
            return [r[0].strip(" └") for r in _cells(probes) if r[0].startswith(" └")]

        await until(pilot, "probes up", lambda: probe_states() == ["up"] * 3, LIVE)
        # /health/dependencies reports its parts; they show as rows under the probe.
        assert set(child_rows()) == {"redis", "database", "payments"}
        # The runbook catalogue is read on a thread of its own from the mount on.
        await until(pilot, "the runbooks", lambda: app.query_one(RunbooksPane).catalog_shown, LIVE)
        assert {row[0] for row in _cells(app.query_one(RunbooksPane))} >= {"High error rate"}
        assert slo.border_subtitle.startswith("updated")
        # The alerts cycle answers on its own schedule: wait for it, not for luck.
        await until(
            pilot,
            "the alerts' first answer",
            lambda: alerts.border_subtitle.startswith("updated"),
            LIVE,
        )

        # Evictions fire at once (for: 0s) and no other test uses them, so this alert is
        # news to the poll cycle and must be recorded as a transition.
        faults("evictions=on")
        await until(
            pilot,
            "RedisEvictions in the alerts pane",
            lambda: any(r[1] == "RedisEvictions" and r[4] == "firing" for r in _cells(alerts)),
            LIVE,
        )
        # The transition was written to the notebook and the timeline shows it.
        timeline = app.query_one(TimelinePane)
        await until(
            pilot, "alert fired in the timeline",
            lambda: any("RedisEvictions" in r[2] for r in _cells(timeline)), LIVE,
        )  # fmt: skip
