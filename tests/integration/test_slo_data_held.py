"""How much of an SLO's window holds data, asked of a real Prometheus that has kept only
the seconds since the demo stack started."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from cockpit.cli import main
from cockpit.config import load
from cockpit.demo.stack import DemoStack
from cockpit.services.slo_coverage import data_held
from cockpit.sources.prometheus import PrometheusQueries

from .conftest import wait_for


def _traffic(stack: DemoStack) -> None:
    """The first scrape is not yet a rate: wait for two."""
    assert stack.config_path is not None
    config = load(stack.config_path)
    assert config.prometheus is not None
    queries = PrometheusQueries(config.prometheus)
    wait_for("a request rate", lambda: queries.query("sum(rate(http_requests_total[5m]))") or None)


def test_a_30_day_window_on_a_fresh_prometheus_holds_seconds_of_data(
    stack: DemoStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _traffic(stack)
    assert stack.config_path is not None
    config = load(stack.config_path)
    assert config.prometheus is not None
    at = time.time()
    slos = [s for s in config.slos if s.window == timedelta(days=30)]
    assert slos
    held = data_held(PrometheusQueries(config.prometheus), slos, at)
    for slo in slos:
        span = held[slo.name]
        assert span is not None, slo.name
        # The stack of this session started at most a few minutes ago; the first scrape
        # came after it. One fine step (15 s for 30 days) is the precision.
        assert timedelta(0) <= span < timedelta(minutes=30), (slo.name, span)
    # Once the data is older than a 10 s window, that window is full.
    queries = PrometheusQueries(config.prometheus)

    def fifteen_seconds() -> bool:
        span = data_held(queries, slos[:1], time.time())[slos[0].name]
        return span is not None and span >= timedelta(seconds=15)

    wait_for("15 s of request rates", fifteen_seconds)
    short = replace(slos[0], window=timedelta(seconds=10))
    assert data_held(queries, [short], time.time())[short.name] == short.window
    # `slo report` says it, as text and JSON.
    monkeypatch.setenv("COCKPIT_CONFIG", str(stack.config_path))
    main(["slo", "report", "--json"])
    body = json.loads(capsys.readouterr().out)
    first = next(s for s in body["slos"] if s["name"] == slos[0].name)
    assert first["data_held_seconds"] is not None and first["data_held_seconds"] < 1800
    assert "window holds only" in first["data_note"]
    assert first["burn_rows"] and "1h" in first["burn_per_window"]
    main(["slo", "report"])
    assert "Data:                the 30d window holds only" in capsys.readouterr().out


def test_an_slo_without_traffic_holds_no_data(stack: DemoStack) -> None:
    _traffic(stack)
    assert stack.config_path is not None
    config = load(stack.config_path)
    assert config.prometheus is not None
    slo = replace(
        config.slos[0], name="nothing", kind="ratio", good="sum(rate(nope_total[{{window}}]))",
        bad=None, total="sum(rate(nope_total[{{window}}]))",
    )  # fmt: skip
    held = data_held(PrometheusQueries(config.prometheus), [slo, config.slos[0]], time.time())
    assert held["nothing"] is None
    assert held[config.slos[0].name] is not None
