"""The screen against a faulty Prometheus and Alertmanager: the SLO and alert panes say
why they have no fresh data (never "updated"), the header's clock keeps ticking while a
cycle hangs, and `r` brings the panes back once the sources answer again, without a
restart. One case per fault mode of ``fault_server``."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import load
from cockpit.ui.app import CockpitApp
from cockpit.ui.header import OnCallHeader
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.slo import SloPane
from tests.waiting import until

from .fault_server import MODES, FaultServer
from .test_fault_cli import REASONS, SLO, TIMEOUT


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
            await until(pilot, "the reason on both panes",
                        lambda: says(slo, reason) and says(alerts, reason), 10)  # fmt: skip
            assert not says(slo, "updated") and not says(alerts, "updated")
            server.mode = "ok"
            await pilot.press("r")
            await until(pilot, "both panes updated",
                        lambda: says(slo, "updated") and says(alerts, "updated"), 10)  # fmt: skip


class Clock:
    """The app's injected clock; the test moves it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


def _write_config(url: str) -> Path:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    # A long refresh: after the first cycle only `r` asks again, so the test decides when.
    endpoint = f'url = "{url}"\ntimeout = "{TIMEOUT}s"\nrefresh = "10m"\n'
    path.write_text(f"[prometheus]\n{endpoint}[alertmanager]\n{endpoint}{SLO}")
    return path


def _line(pane: SloPane | AlertsPane) -> str:
    return str(pane.border_subtitle or "")


def _says_reason(pane: SloPane | AlertsPane, mode: str) -> bool:
    wanted = REASONS[mode]
    reasons = (wanted,) if isinstance(wanted, str) else wanted
    line = _line(pane)
    return pane.has_class("-stale") and "stale since" in line and any(r in line for r in reasons)


def _fresh(pane: SloPane | AlertsPane) -> bool:
    return not pane.has_class("-stale") and _line(pane).startswith("updated")


@pytest.mark.parametrize("mode", ["refused", *MODES])
async def test_every_fault_marks_the_panes_stale_and_r_recovers(mode: str, tmp_path: Path) -> None:
    clock = Clock()
    with FaultServer("ok") as elsewhere:
        server = FaultServer("ok", redirect_to=elsewhere.url, trickle_every=0.05)
        port = int(server.url.rsplit(":", 1)[1])
        config = load(_write_config(server.url))
        app = CockpitApp(config, tmp_path / "notebook.sqlite3", clock=clock)
        try:
            async with app.run_test(size=(160, 48)) as pilot:
                slo, alerts = app.query_one(SloPane), app.query_one(AlertsPane)
                header = app.query_one(OnCallHeader)
                both = (slo, alerts)
                await until(pilot, "both panes updated", lambda: all(map(_fresh, both)), 10)

                # The fault; `r` asks again at once.
                if mode == "refused":
                    server.close()
                else:
                    server.mode = mode
                asked = len(server.requests)
                await pilot.press("r")
                if mode in ("hang", "trickle"):
                    await until(pilot, "the cycle to reach the server",
                                lambda: len(server.requests) >= asked + 2, 5)  # fmt: skip
                    assert not any(map(_says_reason, both, [mode] * 2)), "the cycle ended early"
                # The screen is alive while the cycle is out: a key is handled at once and
                # the header's clock shows the moved clock.
                clock.now += timedelta(seconds=61)
                await pilot.press("p")
                shown = f"{clock.now.astimezone(header.zone):%H:%M:%S}"
                assert app.paused and shown in str(header.render())
                await pilot.press("p")
                assert not app.paused

                await until(pilot, f"both panes stale with the reason for {mode}",
                            lambda: all(_says_reason(p, mode) for p in both), 10)  # fmt: skip

                # The sources answer again: `r` brings the panes back, no restart.
                if mode == "refused":
                    server = FaultServer("ok", port=port)
                else:
                    server.mode = "ok"
                await pilot.press("r")
                await until(pilot, "both panes updated again",
                            lambda: all(map(_fresh, both)), 10)  # fmt: skip
        finally:
            server.close()
        assert elsewhere.requests == [], "a redirect to another origin was followed"
