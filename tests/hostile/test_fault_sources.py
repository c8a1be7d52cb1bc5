"""The poll cycles against the fault server: a stalled or trickling source ends the cycle
with its reason and the last data kept, marked; the next cycle recovers. Secrets never
follow a redirect to another origin."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from cockpit.config import Config, Endpoint, SecretRef
from cockpit.model.slo_definition import SloDefinition
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.slo_poll import SloPoller
from cockpit.sources.clients import async_client
from cockpit.sources.errors import SourceError
from cockpit.sources.prometheus import PrometheusQueries

from .fault_server import FaultServer

HALF = timedelta(seconds=0.5)
SLO = SloDefinition(
    name="api", service="api", objective=99.0, window=timedelta(days=30), kind="ratio",
    good="sum(rate(ok[{{window}}]))", total="sum(rate(all[{{window}}]))",
)  # fmt: skip


def test_a_stalled_body_is_a_deadline_not_cannot_connect() -> None:
    """Headers, then silence: the old client said "cannot connect" for this read timeout."""
    with FaultServer("stall") as server:
        queries = PrometheusQueries(Endpoint(url=server.url, timeout=HALF))
        started = time.monotonic()
        with pytest.raises(SourceError) as caught:
            queries.query("up")
        assert time.monotonic() - started < 0.5 + 2
    assert str(caught.value) == "no complete answer within 0.5 s"


def test_a_trickling_prometheus_fails_the_slo_cycle_which_then_recovers() -> None:
    with FaultServer("trickle", trickle_every=0.05) as server:
        poller = SloPoller(
            Config(None, prometheus=Endpoint(url=server.url, timeout=HALF), slos=(SLO,))
        )
        started = time.monotonic()
        failed = poller.poll()
        assert time.monotonic() - started < 1.0 + 2  # the cycle's deadline, plus 2 s
        assert failed.freshness.error == "no complete answer within 0.5 s"
        server.mode = "ok"
        recovered = poller.poll()
    assert recovered.freshness.error is None and recovered.freshness.last_success is not None


def test_a_trickling_alertmanager_fails_the_alert_cycle_which_then_recovers() -> None:
    async def go() -> None:
        with FaultServer("trickle", trickle_every=0.05) as server:
            endpoint = Endpoint(url=server.url, timeout=HALF)
            poller = AlertPoller(Config(None, alertmanager=endpoint, prometheus=endpoint))
            async with async_client() as client:
                started = time.monotonic()
                failed = await poller.poll(client)
                assert time.monotonic() - started < 1.0 + 2
                assert failed.freshness.error == "no complete answer within 0.5 s"
                assert failed.pending_error == "no complete answer within 0.5 s"
                server.mode = "ok"
                recovered = await poller.poll(client)
            assert recovered.freshness.error is None and recovered.pending_error is None

    asyncio.run(go())


def test_a_secret_header_never_follows_a_redirect_to_another_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COCKPIT_SECRET_ORG_ID", "tenant-s3cret")
    with FaultServer("ok") as elsewhere, FaultServer("redirect", redirect_to=elsewhere.url) as prom:
        endpoint = Endpoint(
            url=prom.url, timeout=HALF, headers={"X-Scope-OrgID": SecretRef("ORG_ID")}
        )
        slo = SloPoller(Config(None, prometheus=endpoint, slos=(SLO,))).poll()
        alerts = asyncio.run(_alert_poll(Config(None, alertmanager=endpoint, prometheus=endpoint)))
    assert prom.requests and prom.requests[0].headers["x-scope-orgid"] == "tenant-s3cret"
    assert elsewhere.requests == []
    where = f"redirected to another origin ({elsewhere.url}/api/v1/query); not followed"
    assert slo.freshness.error is not None and where in slo.freshness.error
    assert alerts.freshness.error is not None
    assert "redirected to another origin" in alerts.freshness.error
    assert not any(s.budget.sli is not None for s in slo.slos)  # nothing taken as data


async def _alert_poll(config: Config) -> object:
    async with async_client() as client:
        return await AlertPoller(config).poll(client)


def test_a_50_mb_health_body_fails_the_probe_as_too_large() -> None:
    from cockpit.config import ProbeConfig
    from cockpit.model.conditions import parse_condition
    from cockpit.model.probes import ProbeResult
    from cockpit.sources.probes import run_probe_bounded

    async def go() -> ProbeResult:
        with FaultServer("50mb") as server:
            probe = ProbeConfig("big", f"{server.url}/health", timeout=timedelta(seconds=5))
            async with async_client() as client:
                conditions = [parse_condition("[STATUS] == 200")]
                return await run_probe_bounded(client, probe, conditions)

    result = asyncio.run(go())
    assert not result.ok and result.category == "body"
    assert result.reason.startswith("answer too large")
