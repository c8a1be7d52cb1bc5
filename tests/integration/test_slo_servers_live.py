"""SLOs on two Prometheus servers, one the real one and one a closed port: the real one's
SLOs stay fresh with real figures, the other's are stale with the reason, in the poll,
`slo report` and the past view (issue 20). The two-live-servers rig is elsewhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cockpit.config import Config, load
from cockpit.demo.stack import DemoStack, free_port
from cockpit.model.slo_report import UNKNOWN, verdict
from cockpit.model.snapshots import SloSnapshot
from cockpit.services.past_view import slo_at
from cockpit.services.slo_poll import SloPoller
from cockpit.services.slo_report import build_report

from .conftest import wait_for

MOVED = "api-latency-p95"  # the SLO moved to the closed port


@pytest.fixture
def config(stack: DemoStack) -> Config:
    assert stack.config_path is not None
    base = load(stack.config_path)
    assert base.prometheus is not None
    live = replace(base.prometheus, name="live")
    down = replace(base.prometheus, name="down", url=f"http://127.0.0.1:{free_port()}")
    slos = tuple(replace(s, prometheus="down") if s.name == MOVED else s for s in base.slos)
    assert any(s.name == MOVED for s in slos)
    return replace(base, prometheus=live, prometheus_servers=(live, down), slos=slos)


def test_a_closed_port_makes_only_its_slos_stale(config: Config) -> None:
    poller = SloPoller(config, keep_client=True)
    try:

        def live_has_data() -> SloSnapshot | None:
            snapshot = poller.poll()
            live = [s for s in snapshot.slos if s.server == "live"]
            return snapshot if live and all(s.budget.sli is not None for s in live) else None

        snapshot = wait_for("the live server's SLIs", live_has_data)
    finally:
        poller.close()
    assert snapshot.freshness.ok
    assert snapshot.servers["live"].ok
    assert snapshot.servers["down"].error == "connection refused"
    for status in snapshot.slos:
        if status.slo.name == MOVED:
            assert status.server == "down" and status.error == "connection refused"
            assert status.budget.sli is None
        else:
            assert status.server == "live" and status.error is None
            assert 0.9 < (status.budget.sli or 0) <= 1.0


def test_the_report_cannot_tell_naming_the_closed_port(config: Config) -> None:
    # Other tests set faults on the shared demo service (the time-travel story runs the
    # whole session): an exhausted budget would rightly block first. A 1 % objective
    # cannot be exhausted by them, so the verdict is about the closed port alone.
    slos = tuple(s if s.name == MOVED else replace(s, objective=1.0) for s in config.slos)
    report = build_report(replace(config, slos=slos), coverage=True)
    code, line = verdict(report)
    assert code == UNKNOWN
    assert line == "Cannot tell: Prometheus down (connection refused) did not answer"
    assert MOVED not in report.totals and MOVED not in report.held
    assert "api-availability" in report.held  # the live server still answered its extras


def test_the_past_view_asks_each_slos_server(config: Config) -> None:
    snapshot = slo_at(config, datetime.now(UTC))
    assert snapshot.freshness.ok
    assert snapshot.servers["down"].error == "connection refused"
    moved = next(s for s in snapshot.slos if s.slo.name == MOVED)
    assert moved.error == "connection refused"
