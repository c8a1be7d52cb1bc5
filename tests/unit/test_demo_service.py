from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cockpit.demo.service import BUCKETS, ROUTES, DemoService, main

Labels = frozenset[tuple[str, str]]
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"')


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)


def request(svc: DemoService, path: str, method: str = "GET", body: Any = None) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", svc.port, timeout=10)
    try:
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        conn.request(method, path, body=data)
        resp = conn.getresponse()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def parse_metrics(text: str) -> dict[tuple[str, Labels], float]:
    """Strict-enough 0.0.4 parser: every sample belongs to a family announced by HELP+TYPE."""
    assert text.endswith("\n")
    helped: set[str] = set()
    types: dict[str, str] = {}
    samples: dict[tuple[str, Labels], float] = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helped.add(line.split()[2])
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            assert kind in ("counter", "gauge", "histogram")
            types[name] = kind
            continue
        match = SAMPLE.match(line)
        assert match, f"bad sample line {line!r}"
        name, raw_labels, value = match.groups()
        labels = LABEL.findall(raw_labels or "")
        assert ",".join(f'{k}="{v}"' for k, v in labels) == (raw_labels or ""), line
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
        assert family in types and family in helped, f"{name} has no HELP/TYPE"
        key = (name, frozenset(labels))
        assert key not in samples, f"duplicate series {line!r}"
        samples[key] = float(value)
    return samples


def metrics(svc: DemoService) -> dict[tuple[str, Labels], float]:
    resp = request(svc, "/metrics")
    assert resp.status == 200
    assert resp.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse_metrics(resp.body.decode())


def sample(m: dict[tuple[str, Labels], float], name: str, **labels: str) -> float:
    return m[(name, frozenset(labels.items()))]


def requests_total(m: dict[tuple[str, Labels], float], code: str | None = None) -> float:
    return sum(
        v
        for (name, labels), v in m.items()
        if name == "http_requests_total" and (code is None or ("code", code) in labels)
    )


@pytest.fixture
def svc() -> Iterator[DemoService]:
    with DemoService(traffic=False) as service:
        yield service


def test_metrics_exposition_has_every_family(svc: DemoService) -> None:
    text = request(svc, "/metrics").body.decode()
    for name, kind in [
        ("http_requests_total", "counter"),
        ("http_request_duration_seconds", "histogram"),
        ("demo_redis_latency_seconds", "gauge"),
        ("demo_db_replication_lag_seconds", "gauge"),
        ("demo_cpu_usage_ratio", "gauge"),
        ("demo_memory_usage_ratio", "gauge"),
        ("demo_redis_evicted_keys_total", "counter"),
        ("demo_ready", "gauge"),
        ("demo_fault_active", "gauge"),
    ]:
        assert f"# TYPE {name} {kind}\n" in text
        assert f"# HELP {name} " in text
    m = parse_metrics(text)
    assert sample(m, "demo_ready") == 1.0
    assert 0.001 <= sample(m, "demo_redis_latency_seconds") <= 0.002
    assert 1.0 <= sample(m, "demo_db_replication_lag_seconds") <= 2.0
    assert 0.30 <= sample(m, "demo_cpu_usage_ratio") <= 0.40
    assert 0.52 <= sample(m, "demo_memory_usage_ratio") <= 0.58
    assert sample(m, "demo_redis_evicted_keys_total") == 0
    assert not [k for k in m if k[0] == "demo_fault_active"]
    les = re.findall(
        r'http_request_duration_seconds_bucket\{route="/api/orders",le="([^"]+)"\}', text
    )
    assert les == ["0.05", "0.1", "0.2", "0.25", "0.5", "1.0", "2.5", "5.0", "+Inf"]


def test_api_requests_are_counted_and_observed(svc: DemoService) -> None:
    for _ in range(4):
        resp = request(svc, "/api/orders")
        assert resp.status == 200
        assert resp.headers["content-type"] == "application/json"
        assert resp.json()["route"] == "/api/orders"
    assert request(svc, "/api/users").status == 200
    request(svc, "/health/live")
    request(svc, "/metrics")
    m = metrics(svc)
    assert sample(m, "http_requests_total", route="/api/orders", method="GET", code="200") == 4
    assert sample(m, "http_requests_total", route="/api/users", method="GET", code="200") == 1
    assert requests_total(m) == 5  # /metrics and /health are not counted
    count = sample(m, "http_request_duration_seconds_count", route="/api/orders")
    assert count == 4
    assert sample(m, "http_request_duration_seconds_sum", route="/api/orders") >= 4 * 0.005
    buckets = [
        sample(m, "http_request_duration_seconds_bucket", route="/api/orders", le=repr(le))
        for le in BUCKETS
    ]
    inf = sample(m, "http_request_duration_seconds_bucket", route="/api/orders", le="+Inf")
    assert buckets == sorted(buckets)
    assert buckets[-1] <= inf == count


