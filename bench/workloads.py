"""The workloads: alerts POSTed into the real Alertmanager, a config with many SLOs (of
the demo service's recorded series) and many probes (against the demo service)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROUTES = ("/api/orders", "/api/users", "/api/search")
SEVERITIES = ("critical", "warning", "warning", "info")


def bench_alert(i: int, now: datetime) -> dict[str, Any]:
    return {
        "labels": {
            "alertname": f"BenchAlert{i % 50:02d}",
            "severity": SEVERITIES[i % 4],
            "service": f"svc-{i % 20}",
            "instance": f"host-{i:05d}:9100",
        },
        "annotations": {"summary": f"bench alert {i} above threshold", "runbook": "x"},
        "startsAt": (now - timedelta(seconds=i)).isoformat(),
        # Long enough to outlive the run: the alerts stay unchanged while it measures.
        "endsAt": (now + timedelta(hours=4)).isoformat(),
        "generatorURL": f"http://prometheus.bench/graph?g0.expr=bench{i}",
    }


def post_alerts(am_url: str, count: int) -> None:
    """Alerts 0..count-1 (the same fingerprints every time: a larger count adds to them)."""
    now = datetime.now(UTC)
    with httpx.Client(timeout=60) as client:
        for start in range(0, count, 1000):
            batch = [bench_alert(i, now) for i in range(start, min(start + 1000, count))]
            client.post(f"{am_url}/api/v2/alerts", json=batch).raise_for_status()


def wait_for_data(prometheus_url: str, timeout: float = 45.0) -> None:
    """Until the first scrape of the demo service is queryable."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            body = httpx.get(
                f"{prometheus_url}/api/v1/query",
                params={"query": "sum(http_requests_total)"}, timeout=2,
            ).json()  # fmt: skip
            if body["data"]["result"]:
                return
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    raise RuntimeError("Prometheus had no data from the demo service in time")


def large_config(base: Path, target: Path, *, slos: int, probes: int, service_url: str) -> Path:
    """The demo config with its SLOs and probes replaced by ``slos`` SLOs and ``probes``
    probes (ready checks of the demo service every 10 s)."""
    lines = [base.read_text().split("[[slo]]")[0]]
    for i in range(slos):
        route = ROUTES[i % len(ROUTES)]
        lines += [
            "[[slo]]",
            f'name = "slo-{i:03d}"',
            f"objective = {(99.0, 99.5, 99.9)[i % 3]}",
            f'good = \'sum(rate(http_requests_total{{route="{route}",code!~"5.."}}'
            "[{{window}}]))'",
            f"total = 'sum(rate(http_requests_total{{route=\"{route}\"}}[{{{{window}}}}]))'",
            "",
        ]
    for i in range(probes):
        lines += [
            "[[probe]]",
            f'name = "probe-{i:03d}"',
            f'url = "{service_url}/health/ready"',
            'interval = "10s"',
            'conditions = ["[STATUS] == 200"]',
            "degraded_ok = true",
            "",
        ]
    target.write_text("\n".join(lines))
    return target
