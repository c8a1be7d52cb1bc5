"""Demo service: a real HTTP app with its own traffic, Prometheus metrics, health endpoints and
live fault switches, so the demo cockpit has something to page about. Stdlib only.

Run as ``python -m cockpit.demo.service --host 127.0.0.1 --port 0 --port-file PATH``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from cockpit.demo.faults import Faults, dependencies, read_gauges, readiness
from cockpit.demo.signals import StopRequest

ROUTES = ("/api/orders", "/api/users", "/api/search")
BUCKETS = (0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.5, 5.0)
TRAFFIC_THREADS = 3
TRAFFIC_RPS = 20.0
EVICTIONS_PER_SECOND = 40.0
CLIENT_TIMEOUT_S = 30.0
MAX_BODY = 64 * 1024
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _num(value: float) -> str:
    # repr() writes "1.0" like client_python, the form Prometheus 3 normalises `le` to anyway.
    return repr(float(value))


class Metrics:
    """Request counters and histograms, shared by all handler threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Pre-seed 200 and 500 so rate() over the error series works from the first scrape.
        self._requests = {(route, "GET", code): 0 for route in ROUTES for code in (200, 500)}
        self._buckets = {route: [0] * len(BUCKETS) for route in ROUTES}
        self._sum = dict.fromkeys(ROUTES, 0.0)
        self._count = dict.fromkeys(ROUTES, 0)
        self._evicted = 0.0
        self._evicting = False
        self._evict_mark = time.monotonic()

    def observe(self, route: str, method: str, code: int, seconds: float) -> None:
        with self._lock:
            key = (route, method, code)
            self._requests[key] = self._requests.get(key, 0) + 1
            buckets = self._buckets[route]
            for i, le in enumerate(BUCKETS):
                if seconds <= le:
                    buckets[i] += 1
            self._sum[route] += seconds
            self._count[route] += 1

    def evictions(self, on: bool) -> int:
        """Accrue evictions for the time the fault was on, then record whether it is on now."""
        with self._lock:
            now = time.monotonic()
            if self._evicting:
                self._evicted += EVICTIONS_PER_SECOND * (now - self._evict_mark)
            self._evicting, self._evict_mark = on, now
            return int(self._evicted)

    def render(self, faults: Faults) -> str:
        evicted = self.evictions(faults.evictions)
        g = read_gauges(faults)
        out: list[str] = []

        def family(name: str, kind: str, help_text: str) -> None:
            out.extend((f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"))

        with self._lock:
            family("http_requests_total", "counter", "API requests by route, method and code.")
            for (route, method, code), n in sorted(self._requests.items()):
                out.append(
                    f'http_requests_total{{route="{route}",method="{method}",code="{code}"}} {n}'
                )
            family("http_request_duration_seconds", "histogram", "API request duration.")
            name = "http_request_duration_seconds"
            les = [*map(_num, BUCKETS), "+Inf"]
            for route in ROUTES:
                counts = [*self._buckets[route], self._count[route]]
                for le, n in zip(les, counts, strict=True):
                    out.append(f'{name}_bucket{{route="{route}",le="{le}"}} {n}')
                out.append(f'{name}_sum{{route="{route}"}} {_num(self._sum[route])}')
                out.append(f'{name}_count{{route="{route}"}} {self._count[route]}')
        for name, help_text, value in (
            ("demo_redis_latency_seconds", "Simulated Redis round-trip time.", g.redis_latency),
            ("demo_db_replication_lag_seconds", "Simulated replica lag.", g.replication_lag),
            ("demo_cpu_usage_ratio", "Simulated CPU usage, 0-1.", g.cpu),
            ("demo_memory_usage_ratio", "Simulated memory usage, 0-1.", g.memory),
            ("demo_ready", "1 when /health/ready answers 200.", float(faults.ready == "up")),
        ):
            family(name, "gauge", help_text)
            out.append(f"{name} {_num(value)}")
        family("demo_redis_evicted_keys_total", "counter", "Simulated Redis key evictions.")
        out.append(f"demo_redis_evicted_keys_total {evicted}")
        family("demo_fault_active", "gauge", "Active fault switches; value is the setting.")
        for fault, detail, value in faults.gauges():
            labels = f'fault="{fault}"' + (f',detail="{detail}"' if detail else "")
            out.append(f"demo_fault_active{{{labels}}} {_num(value)}")
        return "\n".join(out) + "\n"


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True
    # Otherwise server_close() joins every handler thread, including idle keep-alive ones.
    block_on_close = False

    def __init__(self, address: tuple[str, int], service: DemoService) -> None:
        self.service = service
        self.connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can stall.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients (Prometheus, timed-out traffic) hang up mid-response; that is not news.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Wake handler threads blocked reading idle keep-alive connections."""
        with self.conn_lock:
            conns = list(self.connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without this each keep-alive response waits ~40 ms on Nagle + delayed ACK.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # 20 req/s of access log would drown the demo stack's output

    def setup(self) -> None:
        super().setup()
        with self.server.conn_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.conn_lock:
                self.server.connections.discard(self.connection)

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, code: int, payload: object) -> None:
        self._send(code, json.dumps(payload).encode(), "application/json")

    def do_GET(self) -> None:
        svc = self.server.service
        path = self.path.split("?", 1)[0]
        if path in ROUTES:
            self._api(path)
        elif path == "/metrics":
            self._send(200, svc.metrics.render(svc.faults).encode(), METRICS_TYPE)
        elif path == "/health/live":
            self._json(200, {"status": "healthy"})
        elif path == "/health/ready":
            self._json(*readiness(svc.faults))
        elif path == "/health/dependencies":
            self._json(*dependencies(svc.faults))
        elif path == "/admin/faults":
            self._json(200, _faults_body(svc.faults))
        else:
            self._json(404, {"error": f"no route {path}"})

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the unread body would corrupt the next request
            self._json(400, {"error": f"Content-Length must be 0-{MAX_BODY}"})
            return
        raw = self.rfile.read(length)
        if self.path.split("?", 1)[0] != "/admin/faults":
            self._json(404, {"error": f"no route {self.path}"})
            return
        try:
            payload = json.loads(raw)
            specs = payload["faults"]
            if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
                raise TypeError
        except (ValueError, TypeError, KeyError):
            self._json(400, {"error": 'body must be JSON like {"faults": ["error-rate=5%"]}'})
            return
        try:
            state = self.server.service.apply(*specs)
        except ValueError as exc:
            self._json(400, {"error": str(exc)})
            return
        self._json(200, _faults_body(state))

    def _api(self, route: str) -> None:
        svc = self.server.service
        start = time.perf_counter()
        faults = svc.faults
        # Waiting on the stop event rather than sleeping lets stop() cut latency faults short.
        svc.stopping.wait(random.uniform(0.005, 0.060) + (faults.latency or 0.0))
        failed = faults.error_rate is not None and random.random() < faults.error_rate
        code = 500 if failed else 200
        body = {"error": "injected failure"} if failed else {"route": route, "ok": True}
        # Count before answering so a client that has its response also sees it in /metrics.
        svc.metrics.observe(route, "GET", code, time.perf_counter() - start)
        self._json(code, body)


def _faults_body(faults: Faults) -> dict[str, object]:
    return {"faults": faults.describe(), "state": faults.to_dict()}


class DemoService:
    """The demo app, runnable in-process (tests) or as a child process (``main``)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        traffic: bool = True,
        faults: Faults | None = None,
        rps: float = TRAFFIC_RPS,
    ) -> None:
        self.host = host
        self.metrics = Metrics()
        self.stopping = threading.Event()
        self._requested_port = port
        self._traffic = traffic
        self._rps = rps
        self._faults = faults or Faults()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self._stopped = False

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("DemoService is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._client_host}:{self.port}"

    @property
    def _client_host(self) -> str:
        # A wildcard bind is reachable on loopback; connecting to 0.0.0.0 is not portable.
        return "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host

    @property
    def faults(self) -> Faults:
        return self._faults

    def apply(self, *specs: str) -> Faults:
        """Apply fault switches in order, all or nothing. Raises ValueError on a bad one."""
        with self._lock:
            state = self._faults.apply(*specs)
            self._faults = state
            self.metrics.evictions(state.evictions)
            return state

    def start(self) -> Self:
        if self._server is not None or self._stopped:
            raise RuntimeError("DemoService can only be started once")
        self._server = _Server((self.host, self._requested_port), self)
        self.metrics.evictions(self._faults.evictions)
        serve = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="demo-server"
        )
        self._threads.append(serve)
        if self._traffic:
            self._threads += [
                threading.Thread(target=self._drive, name=f"demo-traffic-{i}", daemon=True)
                for i in range(TRAFFIC_THREADS)
            ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stop traffic and server, join threads, close the socket. Safe to call twice."""
        with self._lock:
            if self._stopped or self._server is None:
                self._stopped = True
                return
            self._stopped = True
        self.stopping.set()
        server = self._server
        for thread in self._threads[1:]:
            thread.join(timeout=5)
        server.shutdown()
        self._threads[0].join(timeout=5)
        server.close_connections()
        server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _drive(self) -> None:
        """One traffic thread: GET a random API route at a steady pace over keep-alive."""
        interval = TRAFFIC_THREADS / self._rps
        conn: http.client.HTTPConnection | None = None
        next_at = time.monotonic() + random.uniform(0, interval)  # stagger the threads
        while not self.stopping.wait(max(0.0, next_at - time.monotonic())):
            # Pace from the schedule, but after a slow response carry on rather than burst.
            next_at = max(next_at + interval, time.monotonic())
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(
                        self._client_host, self.port, timeout=CLIENT_TIMEOUT_S
                    )
                conn.request("GET", random.choice(ROUTES))
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()


def _write_port_file(path: Path, port: int) -> None:
    # Write-then-rename so a watcher never reads a half-written file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(f"{port}\n")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cockpit.demo.service", description="Run the cockpit demo service."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", type=Path, help="write the bound port here once listening")
    parser.add_argument("--fault", action="append", default=[], help="initial fault, repeatable")
    parser.add_argument("--no-traffic", action="store_true", help="do not generate own traffic")
    args = parser.parse_args(argv)
    try:
        faults = Faults().apply(*args.fault)
    except ValueError as exc:
        parser.error(str(exc))

    # Installed before binding so an early SIGTERM still exits cleanly.
    stop = StopRequest().install(signal.SIGTERM, signal.SIGINT)
    service = DemoService(args.host, args.port, traffic=not args.no_traffic, faults=faults)
    try:
        service.start()
    except OSError as exc:
        print(f"demo service: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        if args.port_file is not None:
            _write_port_file(args.port_file, service.port)
        print(f"demo service listening on {service.url}", flush=True)
        while not stop.requested:
            time.sleep(0.1)
    finally:
        service.stop()
        if args.port_file is not None:
            args.port_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
