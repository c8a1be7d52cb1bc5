"""The steps of bench/run.py: each measures some rows of issue 18's table."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import clusters
import notebook_times
import pane_times
import probes
import startup
import travel_times
import workloads
from alerts import timed
from cockpit_process import CockpitProcess, memory_kib
from rows import Row, median, not_measured, row

import cockpit.demo.service as demo_service
from cockpit.demo.stack import DemoStack
from cockpit.sources.clients import async_client

MB = 1024  # KiB per MiB


@dataclass(frozen=True)
class Sizes:
    alerts: int
    many_alerts: int
    slos: int
    rss_probes: int
    probe_cycle: int
    notebook: notebook_times.NotebookSizes
    idle_window: float  # seconds of CPU measured
    rss_window: float
    settle: float  # seconds the cockpit gets before a window starts
    starts: int  # start-up runs
    imports: int  # fresh interpreters per module
    cli_runs: int
    refreshes: int
    clusters: int  # Alertmanagers of the clusters rows (issue 20)
    cluster_alerts: int  # alerts in each of them


FULL = Sizes(5000, 50000, 100, 200, 1000, notebook_times.NotebookSizes(100_000, 5000, 200, 20, 200),
             30.0, 60.0, 10.0, 3, 5, 3, 10, 5, 2000)  # fmt: skip
QUICK = Sizes(200, 1000, 5, 20, 20, notebook_times.NotebookSizes(2000, 50, 20, 3, 20),
              3.0, 3.0, 2.0, 1, 1, 1, 3, 3, 50)  # fmt: skip


class Bench:
    def __init__(
        self, sizes: Sizes, work: Path, *, tmux: bool = True, only: tuple[str, ...] = ()
    ) -> None:
        self.sizes = sizes
        self.only = only  # row-key prefixes to measure; empty means every row
        self.work = work
        self.tmux = tmux and shutil.which("tmux") is not None
        self.rows: dict[str, Row] = {}
        self.failed: list[str] = []

    def measure(self, keys: tuple[str, ...], step: Callable[[], dict[str, Row]]) -> None:
        """Run one step; on an error its rows say "not measured" with the error."""
        if self.only and not any(k.startswith(self.only) for k in keys):
            return
        print(f"measuring {', '.join(keys)} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            self.rows.update(step())
        except Exception as exc:  # the other rows still get measured
            traceback.print_exc()
            why = f"failed: {type(exc).__name__}: {exc}".splitlines()[0][:200]
            self.failed.extend(keys)
            for key in keys:
                self.rows[key] = not_measured(key, why)
        took = time.perf_counter() - started
        print(f"  ... {took:.1f} s", file=sys.stderr, flush=True)

    def cockpit(self, config: Path, home: Path) -> CockpitProcess:
        return CockpitProcess(config, home, tmux=self.tmux)

    # -- the rows -------------------------------------------------------------
    def imports(self) -> dict[str, Row]:
        runs = self.sizes.imports
        # Interleaved, fresh interpreters: both see the same machine load.
        ours, theirs = [], []
        for _ in range(runs):
            ours.append(startup.import_seconds("cockpit.ui.app", runs=1))
            theirs.append(startup.import_seconds("textual.app", runs=1))
        a, b = median(ours) * 1000, median(theirs) * 1000
        note = f"textual.app {b:.0f} ms; medians of {runs} fresh interpreters each, interleaved"
        return {"import_ui_vs_textual": row("import_ui_vs_textual", a, note, peer=b)}

    def probes(self) -> dict[str, Row]:
        count = self.sizes.probe_cycle
        service = demo_service.DemoService(traffic=False).start()
        try:
            poller = probes.ProbePoller(probes.config_for(service.url, count), seed=1)

            async def cycles() -> list[probes.Cycle]:
                async with async_client() as client:
                    return [await probes.one_cycle(poller, client) for _ in range(3)]

            runs = asyncio.run(cycles())
        finally:
            service.stop()
        best = min(runs, key=lambda c: c.wall)
        note = (f"{count} probes, in-process demo service, the app's client; best of 3; "
                f"{best.ok}/{best.total} ok; process CPU holds the server's threads "
                f"(event loop alone {best.loop_cpu:.2f} s)")  # fmt: skip
        what = f"one cycle of {count} HTTP probes on loopback"
        return {
            "probes_cycle_wall": row("probes_cycle_wall", best.wall, note, what=f"{what}: wall"),
            "probes_cycle_cpu": row("probes_cycle_cpu", best.cpu, note, what=f"{what}: CPU"),
        }

    def notebook(self) -> dict[str, Row]:
        return notebook_times.measure(self.sizes.notebook)

    def many_clusters(self) -> dict[str, Row]:
        s = self.sizes
        return clusters.measure(s.clusters, s.cluster_alerts, s.cli_runs, self.work)

    def start_and_idle(self, stack: DemoStack) -> dict[str, Row]:
        assert stack.config_path is not None
        s = self.sizes
        frames, share, how = [], 0.0, ""
        for run in range(s.starts):
            with self.cockpit(stack.config_path, self.work / f"start-{run}") as cockpit:
                how = cockpit.how
                frames.append(cockpit.first_frame())
                if run == s.starts - 1:
                    time.sleep(s.settle)
                    share = cockpit.cpu_share(s.idle_window)
        runs = ", ".join(f"{f:.2f}" for f in frames)
        seen = "the five pane titles on screen" if self.tmux else "five panes laid out"
        return {
            "start_to_first_frame": row(
                "start_to_first_frame",
                min(frames),
                f"{how}: best of {len(frames)} ({runs} s), from starting the process to {seen}",
            ),
            "idle_cpu_demo": row(
                "idle_cpu_demo",
                share,
                f"{how}; {s.idle_window:.0f} s window after {s.settle:.0f} s; CPU from /proc",
            ),
        }

    def time_travel(self, stack: DemoStack) -> dict[str, Row]:
        assert stack.config_path is not None
        steps = 3 if self.sizes is QUICK else 10
        t = asyncio.run(travel_times.step_times(
            stack.config_path, self.work / "travel.sqlite3", steps, look=1.0))  # fmt: skip
        worst = max(t.ahead)
        note = (f"headless run_test 200x50 on the demo config, `[` to the panes showing that "
                f"minute; worst of {len(t.ahead)} steps read ahead by the one before "
                f"(median {median(t.ahead) * 1000:.0f} ms); the first step, nothing read "
                f"ahead: {t.cold * 1000:.0f} ms")  # fmt: skip
        return {"time_travel_step": row("time_travel_step", worst * 1000, note)}

    def cli_vs_amtool(self, stack: DemoStack) -> dict[str, Row]:
        assert stack.alertmanager_url is not None and stack.config_path is not None
        amtool = shutil.which("amtool")
        if amtool is None:
            raise RuntimeError("amtool is not installed (Debian package prometheus-alertmanager)")
        env = CockpitProcess(stack.config_path, self.work / "cli").env()
        (self.work / "cli").mkdir(exist_ok=True)
        commands = {
            "cockpit": [sys.executable, "-m", "cockpit", "alerts", "--json"],
            "amtool": [amtool, f"--alertmanager.url={stack.alertmanager_url}", "alert",
                       "query", "-o", "json", "--active", "--silenced", "--inhibited"],
        }  # fmt: skip
        walls: dict[str, list[float]] = {"cockpit": [], "amtool": []}
        for _ in range(self.sizes.cli_runs):  # interleaved: both see the same load
            for name, argv in commands.items():
                walls[name].append(timed(argv, env)[0])
        ours, theirs = min(walls["cockpit"]), min(walls["amtool"])
        count = self.sizes.alerts
        return {"cli_alerts_json_vs_amtool": row(
            "cli_alerts_json_vs_amtool", ours,
            f"{count} alerts; amtool {theirs:.2f} s; best of {self.sizes.cli_runs} each, "
            "interleaved", peer=theirs,
        )}  # fmt: skip

    def idle_with_alerts(self, stack: DemoStack) -> dict[str, Row]:
        assert stack.config_path is not None
        s = self.sizes
        with self.cockpit(stack.config_path, self.work / "idle-alerts") as cockpit:
            cockpit.first_frame()
            time.sleep(s.settle)
            share = cockpit.cpu_share(s.idle_window)
            how = cockpit.how
        return {"idle_cpu_alerts": row(
            "idle_cpu_alerts", share,
            f"{how}; {s.idle_window:.0f} s window after {s.settle:.0f} s; demo config",
            what=f"idle CPU holding {s.alerts} unchanged alerts (Alertmanager refresh 2 s)",
        )}  # fmt: skip

    def rss_at_size(self, stack: DemoStack) -> dict[str, Row]:
        assert stack.config_path is not None
        s = self.sizes
        config = workloads.large_config(
            stack.config_path, self.work / "large.toml", slos=s.slos, probes=s.rss_probes,
            service_url=stack.service_url,
        )  # fmt: skip
        samples = []
        with self.cockpit(config, self.work / "rss") as cockpit:
            cockpit.first_frame()
            time.sleep(s.settle)
            end = time.monotonic() + s.rss_window
            while time.monotonic() < end:
                samples.append(memory_kib(cockpit.pid)[0])
                time.sleep(1.0)
            samples.append(memory_kib(cockpit.pid)[0])
            peak = memory_kib(cockpit.pid)[1]
            how = cockpit.how
        size = f"{s.alerts} alerts, {s.slos} SLOs, {s.rss_probes} probes"
        window = f"{how}; {s.rss_window:.0f} s window (not an hour) after {s.settle:.0f} s"
        flat = f"{window}; VmRSS {samples[0] / MB:.1f} -> {samples[-1] / MB:.1f} MiB"
        return {
            "rss_peak_at_size": row("rss_peak_at_size", peak / MB, f"{window}; VmHWM",
                                    what=f"peak RSS with {size}"),
            "rss_growth_at_size": row("rss_growth_at_size", (samples[-1] - samples[0]) / MB,
                                      flat, what=f"RSS growth over the window with {size}"),
        }  # fmt: skip

    def pane(self, stack: DemoStack) -> dict[str, Row]:
        assert stack.config_path is not None
        count = self.sizes.alerts
        am = stack.alertmanager_url
        assert am is not None
        snapshot, how = pane_times.alerts_at_size(stack.config_path, am, count)
        t = asyncio.run(pane_times.fill_times(snapshot))
        note = (f"{t.rows} rows; headless run_test 200x60, the pane's update_snapshot timed "
                "with the drawing of the lines in view it leaves for the next frame")  # fmt: skip
        note += f"; {how}" if how else ""
        return {
            "pane_refresh_1pct": row("pane_refresh_1pct", t.refresh * 1000, note,
                what=f"alerts pane: UI-thread time to apply a refresh, 1 % of {count} changed"),
            "pane_first_fill": row("pane_first_fill", t.first * 1000, note,
                                   what=f"alerts pane: first fill of {count} alerts"),
            "pane_full_rebuild": row("pane_full_rebuild", t.rebuild * 1000,
                                     f"{note}; {t.rebuild_how}",
                                     what=f"alerts pane: full rebuild of {count} alerts"),
        }  # fmt: skip

    def many_alerts(self, stack: DemoStack) -> dict[str, Row]:
        assert stack.alertmanager_url is not None and stack.config_path is not None
        count = self.sizes.many_alerts
        workloads.post_alerts(stack.alertmanager_url, count)
        am = stack.alertmanager_url
        snapshot, how = pane_times.alerts_at_size(stack.config_path, am, count)
        t = asyncio.run(pane_times.large_times(snapshot, self.sizes.refreshes))
        rss = t.rss_kib
        source = how or "the cockpit's poll of the real Alertmanager"
        note = (f"{len(snapshot.alerts)} alerts ({source}); headless run_test 200x60, "
                f"drawing included; fill {t.fill * 1000:.0f} ms")  # fmt: skip
        return {
            "alerts_many_filter": row(
                "alerts_many_filter", t.filter * 1000,
                f"{note}; clearing it {t.unfilter * 1000:.0f} ms",
                what=f"{count} alerts: apply a filter ({pane_times.FILTER})"),
            "alerts_many_scroll": row(
                "alerts_many_scroll", t.scroll * 1000,
                f"{note}; UI-thread CPU per key, Pilot's idle waits left out (pilot.press "
                f"wall time {t.scroll_wall * 1000:.0f} ms a key)",
                what=f"{count} alerts: one scrolling key (Ctrl+End, PageUp, PageUp, Ctrl+Home)"),
            "alerts_many_rss_growth": row(
                "alerts_many_rss_growth", (rss[-1] - rss[0]) / MB,
                f"bench process VmRSS {rss[0] / MB:.1f} -> {rss[-1] / MB:.1f} MiB, "
                "1 % changed per refresh",
                what=f"{count} alerts: RSS growth over {len(rss)} refreshes"),
        }  # fmt: skip
