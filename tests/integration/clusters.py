"""Issue 20's rig: several Alertmanagers and Prometheus servers on loopback, on random ports.

`AlertmanagerRig`: an HA pair ("eu-1", "eu-2": gossip on loopback with short intervals, so
a silence reaches the other peer in well under a second) and one Alertmanager on its own
("data", clustering off). `PrometheusRig`: two servers ("a", "b"), each scraping itself
every second under its own job name (`job="a"` lives only in server a), so an SLO on one
server has series the other has not.

Both start their children with cockpit.demo.stack (own session, dying with the thread that
started them), can stop and start one by name (same ports, same storage), and `restore()`
starts whatever a test stopped. The fixtures are in tests/integration/conftest.py.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from cockpit.demo.stack import Child, free_port, spawn, stop_children, wait_ready

from .waiting import poll_until

START_TIMEOUT = 30.0
PAIR = ("eu-1", "eu-2")
ALONE = "data"
SERVERS = ("a", "b")

ALERTMANAGER_YAML = """route:
  receiver: nobody
  group_by: [alertname]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 4h
receivers:
  - name: nobody
"""
# Gossip on loopback: quick syncs, a short settle (the notification pipeline waits for it).
GOSSIP = (
    "--cluster.gossip-interval=50ms",
    "--cluster.pushpull-interval=1s",
    "--cluster.settle-timeout=1s",
    "--cluster.reconnect-interval=1s",
    "--cluster.probe-interval=200ms",
    "--cluster.peer-timeout=1s",
)


@dataclass
class _Process:
    name: str
    argv: list[str]
    ready_path: str
    url: str
    child: Child | None = None

    @property
    def running(self) -> bool:
        return self.child is not None and self.child.process.poll() is None


@dataclass
class _Rig:
    """Named children with fixed ports and storage: start, stop, restore, close."""

    workdir: Path
    processes: dict[str, _Process] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return self.processes[name].url

    def start(self, name: str) -> None:
        process = self.processes[name]
        if process.running:
            return
        process.child = spawn(self.workdir, name, process.argv)
        wait_ready(process.child, process.url + process.ready_path,
                   time.monotonic() + START_TIMEOUT)  # fmt: skip

    def stop(self, name: str) -> None:
        process = self.processes[name]
        if process.child is not None:
            stop_children([process.child])
            process.child = None

    def running(self, name: str) -> bool:
        return self.processes[name].running

    def start_all(self) -> None:
        # Spawn all first, then wait: the children start side by side.
        for process in self.processes.values():
            if not process.running:
                process.child = spawn(self.workdir, process.name, process.argv)
        deadline = time.monotonic() + START_TIMEOUT
        for process in self.processes.values():
            assert process.child is not None
            wait_ready(process.child, process.url + process.ready_path, deadline)

    def restore(self) -> list[str]:
        """Start every child a test stopped (or that died); their names."""
        stopped = [name for name, p in self.processes.items() if not p.running]
        for name in stopped:
            self.stop(name)  # reap a dead one
            self.start(name)
        return stopped

    def close(self) -> None:
        # One at a time: an Alertmanager leaving its cluster waits up to 10 s for a peer
        # that is stopping at the same moment; one after the other each stops at once.
        for name in self.processes:
            self.stop(name)


class AlertmanagerRig(_Rig):
    """The pair "eu-1"/"eu-2" (one cluster) and "data" (alone)."""

    def __init__(self, binary: str, workdir: Path, amtool: str | None) -> None:
        super().__init__(workdir)
        self.amtool_binary = amtool
        (workdir / "alertmanager.yml").write_text(ALERTMANAGER_YAML)
        gossip_ports = {name: free_port() for name in PAIR}
        for name in (*PAIR, ALONE):
            port = free_port()
            argv = [
                binary,
                f"--config.file={workdir / 'alertmanager.yml'}",
                f"--storage.path={workdir / (name + '-data')}",
                f"--web.listen-address=127.0.0.1:{port}",
                f"--web.external-url=http://127.0.0.1:{port}",
                "--log.level=warn",
            ]
            if name in gossip_ports:
                address = f"127.0.0.1:{gossip_ports[name]}"
                argv += [f"--cluster.listen-address={address}",
                         f"--cluster.advertise-address={address}",
                         *(f"--cluster.peer=127.0.0.1:{gossip_ports[other]}"
                           for other in PAIR if other != name),
                         *GOSSIP]  # fmt: skip
            else:
                argv.append("--cluster.listen-address=")
            self.processes[name] = _Process(name, argv, "/-/ready", f"http://127.0.0.1:{port}")

    @property
    def pair(self) -> tuple[str, str]:
        return (self.url(PAIR[0]), self.url(PAIR[1]))

    def post_alerts(self, names: Iterable[str], alerts: Sequence[dict[str, Any]]) -> None:
        """POST /api/v2/alerts to each named peer (as Prometheus does: to every one)."""
        for name in names:
            response = httpx.post(f"{self.url(name)}/api/v2/alerts", json=list(alerts), timeout=5)
            response.raise_for_status()

    def alerts(self, name: str) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = httpx.get(f"{self.url(name)}/api/v2/alerts", timeout=5).json()
        return body

    def silences(self, name: str) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = httpx.get(
            f"{self.url(name)}/api/v2/silences", timeout=5
        ).json()
        return body

    def amtool(self, name: str, *argv: str) -> str:
        """amtool against one peer; its stdout (a failing amtool raises, with its stderr)."""
        assert self.amtool_binary is not None, "amtool is not installed"
        done = subprocess.run(
            [self.amtool_binary, f"--alertmanager.url={self.url(name)}", *argv],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if done.returncode != 0:
            raise AssertionError(f"amtool {' '.join(argv)} failed: {done.stderr.strip()}")
        return done.stdout

    def clusters_formed(self) -> bool:
        """Both peers of the pair see two members."""
        for name in PAIR:
            status = httpx.get(f"{self.url(name)}/api/v2/status", timeout=5).json()
            if len(status.get("cluster", {}).get("peers") or []) != 2:
                return False
        return True

    def expire_silences(self) -> None:
        """Expire every active silence (a test's acks must not mute the next test's alerts)."""
        for name, process in self.processes.items():
            if not process.running:
                continue
            for item in self.silences(name):
                if item["status"]["state"] != "expired":
                    httpx.delete(f"{self.url(name)}/api/v2/silence/{item['id']}", timeout=5)


def alert(name: str, **labels: str) -> dict[str, Any]:
    """A firing alert, unique by a fresh `test` label, for POST /api/v2/alerts."""
    now = datetime.now(UTC)
    return {
        "labels": {"alertname": name, "test": uuid.uuid4().hex[:12], **labels},
        "annotations": {"summary": f"{name} from the clusters rig"},
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(minutes=10)).isoformat(),
        "generatorURL": "http://127.0.0.1/rig",
    }


def prometheus_yaml(job: str, port: int) -> str:
    return f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: {job}
    static_configs:
      - targets: ["127.0.0.1:{port}"]
"""


