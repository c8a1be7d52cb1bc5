"""Several real Alertmanagers for the clusters rows (issue 20): each its own process on a
free loopback port, clustering off, its own storage in the bench's work folder, the
demo's config; a cockpit config naming them c1..cN; and the amtool peer (one query per
Alertmanager, its figure the sum of them)."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx

from cockpit.demo import files
from cockpit.demo.stack import find_binary, free_port


def _die_with_parent() -> None:
    # PR_SET_PDEATHSIG = 1, as the demo stack does: a killed bench leaves no Alertmanager.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class Alertmanagers:
    """``count`` Alertmanagers, started on ``with`` and always stopped on leaving it."""

    def __init__(self, count: int, work: Path, *, timeout: float = 30.0) -> None:
        self.count = count
        self.work = work
        self.timeout = timeout
        self.urls: list[str] = []
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Alertmanagers:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        binary = find_binary("alertmanager")
        if binary is None:
            raise RuntimeError("alertmanager is not installed (prometheus-alertmanager)")
        self.work.mkdir(parents=True, exist_ok=True)
        config = self.work / "alertmanager.yml"
        config.write_text(files.ALERTMANAGER_YAML)
        for n in range(1, self.count + 1):
            port = free_port()
            log = self.work / f"alertmanager-c{n}.log"
            with log.open("wb") as out:
                self.processes.append(subprocess.Popen(
                    [binary, f"--config.file={config}",
                     f"--storage.path={self.work / f'alertmanager-c{n}'}",
                     f"--web.listen-address=127.0.0.1:{port}",
                     f"--web.external-url=http://127.0.0.1:{port}",
                     "--cluster.listen-address=", "--log.level=warn"],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True, preexec_fn=_die_with_parent,
                ))  # fmt: skip
            self.urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + self.timeout
        for n, (url, process) in enumerate(zip(self.urls, self.processes, strict=True), 1):
            self._wait_ready(n, url, process, deadline)

    def _wait_ready(
        self, n: int, url: str, process: subprocess.Popen[bytes], deadline: float
    ) -> None:
        log = self.work / f"alertmanager-c{n}.log"
        while True:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-500:]
                raise RuntimeError(f"alertmanager c{n} exited ({process.returncode}): {tail}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"alertmanager c{n} was not ready at {url} in time; see {log}")
            time.sleep(0.1)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
        self.processes.clear()

    def wait_for_alerts(self, count: int, timeout: float = 60.0) -> None:
        """Until every Alertmanager lists at least ``count`` alerts."""
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=30) as client:
            for n, url in enumerate(self.urls, 1):
                while True:
                    held = len(client.get(f"{url}/api/v2/alerts").json())
                    if held >= count:
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"alertmanager c{n} lists {held} of {count} alerts")
                    time.sleep(0.2)


def cluster_names(count: int) -> list[str]:
    return [f"c{n}" for n in range(1, count + 1)]


def cockpit_toml(urls: Sequence[str]) -> str:
    """A cockpit config with one ``[[alertmanager]]`` per URL, named c1..cN, and nothing
    else to ask (no Prometheus: amtool asks only the Alertmanagers)."""
    lines = ["[oncall]", 'me = "bench"', 'timezone = "UTC"']
    for name, url in zip(cluster_names(len(urls)), urls, strict=True):
        lines += ["", "[[alertmanager]]", f'name = "{name}"', f'url = "{url}"']
    return "\n".join(lines) + "\n"


def amtool_commands(amtool: str, urls: Sequence[str]) -> list[list[str]]:
    """amtool's query of every alert, once per Alertmanager (it asks one at a time)."""
    return [
        [amtool, "alert", "query", "-o", "json", "--active", "--silenced", "--inhibited",
         f"--alertmanager.url={url}"]
        for url in urls
    ]  # fmt: skip


def peer_seconds(runs: Sequence[Sequence[float]]) -> float:
    """The peer's figure: each run is amtool's wall time against every Alertmanager in a
    row, so a run counts their sum; the best (smallest) run's sum."""
    if not runs or any(not walls for walls in runs):
        raise ValueError("no amtool run to count")
    return min(sum(walls) for walls in runs)
