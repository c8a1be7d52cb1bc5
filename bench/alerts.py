"""5,000 alerts in the real Alertmanager: `cockpit alerts --json` against
`amtool alert query -o json`, the alerts pane's UI-thread time for a refresh with 1 % of
the alerts changed against a full rebuild of the table, and peak RSS.

Run from a venv with cockpit installed: `python bench/alerts.py`.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from cockpit.config import load
from cockpit.demo.stack import DemoStack
from cockpit.model.snapshots import AlertSnapshot
from cockpit.services.alert_poll import AlertPoller

COUNT = 5000
RUNS = 3


def post_alerts(am_url: str, count: int) -> None:
    now = datetime.now(UTC)
    severities = ("critical", "warning", "warning", "info")
    alerts: list[dict[str, Any]] = [
        {
            "labels": {
                "alertname": f"BenchAlert{i % 50:02d}",
                "severity": severities[i % 4],
                "service": f"svc-{i % 20}",
                "instance": f"host-{i:05d}:9100",
            },
            "annotations": {"summary": f"bench alert {i} above threshold", "runbook": "x"},
            "startsAt": (now - timedelta(seconds=i)).isoformat(),
            "endsAt": (now + timedelta(hours=2)).isoformat(),
            "generatorURL": f"http://prometheus.bench/graph?g0.expr=bench{i}",
        }
        for i in range(count)
    ]
    with httpx.Client(timeout=30) as client:
        for start in range(0, count, 500):
            client.post(f"{am_url}/api/v2/alerts", json=alerts[start : start + 500])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            got = client.get(f"{am_url}/api/v2/alerts").json()
            if sum(1 for a in got if a["labels"].get("alertname", "").startswith("Bench")) >= count:
                return
            time.sleep(0.5)
    raise SystemExit("Alertmanager did not show all bench alerts within 60 s")


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and the output's size in bytes."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{argv[0]} failed: {err.decode()[:500]}")
    return wall, len(out)


def children_maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


async def ui_times(snapshot: AlertSnapshot) -> tuple[float, float, float, int]:
    """Seconds to apply a refresh with 1 % changed, a full rebuild, and the first fill,
    each with the drawing it leaves for the next frame (measured as bench/run.py does)."""
    import pane_times

    times = await pane_times.fill_times(snapshot)
    return times.refresh, times.rebuild, times.first, times.rows


def main() -> None:
    amtool = shutil.which("amtool")
    if amtool is None:
        raise SystemExit("amtool not found (Debian package prometheus-alertmanager)")
    cockpit = [sys.executable, "-m", "cockpit"]
    with DemoStack() as stack, tempfile.TemporaryDirectory() as data:
        assert stack.config_path is not None and stack.alertmanager_url is not None
        post_alerts(stack.alertmanager_url, COUNT)
        env = {**os.environ, "COCKPIT_CONFIG": str(stack.config_path), "COCKPIT_DATA_DIR": data}

        results: dict[str, list[float]] = {"cockpit": [], "amtool": []}
        rss: dict[str, int] = {}
        sizes: dict[str, int] = {}
        commands = {
            "cockpit": [*cockpit, "alerts", "--json"],
            "amtool": [amtool, f"--alertmanager.url={stack.alertmanager_url}", "alert",
                       "query", "-o", "json", "--active", "--silenced", "--inhibited"],
        }  # fmt: skip
        # amtool first: RUSAGE_CHILDREN keeps the largest reaped child, and Go's is smaller.
        for name in ("amtool", "cockpit"):
            for _ in range(RUNS):
                wall, size = timed(commands[name], env)
                results[name].append(wall)
                sizes[name] = size
            rss[name] = children_maxrss()

        config = load(stack.config_path)

        async def poll() -> AlertSnapshot:
            async with httpx.AsyncClient() as client:
                return await AlertPoller(config).poll(client)

        snapshot = asyncio.run(poll())
        incremental, rebuild, first, rows = asyncio.run(ui_times(snapshot))

    def best(values: list[float]) -> str:
        return f"{min(values):.2f} s (runs: {', '.join(f'{v:.2f}' for v in values)})"

    print(f"alerts in Alertmanager: {COUNT} bench alerts (+ the demo's own)")
    print(f"cockpit alerts --json:      best {best(results['cockpit'])}, {sizes['cockpit']} bytes")
    print(f"amtool alert query -o json: best {best(results['amtool'])}, {sizes['amtool']} bytes")
    print(f"alerts pane, refresh with 1 % changed: {incremental * 1000:.0f} ms UI thread")
    print(f"alerts pane, full rebuild of the table: {rebuild * 1000:.0f} ms UI thread")
    print(f"alerts pane, first fill: {first * 1000:.0f} ms ({rows} rows)")
    cockpit_rss = rss["cockpit"] if rss["cockpit"] > rss["amtool"] else None
    print(f"peak RSS: amtool {rss['amtool'] / 1024:.0f} MiB; cockpit alerts --json "
          f"{'%.0f MiB' % (cockpit_rss / 1024) if cockpit_rss else '<= amtool'}; "
          f"this bench process with the TUI and {rows} rows "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
