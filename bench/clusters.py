"""Issue 20's rows: several real Alertmanagers (5 x 2,000 alerts at full size), the
alerts pane's refresh in an app configured with all of them, and `cockpit alerts --json`
(every cluster in one command) against amtool run once per Alertmanager."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pane_times
import workloads
from alertmanagers import Alertmanagers, amtool_commands, cluster_names, cockpit_toml, peer_seconds
from cockpit_process import CockpitProcess
from rows import Row, row

from cockpit.config import Config, load
from cockpit.model.snapshots import AlertSnapshot
from cockpit.services.alert_poll import AlertPoller
from cockpit.sources.clients import async_client


def measure(clusters: int, each: int, cli_runs: int, work: Path) -> dict[str, Row]:
    amtool = shutil.which("amtool")
    if amtool is None:
        raise RuntimeError("amtool is not installed (Debian package prometheus-alertmanager)")
    with Alertmanagers(clusters, work / "clusters") as servers:
        for url in servers.urls:  # the same alerts in each: two clusters, two alerts
            workloads.post_alerts(url, each)
        servers.wait_for_alerts(each)
        config_path = work / "clusters.toml"
        config_path.write_text(cockpit_toml(servers.urls))
        rows = refresh_row(load(config_path), clusters, each)
        rows.update(cli_row(config_path, amtool_commands(amtool, servers.urls), clusters,
                            each, cli_runs, work / "clusters-cli"))  # fmt: skip
    return rows


async def _polls(config: Config) -> tuple[AlertSnapshot, float, float]:
    """Two polls by the cockpit's own poller and client (every cluster asked at once):
    the first, and a second of the same alerts (what every later refresh pays)."""
    poller = AlertPoller(config)
    async with async_client() as client:
        t0 = time.perf_counter()
        snapshot = await poller.poll(client)
        t1 = time.perf_counter()
        await poller.poll(client)
        t2 = time.perf_counter()
    return snapshot, t1 - t0, t2 - t1


def refresh_row(config: Config, clusters: int, each: int) -> dict[str, Row]:
    snapshot, first_poll, again = asyncio.run(_polls(config))
    if snapshot.freshness.error or snapshot.stale_clusters():
        raise RuntimeError(f"the poll failed: {snapshot.freshness.error or snapshot.clusters}")
    total = clusters * each
    if len(snapshot.alerts) != total or set(snapshot.clusters) != set(cluster_names(clusters)):
        raise RuntimeError(f"the poll read {len(snapshot.alerts)} alerts, not {total}")
    t = asyncio.run(pane_times.fill_times(snapshot, config))
    note = (f"{t.rows} rows, {clusters} clusters (cluster column and per-cluster counts in "
            f"the title); headless run_test 200x60, update_snapshot with the drawing it "
            f"leaves for the next frame; first fill {t.first * 1000:.0f} ms; the poll "
            f"(AlertPoller, {clusters} clusters asked at once) {first_poll:.2f} s, "
            f"a second poll of the same alerts {again:.2f} s")  # fmt: skip
    what = f"alerts pane, {clusters} clusters: apply a refresh, 1 % of {total} changed"
    return {"clusters_refresh_1pct": row("clusters_refresh_1pct", t.refresh * 1000, note,
                                         what=what)}  # fmt: skip


def run_timed(argv: list[str], env: dict[str, str]) -> tuple[float, Any]:
    """Wall seconds of ``argv`` and its output read as JSON."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip()[:300]
        raise RuntimeError(f"{Path(argv[0]).name} exited {done.returncode}: {why}")
    return wall, json.loads(done.stdout)


def cli_row(
    config_path: Path,
    peer: Sequence[list[str]],
    clusters: int,
    each: int,
    runs: int,
    home: Path,
) -> dict[str, Row]:
    env = CockpitProcess(config_path, home).env()
    home.mkdir(parents=True, exist_ok=True)
    ours = [sys.executable, "-m", "cockpit", "alerts", "--json"]
    walls: list[float] = []
    peer_runs: list[list[float]] = []
    for _ in range(runs):  # interleaved: both see the same load
        wall, listed = run_timed(ours, env)
        walls.append(wall)
        named = {a["cluster"] for a in listed}
        if len(listed) != clusters * each or named != set(cluster_names(clusters)):
            raise RuntimeError(f"cockpit alerts --json listed {len(listed)} alerts of {named}")
        peer_runs.append([])
        for argv in peer:
            wall, listed = run_timed(argv, env)
            if len(listed) != each:
                raise RuntimeError(f"amtool listed {len(listed)} alerts, not {each}")
            peer_runs[-1].append(wall)
    best, theirs = min(walls), peer_seconds(peer_runs)
    split = min(peer_runs, key=sum)
    note = (f"{clusters} x {each} alerts; amtool {theirs:.2f} s, the sum of one query per "
            f"Alertmanager ({', '.join(f'{w:.2f}' for w in split)} s); best of {runs} each, "
            "interleaved")  # fmt: skip
    return {"clusters_cli_vs_amtool": row(
        "clusters_cli_vs_amtool", best, note, peer=theirs,
        what=f"`cockpit alerts --json`, {clusters} clusters x {each} alerts, vs amtool "
             f"once per Alertmanager",
    )}  # fmt: skip
