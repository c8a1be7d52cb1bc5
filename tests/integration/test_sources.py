"""Sources and poll cycles against the real Prometheus, Alertmanager and demo service."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from cockpit.config import Config, Endpoint, load
from cockpit.demo.stack import DemoStack
from cockpit.model.probes import DOWN, UP
from cockpit.model.snapshots import SloSnapshot
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.probe_poll import ProbePoller
from cockpit.services.slo_poll import SloPoller
from cockpit.sources import alertmanager, prometheus

from .conftest import wait_for

T = TypeVar("T")


@pytest.fixture
def config(stack: DemoStack) -> Config:
    assert stack.config_path is not None
    return load(stack.config_path)


def _run(factory: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    async def go() -> T:
        async with httpx.AsyncClient() as client:
            return await factory(client)

    return asyncio.run(go())


def test_stack_runs_the_real_binaries(stack: DemoStack, config: Config) -> None:
    assert config.prometheus is not None and config.alertmanager is not None
    info = _run(lambda c: prometheus.fetch_buildinfo(c, config.prometheus))
    status = _run(lambda c: alertmanager.fetch_status(c, config.alertmanager))
    assert isinstance(info, dict) and info["version"].startswith("2.")
    assert isinstance(status, dict) and status["versionInfo"]["version"]
    assert {c.name for c in stack.children} == {"demo-service", "prometheus", "alertmanager"}


def test_slo_poller_reads_real_slis(config: Config) -> None:
    poller = SloPoller(config)

    def both_have_data() -> object:
        snapshot = poller.poll()
        return snapshot if all(s.budget.sli is not None for s in snapshot.slos) else None

    snapshot = wait_for("both SLIs", both_have_data)
    assert snapshot.freshness.ok
    slis = {s.slo.name: s.budget.sli for s in snapshot.slos}
    assert 0.9 < slis["api-availability"] <= 1.0
    # Baseline latency is 5-60 ms: every request is under 2.5 s.
    assert slis["api-latency-p95"] == pytest.approx(1.0)


def test_dead_prometheus_marks_slos_stale_not_blank(config: Config) -> None:
    from dataclasses import replace

    from cockpit.demo.stack import free_port

    assert config.prometheus is not None
    dead = replace(config.prometheus, url=f"http://127.0.0.1:{free_port()}")
    snapshot = SloPoller(replace(config, prometheus=dead)).poll()
    assert snapshot.freshness.error == "connection refused"
    assert [s.slo.name for s in snapshot.slos] == [s.name for s in config.slos]
    assert all(s.budget.status == "no data" for s in snapshot.slos)


def test_error_fault_fires_critical_and_inhibits_warning(
    config: Config, faults: Callable[..., str]
) -> None:
    poller = AlertPoller(config)
    faults("error-rate=50%")

    def firing() -> object:
        snapshot = _run(poller.poll)
        names = {(a.name, a.severity): a for a in snapshot.alerts}
        critical = names.get(("HighErrorRate", "critical"))
        warning = names.get(("HighErrorRate", "warning"))
        if critical and critical.state == "firing" and warning and warning.state == "inhibited":
            return critical
        return None

    critical = wait_for("HighErrorRate critical firing, warning inhibited", firing)
    assert critical.annotations["runbook"] == "high-error-rate"
    assert critical.labels["service"] == "demo-api"


def test_pending_alert_comes_from_prometheus(config: Config, faults: Callable[..., str]) -> None:
    poller = AlertPoller(config)
    faults("ready=down")

    def pending() -> object:
        snapshot = _run(poller.poll)
        return [a for a in snapshot.alerts if a.name == "ServiceNotReady" and a.state == "pending"]

    assert wait_for("ServiceNotReady pending (its for: is 5 s)", pending, timeout=20)


def test_probes_go_down_after_three_failures(config: Config, faults: Callable[..., str]) -> None:
    poller = ProbePoller(config)

    def states() -> dict[str, object]:
        snapshot = _run(lambda client: poller.poll(client, all_probes=True))
        return {p.name: p for p in snapshot.probes}

    assert states()["ready"].state == UP
    faults("ready=down")
    seen = [states()["ready"] for _ in range(3)]
    assert [s.state for s in seen] == ["pending", "pending", DOWN]
    assert seen[-1].last.reason == "[STATUS] == 200: got 503"
    assert seen[-1].last.latency_ms is not None


def test_doctor_passes_on_the_demo(stack: DemoStack, tmp_path: Path) -> None:
    from cockpit.services.doctor import run_checks
    from cockpit.store import open_notebook

    assert stack.config_path is not None
    database = tmp_path / "db.sqlite3"
    open_notebook(database).close()
    before = database.read_bytes()
    checks = {c.name: c for c in run_checks(stack.config_path, database)}
    assert database.read_bytes() == before  # read-only: no migration, no backup
    assert checks["config"].ok
    assert checks["prometheus"].ok and "version 2." in checks["prometheus"].detail
    assert checks["alertmanager"].ok
    assert checks["notebook"].ok and "integrity ok" in checks["notebook"].detail


def test_slo_rows_keep_their_last_values_when_prometheus_dies(config: Config) -> None:
    from dataclasses import replace

    from cockpit.demo.stack import free_port

    poller = SloPoller(config)

    def both_have_data() -> SloSnapshot | None:
        snapshot = poller.poll()
        return snapshot if all(s.budget.sli is not None for s in snapshot.slos) else None

    good = wait_for("both SLIs", both_have_data)
    assert config.prometheus is not None
    # Point the same poller at a dead port: the next cycle fails.
    (group,) = poller.groups.values()
    group.queries = type(group.queries)(
        replace(config.prometheus, url=f"http://127.0.0.1:{free_port()}")
    )
    stale = poller.poll()
    assert stale.freshness.error == "connection refused"
    assert stale.freshness.last_success == good.freshness.last_success
    assert [s.budget.sli for s in stale.slos] == [s.budget.sli for s in good.slos]
    assert all(s.error == "connection refused" for s in stale.slos)


def test_a_broken_promql_shows_prometheus_message_and_others_still_work(config: Config) -> None:
    from dataclasses import replace

    broken = replace(
        config.slos[0], name="broken", good="sum(rate(http_requests_total{[{{window}}]))"
    )
    poller = SloPoller(replace(config, slos=(*config.slos, broken)))

    def ready() -> SloSnapshot | None:
        snapshot = poller.poll()
        good = [s for s in snapshot.slos if s.slo.name != "broken"]
        return snapshot if all(s.budget.sli is not None for s in good) else None

    snapshot = wait_for("the good SLIs", ready)
    by_name = {s.slo.name: s for s in snapshot.slos}
    assert by_name["broken"].error is not None
    assert "parse error" in by_name["broken"].error  # Prometheus's own words
    assert by_name["broken"].budget.sli is None
    assert by_name["api-availability"].error is None
    assert snapshot.freshness.error is None  # the source itself is fine


def _long_sum(terms: int) -> str:
    return "vector(1)" + " + 0 * vector(1)" * terms


def test_a_long_query_goes_in_a_post_body(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.prometheus is not None
    queries = prometheus.PrometheusQueries(config.prometheus)
    posted: list[str] = []
    real_send = prometheus.send

    async def spy(client: object, endpoint: Endpoint, method: str, path: str, **kw: Any) -> Any:
        if method == "POST":
            posted.append(endpoint.url + path)
        return await real_send(client, endpoint, method, path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(prometheus, "send", spy)
    short = _long_sum(3)
    assert queries.scalar(short) == 1.0 and posted == []
    expr = _long_sum(2000)  # about 32 KB, like the batch for 100 SLOs
    assert len(expr) > prometheus.LONG_QUERY
    assert queries.scalar(expr) == 1.0
    assert posted == [config.prometheus.url + "/api/v1/query"]
    # The pinned evaluation time travels in the body too.
    pinned = "vector(time())" + expr.removeprefix("vector(1)")
    assert queries.scalar(pinned, at=1_700_000_000) == 1_700_000_000


def test_a_long_bad_query_is_refused_as_a_query(config: Config) -> None:
    assert config.prometheus is not None
    queries = prometheus.PrometheusQueries(config.prometheus)
    with pytest.raises(prometheus.QueryRefused, match="query refused"):
        queries.query(_long_sum(500) + " +")
