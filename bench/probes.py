"""Print wall and CPU time of one probe cycle (1,000 and 100 HTTP probes) on loopback.

The target is the demo service in-process on 127.0.0.1, so the process CPU figure holds
both sides: the poller's event loop and the server's handler threads. The event loop's
own thread CPU is printed next to it as the client's share.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import httpx

from cockpit.config import Config, parse
from cockpit.demo.service import DemoService
from cockpit.services.probe_poll import MAX_CONCURRENT, ProbePoller

SIZES = (1000, 100)
RUNS = 3
MAX_CONNECTIONS = 16


@dataclass(frozen=True)
class Cycle:
    wall: float  # seconds
    cpu: float  # process CPU seconds, all threads (poller and in-process server)
    loop_cpu: float  # CPU seconds of the event loop's thread alone (the poller)
    ok: int
    total: int
    p50_ms: float


def config_for(base_url: str, count: int) -> Config:
    tables = [
        f'[[probe]]\nname = "p{i:04d}"\nurl = "{base_url}/health/ready"\n'
        'conditions = ["[STATUS] == 200", "[BODY].status == healthy"]\ntimeout = "5s"\n'
        for i in range(1, count + 1)
    ]
    return parse(tomllib.loads("\n".join(tables)), Path("bench.toml"))


async def one_cycle(poller: ProbePoller, client: httpx.AsyncClient) -> Cycle:
    wall0, cpu0, loop0 = time.perf_counter(), time.process_time(), time.thread_time()
    snapshot = await poller.poll(client, all_probes=True)
    wall = time.perf_counter() - wall0
    cpu, loop_cpu = time.process_time() - cpu0, time.thread_time() - loop0
    results = [p.last for p in snapshot.probes if p.last is not None]
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    return Cycle(
        wall=wall,
        cpu=cpu,
        loop_cpu=loop_cpu,
        ok=sum(r.ok for r in results),
        total=len(snapshot.probes),
        p50_ms=statistics.median(latencies) if latencies else float("nan"),
    )


def line(label: str, c: Cycle) -> str:
    return (
        f"  {label:<6} wall {c.wall:6.3f} s   CPU {c.cpu:6.3f} s (event loop {c.loop_cpu:6.3f} s)"
        f"   ok {c.ok}/{c.total}   p50 {c.p50_ms:5.1f} ms"
    )


async def bench(base_url: str) -> None:
    limits = httpx.Limits(max_connections=MAX_CONNECTIONS)
    async with httpx.AsyncClient(limits=limits) as client:
        for size in SIZES:
            poller = ProbePoller(config_for(base_url, size), seed=1)
            print(f"one cycle of {size} probes (MAX_CONCURRENT={MAX_CONCURRENT}):")
            runs = [await one_cycle(poller, client) for _ in range(RUNS)]
            for n, cycle in enumerate(runs, 1):
                print(line(f"run {n}", cycle))
            print(line("best", min(runs, key=lambda c: c.wall)))


def main() -> None:
    service = DemoService(traffic=False).start()
    try:
        print(f"target {service.url}/health/ready (in-process demo service, no own traffic)")
        asyncio.run(bench(service.url))
    finally:
        service.stop()


if __name__ == "__main__":
    main()
