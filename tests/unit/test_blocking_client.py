"""Issue 18: the TUI's SLO poll keeps one HTTP client and its connections between cycles
(``sources/clients.BlockingClient``) instead of a new event loop, client and connection for
every PromQL query. Checked on a real loopback server that counts its connections."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from cockpit.config import Config, Endpoint, OnCall
from cockpit.model.slo_definition import SloDefinition
from cockpit.services.slo_poll import SloPoller
from cockpit.sources.clients import BlockingClient
from cockpit.sources.errors import SourceError
from cockpit.sources.prometheus import PrometheusQueries

EMPTY = json.dumps({"status": "success", "data": {"resultType": "vector", "result": []}})


class _Prometheus(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0
    queries = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Prometheus answers
    server: _Prometheus

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        self.server.queries += 1
        body = EMPTY.encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def prometheus() -> Iterator[_Prometheus]:
    server = _Prometheus(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _url(server: _Prometheus) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _config(server: _Prometheus) -> Config:
    slo = SloDefinition(
        "api", "api", 99.9, timedelta(days=30), "ratio",
        good="sum(rate(ok[{{window}}]))", total="sum(rate(all[{{window}}]))",
    )  # fmt: skip
    base = Config(path=None, oncall=OnCall(me="alice", timezone="UTC"))
    return replace(base, prometheus=Endpoint(url=_url(server)), slos=(slo,))


def test_the_tuis_slo_poll_keeps_one_connection_across_queries_and_cycles(
    prometheus: _Prometheus,
) -> None:
    poller = SloPoller(_config(prometheus), keep_client=True)
    try:
        for _ in range(3):
            snapshot = poller.poll()
            assert snapshot.freshness.error is None
    finally:
        poller.close()
    assert prometheus.queries >= 3 * poller.queries_sent > 0
    assert prometheus.connections == 1


def test_without_a_kept_client_each_query_has_its_own_connection(
    prometheus: _Prometheus,
) -> None:
    # The CLI's one-shot reports: nothing is left running after them.
    poller = SloPoller(_config(prometheus))
    poller.poll()
    poller.close()
    assert prometheus.connections == prometheus.queries > 1


def test_a_kept_client_runs_on_one_loop_and_closes_its_thread(prometheus: _Prometheus) -> None:
    kept = BlockingClient()
    queries = PrometheusQueries(Endpoint(url=_url(prometheus)), kept=kept)
    assert queries.query("up", 0.0) == []
    assert queries.query("up", 0.0) == []
    threads = [t for t in threading.enumerate() if t.name == "cockpit-http"]
    assert len(threads) == 1
    kept.close()
    threads[0].join(timeout=5)
    assert not threads[0].is_alive()
    # A call that outlives close still gets its answer (on a loop of its own).
    assert queries.query("up", 0.0) == []
    assert prometheus.connections == 2


def test_a_call_in_flight_when_the_client_closes_ends_with_an_error_not_a_wait() -> None:
    # The app closing while a PromQL query is between steps (say, connecting to a host
    # that drops packets): closing the connections does not wake it, and the loop it
    # runs on stops. Its thread must not wait forever: the app's exit waits for it.
    kept = BlockingClient()
    started = threading.Event()

    async def stuck(client: object) -> None:
        started.set()
        await asyncio.Event().wait()  # nothing sets it

    raised: list[BaseException] = []

    def call() -> None:
        try:
            kept.run(stuck)
        except BaseException as exc:  # whatever it raises is what the test checks
            raised.append(exc)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    assert started.wait(5)
    kept.close()
    thread.join(timeout=5)
    assert not thread.is_alive(), "the call still waits after close"
    assert [type(e) for e in raised] == [SourceError]
    assert "closed before its answer" in str(raised[0])
