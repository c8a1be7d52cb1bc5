"""Every row of issue 18's table in one run, each figure against its goal.

    python bench/run.py                  # the full sizes (about ten minutes)
    python bench/run.py --quick          # small sizes, under a minute: proves the bench runs
    python bench/run.py --json out.json  # the same rows as JSON, one key per row
    python bench/run.py --only pane_,cli_  # only the rows whose keys start so

It starts the demo stack (demo service, Prometheus, Alertmanager on loopback ports),
POSTs the alerts into the real Alertmanager, runs `cockpit` in tmux (headless without
tmux) and the alerts pane headless, and generates the notebook through the store's
functions; issue 20's clusters rows start five Alertmanagers of their own (stopped before
the demo stack starts). A row that cannot be measured says so and why. The exit status
is 1 when a measurement failed (its row then says "not measured: failed: ...").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import workloads
from measure import FULL, QUICK, Bench
from rows import GOALS, Row, table

from cockpit.demo.stack import DemoStack


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}"


def run(bench: Bench) -> None:
    bench.measure(("import_ui_vs_textual",), bench.imports)
    bench.measure(("probes_cycle_wall", "probes_cycle_cpu"), bench.probes)
    bench.measure(tuple(k for k in GOALS if k.startswith("notebook_")), bench.notebook)
    # Its own Alertmanagers, stopped before the demo stack starts.
    bench.measure(("clusters_refresh_1pct", "clusters_cli_vs_amtool"), bench.many_clusters)
    stack_rows = [k for k in GOALS if k not in bench.rows and k.startswith(bench.only or ("",))]
    if not stack_rows:
        return
    try:
        stack = DemoStack().start()
        why = stack.missing_message()
    except Exception as exc:
        stack, why = None, f"the demo stack did not start: {exc}".splitlines()[0]
    if stack is None or why:

        def no_stack() -> dict[str, Row]:
            raise RuntimeError(why)

        bench.measure(tuple(stack_rows), no_stack)
        if stack is not None:
            stack.stop()
        return
    try:
        assert stack.prometheus_url and stack.alertmanager_url and stack.config_path
        if bench.sizes is FULL:
            workloads.wait_for_data(stack.prometheus_url)  # the SLO pane shows real figures
        bench.measure(("start_to_first_frame", "idle_cpu_demo"),
                      lambda: bench.start_and_idle(stack))  # fmt: skip
        bench.measure(("time_travel_step",), lambda: bench.time_travel(stack))
        workloads.post_alerts(stack.alertmanager_url, bench.sizes.alerts)
        bench.measure(("pane_refresh_1pct", "pane_first_fill", "pane_full_rebuild"),
                      lambda: bench.pane(stack))  # fmt: skip
        bench.measure(("cli_alerts_json_vs_amtool",), lambda: bench.cli_vs_amtool(stack))
        bench.measure(("idle_cpu_alerts",), lambda: bench.idle_with_alerts(stack))
        bench.measure(("rss_peak_at_size", "rss_growth_at_size"), lambda: bench.rss_at_size(stack))
        bench.measure(("alerts_many_filter", "alerts_many_scroll", "alerts_many_rss_growth"),
                      lambda: bench.many_alerts(stack))  # fmt: skip
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (CI; not timed)")
    parser.add_argument("--headless", action="store_true", help="no tmux even if installed")
    parser.add_argument("--json", metavar="FILE", type=Path, help="write the rows as JSON")
    parser.add_argument(
        "--only", metavar="PREFIXES", default="", help="comma-separated row-key prefixes"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    with tempfile.TemporaryDirectory(prefix="cockpit-bench-") as work:
        only = tuple(p for p in args.only.split(",") if p)
        bench = Bench(sizes, Path(work), tmux=not args.headless, only=only)
        run(bench)
    rows = {key: bench.rows[key] for key in GOALS if key in bench.rows}
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"cockpit bench, {'quick sizes (not timed)' if args.quick else 'full sizes'}, "
          f"{stamp}, {machine()}")  # fmt: skip
    print(table(rows))
    if args.json is not None:
        args.json.write_text(json.dumps({k: r.as_json() for k, r in rows.items()}, indent=2))
    if bench.failed:
        print(f"failed: {', '.join(bench.failed)} (see the errors above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
