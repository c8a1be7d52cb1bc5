"""The screen against a trickling Prometheus and Alertmanager: the SLO and alert panes
say why they have no fresh data (never "updated"), and `r` brings them back once the
sources answer again, without a restart."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from cockpit.config import load
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.slo import SloPane

from .fault_server import FaultServer
from .test_fault_cli import SLO


async def _until(pilot: object, what: str, check: Callable[[], bool], timeout: float) -> None:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await pilot.pause(0.1)  # type: ignore[attr-defined]


async def test_panes_say_stale_with_the_reason_and_recover_on_r(tmp_path: Path) -> None:
    with FaultServer("trickle", trickle_every=0.05) as server:
        path = Path(os.environ["COCKPIT_CONFIG"])
        path.parent.mkdir(parents=True, exist_ok=True)
        # A long refresh: after the failed first cycles, only `r` asks again.
        endpoint = f'url = "{server.url}"\ntimeout = "0.5s"\nrefresh = "10m"\n'
        path.write_text(f"[prometheus]\n{endpoint}[alertmanager]\n{endpoint}{SLO}")
        app = CockpitApp(load(path), tmp_path / "notebook.sqlite3")
        async with app.run_test(size=(160, 48)) as pilot:
            slo, alerts = app.query_one(SloPane), app.query_one(AlertsPane)

            def says(pane: SloPane | AlertsPane, text: str) -> bool:
                return text in str(pane.border_subtitle or "")

            reason = "no complete answer within 0.5 s"
            await _until(pilot, "the reason on both panes",
                         lambda: says(slo, reason) and says(alerts, reason), 10)  # fmt: skip
            assert not says(slo, "updated") and not says(alerts, "updated")
            server.mode = "ok"
            await pilot.press("r")
            await _until(pilot, "both panes updated",
                         lambda: says(slo, "updated") and says(alerts, "updated"), 10)  # fmt: skip
