"""Probes against the real demo service over loopback HTTP (no Prometheus needed)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from cockpit.cli import main
from cockpit.config import Config, ProbeConfig
from cockpit.demo.service import DemoService
from cockpit.demo.stack import free_port
from cockpit.model.snapshots import ProbeSnapshot
from cockpit.services.probe_poll import ProbePoller


@pytest.fixture
def service() -> Iterator[DemoService]:
    with DemoService(traffic=False) as running:
        yield running


def _poll(poller: ProbePoller) -> ProbeSnapshot:
    async def go() -> ProbeSnapshot:
        async with httpx.AsyncClient() as client:
            return await poller.poll(client, all_probes=True)

    return asyncio.run(go())


def _config(*probes: ProbeConfig) -> Config:
    return Config(path=None, probes=probes)


def test_readiness_down_pending_down_then_up_after_two(service: DemoService) -> None:
    poller = ProbePoller(_config(ProbeConfig("ready", f"{service.url}/health/ready")))
    assert _poll(poller).probes[0].state == "up"
    service.apply("ready=down")
    seen = [_poll(poller).probes[0] for _ in range(3)]
    assert [s.state for s in seen] == ["pending", "pending", "down"]
    last = seen[-1].last
    assert last is not None
    assert (last.category, last.reason) == ("status", "[STATUS] == 200: got 503")
    service.apply("ready=up")
    back = [_poll(poller).probes[0].state for _ in range(2)]
    assert back == ["down", "up"]


def test_degraded_dependency_shows_in_the_children(service: DemoService) -> None:
    probe = ProbeConfig(
        "dependencies",
        f"{service.url}/health/dependencies",
        conditions=("[STATUS] == 200", "[BODY].status != unhealthy"),
    )
    poller = ProbePoller(_config(probe))
    service.apply("dependency=redis:degraded")
    state = _poll(poller).probes[0]
    assert state.last is not None and state.last.ok
    children = {c.name: c.status for c in state.last.children}
    assert children["redis"] == "degraded"
    assert children["database"] == "healthy"
    service.apply("dependency=redis:unhealthy")
    state = _poll(poller).probes[0]
    assert state.last is not None and not state.last.ok
    assert {c.name: c.status for c in state.last.children}["redis"] == "unhealthy"


def test_declared_degraded_mode_is_accepted_only_when_allowed(service: DemoService) -> None:
    url = f"{service.url}/health/ready"
    strict = ProbeConfig("strict", url)
    lenient = ProbeConfig("lenient", url, degraded_ok=True)
    service.apply("ready=degraded")
    results = {s.name: s.last for s in _poll(ProbePoller(_config(strict, lenient))).probes}
    assert results["lenient"] is not None and results["lenient"].ok
    assert results["lenient"].degraded
    assert results["strict"] is not None and not results["strict"].ok
    assert results["strict"].category == "status"


def test_closed_port_is_refused() -> None:
    probe = ProbeConfig("closed", f"http://127.0.0.1:{free_port()}/health")
    last = _poll(ProbePoller(_config(probe))).probes[0].last
    assert last is not None
    assert (last.category, last.reason) == ("refused", "connection refused")


def test_a_server_that_never_answers_is_a_timeout() -> None:
    # Listening but never reading: the kernel accepts the connection, no reply comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        probe = ProbeConfig("silent", f"http://127.0.0.1:{port}/", timeout=timedelta(seconds=0.5))
        last = _poll(ProbePoller(_config(probe))).probes[0].last
    assert last is not None
    assert (last.category, last.reason) == ("timeout", "timed out")


def test_a_slow_probe_does_not_hold_the_fast_ones(service: DemoService) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        every = timedelta(seconds=1)  # the first run is jittered within 10 % of this
        slow = ProbeConfig(
            "slow", f"http://127.0.0.1:{silent.getsockname()[1]}/", interval=every,
            timeout=timedelta(seconds=3),
        )  # fmt: skip
        fast = ProbeConfig("fast", f"{service.url}/health/live", interval=every)
        poller = ProbePoller(_config(slow, fast))

        async def one_cycle() -> ProbeSnapshot:
            async with httpx.AsyncClient() as client:
                await asyncio.sleep(0.15)  # both are due now
                snapshot = await poller.poll(client)  # the normal cycle, not all_probes
                poller.cancel()
                return snapshot

        states = {s.name: s for s in asyncio.run(one_cycle()).probes}
    assert states["fast"].state == "up"
    assert states["slow"].last is None  # still running when the cycle returned


def test_cli_probe_exit_codes(service: DemoService, capsys: pytest.CaptureFixture[str]) -> None:
    ready = f"{service.url}/health/ready"
    assert main(["probe", ready]) == 0
    assert capsys.readouterr().out.startswith("ok  ")
    service.apply("ready=down")
    assert main(["probe", "--json", ready]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body[0]["ok"] is False and body[0]["category"] == "status" and body[0]["status"] == 503
    service.apply("ready=degraded")
    assert main(["probe", ready]) == 1
    assert main(["probe", "--allow-ready-degraded", ready]) == 0
    assert "degraded mode" in capsys.readouterr().out
    assert main(["probe", "no-such-probe"]) == 2
    assert "neither a configured probe" in capsys.readouterr().err


def test_cli_reports_a_bad_target_once_and_runs_the_others(
    service: DemoService, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["probe", "nonsense", f"{service.url}/health/live"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("'nonsense' is neither a configured probe") == 1
    assert f"{service.url}/health/live" in captured.out
    assert captured.out.startswith("ok  ")


def test_a_trickling_server_is_cut_off_by_the_total_limit() -> None:
    import threading

    stop = threading.Event()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def trickle() -> None:
        conn, _ = server.accept()
        with conn:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            # One byte every 0.2 s: each read is quick, the whole body never comes.
            while not stop.wait(0.2):
                try:
                    conn.sendall(b"x")
                except OSError:
                    return

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    probe = ProbeConfig(
        "trickle", f"http://127.0.0.1:{server.getsockname()[1]}/",
        timeout=timedelta(seconds=0.5),
    )  # fmt: skip
    try:
        last = _poll(ProbePoller(_config(probe))).probes[0].last
    finally:
        stop.set()
        server.close()
    assert last is not None
    assert (last.category, last.reason) == ("timeout", "timed out (whole response)")