def test_concurrent_requests_are_all_counted(svc: DemoService) -> None:
    def worker() -> None:
        for _ in range(8):
            assert request(svc, "/api/search").status == 200

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    m = metrics(svc)
    assert sample(m, "http_requests_total", route="/api/search", method="GET", code="200") == 80
    assert sample(m, "http_request_duration_seconds_count", route="/api/search") == 80
    assert sample(m, "http_request_duration_seconds_bucket", route="/api/search", le="+Inf") == 80


def test_keep_alive_serves_several_requests_on_one_connection(svc: DemoService) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", svc.port, timeout=5)
    try:
        for path in ("/health/live", "/api/users", "/metrics", "/nope"):
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            assert resp.version == 11
            assert resp.getheader("Content-Length") == str(len(body))
            assert resp.status == (404 if path == "/nope" else 200)
    finally:
        conn.close()


def test_own_traffic_drives_counters() -> None:
    with DemoService() as service:
        deadline = time.monotonic() + 5
        total = 0.0
        while time.monotonic() < deadline:
            m = metrics(service)
            total = requests_total(m)
            if total >= 10:
                break
            time.sleep(0.1)
        assert total >= 10
        hit = {r for r in ROUTES if sample(m, "http_request_duration_seconds_count", route=r) > 0}
        assert len(hit) >= 2


def test_error_rate_fault_answers_500_and_counts_it(svc: DemoService) -> None:
    before = requests_total(metrics(svc), code="500")
    svc.apply("error-rate=100%")
    for _ in range(3):
        resp = request(svc, "/api/orders")
        assert resp.status == 500
        assert resp.json() == {"error": "injected failure"}
    m = metrics(svc)
    assert requests_total(m, code="500") == before + 3
    assert sample(m, "http_requests_total", route="/api/orders", method="GET", code="500") == 3
    assert sample(m, "demo_fault_active", fault="error-rate") == 1.0
    svc.apply("reset")
    assert request(svc, "/api/orders").status == 200


def test_latency_fault_slows_requests(svc: DemoService) -> None:
    svc.apply("latency=300ms")
    started = time.perf_counter()
    assert request(svc, "/api/users").status == 200
    assert time.perf_counter() - started >= 0.3
    m = metrics(svc)
    assert sample(m, "http_request_duration_seconds_count", route="/api/users") == 1
    assert sample(m, "http_request_duration_seconds_bucket", route="/api/users", le="0.25") == 0
    assert sample(m, "http_request_duration_seconds_sum", route="/api/users") >= 0.3
    assert sample(m, "demo_fault_active", fault="latency") == pytest.approx(0.3)


def test_health_live_and_ready(svc: DemoService) -> None:
    live = request(svc, "/health/live")
    assert (live.status, live.json()) == (200, {"status": "healthy"})
    assert live.headers["content-type"] == "application/json"
    ready = request(svc, "/health/ready")
    assert (ready.status, ready.json()) == (200, {"status": "healthy"})

    svc.apply("ready=down")
    ready = request(svc, "/health/ready")
    assert ready.status == 503
    assert ready.json() == {"status": "unhealthy", "reason": "readiness switched off"}
    m = metrics(svc)
    assert sample(m, "demo_ready") == 0.0
    assert sample(m, "demo_fault_active", fault="ready", detail="down") == 1.0
    assert request(svc, "/health/live").status == 200

    svc.apply("ready=degraded")
    ready = request(svc, "/health/ready")
    assert ready.status == 503
    assert ready.json()["status"] == "degraded"
    assert ready.json()["mode"] == "degraded"

    svc.apply("ready=up")
    assert request(svc, "/health/ready").status == 200


def test_dependencies_follow_faults(svc: DemoService) -> None:
    resp = request(svc, "/health/dependencies")
    assert resp.status == 200
    body = resp.json()
    assert body["status"] == "healthy"
    assert set(body["dependencies"]) == {"redis", "database", "payments"}
    assert body["dependencies"]["redis"]["latency_ms"] < 5

    svc.apply("redis-latency=20ms")
    resp = request(svc, "/health/dependencies")
    assert (resp.status, resp.json()["status"]) == (200, "degraded")
    assert resp.json()["dependencies"]["redis"]["status"] == "degraded"
    assert sample(metrics(svc), "demo_redis_latency_seconds") >= 0.02

    svc.apply("dependency=payments:unhealthy")
    resp = request(svc, "/health/dependencies")
    assert (resp.status, resp.json()["status"]) == (503, "unhealthy")
    assert resp.json()["dependencies"]["payments"] == {"status": "unhealthy"}