class PrometheusRig(_Rig):
    """Servers "a" and "b", each scraping itself as `job="<its name>"`."""

    def __init__(self, binary: str, workdir: Path) -> None:
        super().__init__(workdir)
        for name in SERVERS:
            port = free_port()
            config = workdir / f"prometheus-{name}.yml"
            config.write_text(prometheus_yaml(name, port))
            argv = [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={workdir / (name + '-data')}",
                f"--web.listen-address=127.0.0.1:{port}",
                f"--web.external-url=http://127.0.0.1:{port}",
                "--log.level=warn",
            ]
            self.processes[name] = _Process(name, argv, "/-/ready", f"http://127.0.0.1:{port}")

    def query(self, name: str, expr: str) -> list[dict[str, Any]]:
        body = httpx.get(f"{self.url(name)}/api/v1/query", params={"query": expr}, timeout=5).json()
        return list(body.get("data", {}).get("result") or [])

    def wait_for_rates(self, names: Iterable[str] = SERVERS, timeout: float = 30.0) -> None:
        """Until each server's requests to itself have a rate above zero (scrapes that saw
        its counters grow: a ratio over them has a value)."""
        for name in names:
            expr = f'sum(rate(prometheus_http_requests_total{{job="{name}"}}[1m])) > 0'
            poll_until(f"a rate above zero in Prometheus {name}", partial(self.query, name, expr),
                       timeout)  # fmt: skip


def amtool_binary() -> str | None:
    return shutil.which("amtool") or shutil.which("amtool", path="/usr/sbin:/usr/bin")
