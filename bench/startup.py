"""Print import costs and demo stack start-up figures (seconds)."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

MODULES = ("cockpit.cli", "cockpit.config", "httpx", "textual.app", "cockpit.ui.app")


def import_seconds(module: str, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c",
             f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        best = min(best, float(out.stdout))
    return best


def stack_figures() -> tuple[float, float]:
    from cockpit.demo.stack import DemoStack

    started = time.perf_counter()
    with DemoStack() as stack:
        ready = time.perf_counter() - started
        while True:
            body = httpx.get(
                f"{stack.prometheus_url}/api/v1/query",
                params={"query": "sum(http_requests_total)"},
                timeout=2,
            ).json()
            if body["data"]["result"]:
                return ready, time.perf_counter() - started
            time.sleep(0.1)


def main() -> None:
    for module in MODULES:
        print(f"import {module:<24} {import_seconds(module) * 1000:7.1f} ms (best of 5)")
    ready, data = stack_figures()
    print(f"demo stack ready            {ready:7.2f} s")
    print(f"first scrape answered       {data:7.2f} s")


if __name__ == "__main__":
    main()