def test_evictions_counter_grows_only_while_on(svc: DemoService) -> None:
    assert sample(metrics(svc), "demo_redis_evicted_keys_total") == 0
    svc.apply("evictions=on")
    time.sleep(0.2)
    first = sample(metrics(svc), "demo_redis_evicted_keys_total")
    time.sleep(0.2)
    second = sample(metrics(svc), "demo_redis_evicted_keys_total")
    assert 0 < first < second
    svc.apply("evictions=off")
    stopped = sample(metrics(svc), "demo_redis_evicted_keys_total")
    time.sleep(0.2)
    assert sample(metrics(svc), "demo_redis_evicted_keys_total") == stopped >= second


def test_admin_api_reads_and_applies_faults(svc: DemoService) -> None:
    resp = request(svc, "/admin/faults")
    assert (resp.status, resp.json()["faults"]) == (200, [])

    resp = request(svc, "/admin/faults", "POST", {"faults": ["error-rate=5%", "latency=300ms"]})
    assert resp.status == 200
    assert resp.json()["faults"] == ["error-rate=5%", "latency=300ms"]
    assert resp.json()["state"]["error_rate"] == pytest.approx(0.05)
    assert svc.faults.latency == pytest.approx(0.3)
    assert request(svc, "/admin/faults").json()["faults"] == ["error-rate=5%", "latency=300ms"]

    resp = request(svc, "/admin/faults", "POST", {"faults": ["reset", "cpu=95%"]})
    assert resp.json()["faults"] == ["cpu=95%"]
    assert sample(metrics(svc), "demo_cpu_usage_ratio") >= 0.95


def test_admin_api_rejects_bad_faults_without_changing_anything(svc: DemoService) -> None:
    svc.apply("latency=100ms")
    resp = request(svc, "/admin/faults", "POST", {"faults": ["error-rate=50%", "eror-rate=5%"]})
    assert resp.status == 400
    error = resp.json()["error"]
    assert "unknown fault 'eror-rate'" in error
    assert "accepted: error-rate=5%" in error
    assert svc.faults.error_rate is None
    assert svc.faults.latency == pytest.approx(0.1)

    resp = request(svc, "/admin/faults", "POST", {"faults": ["cpu=150%"]})
    assert resp.status == 400
    assert "outside 0-100%" in resp.json()["error"]

    for bad in (b"not json", b'{"faults": "cpu=95%"}', b'{"other": []}', b"[1]"):
        resp = request(svc, "/admin/faults", "POST", bad)
        assert resp.status == 400
        assert "body must be JSON" in resp.json()["error"]
    assert request(svc, "/health/live").status == 200


def test_lifecycle_stop_is_idempotent_and_releases_port() -> None:
    service = DemoService(traffic=False)
    with pytest.raises(RuntimeError):
        _ = service.port
    service.start()
    port = service.port
    assert service.url == f"http://127.0.0.1:{port}"
    assert request(service, "/health/live").status == 200
    service.stop()
    service.stop()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    with pytest.raises(RuntimeError):
        service.start()


def test_stop_does_not_wait_out_a_latency_fault() -> None:
    with DemoService() as service:
        service.apply("latency=30s")
        time.sleep(0.3)  # let the traffic threads get stuck in slow requests
        started = time.monotonic()
    assert time.monotonic() - started < 5
    assert not [t for t in threading.enumerate() if t.name.startswith("demo-")]


def test_main_rejects_bad_initial_fault(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--fault", "latency=soon"])
    assert info.value.code == 2
    assert "latency value 'soon'" in capsys.readouterr().err


def test_subprocess_serves_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit.demo.service", "--port", "0", "--port-file", port_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 10
        while not port_file.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "port file never appeared"
            time.sleep(0.02)
        port = int(port_file.read_text())
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/health/live")
        resp = conn.getresponse()
        assert (resp.status, json.loads(resp.read())) == (200, {"status": "healthy"})
        conn.close()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=5)
        assert proc.returncode == 0, err
        assert f"listening on http://127.0.0.1:{port}" in out.decode()
        assert not port_file.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
