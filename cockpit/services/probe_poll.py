"""Probe cycles: each probe on its own jittered schedule, concurrently with a bound.

A cycle starts the probes that are due and collects those that have finished; a slow
probe keeps running into the next cycles instead of holding the fast ones back.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime

import httpx

from cockpit.config import Config, ProbeConfig
from cockpit.model.conditions import parse_condition
from cockpit.model.freshness import Freshness
from cockpit.model.probes import ProbeResult, ProbeState
from cockpit.model.snapshots import ProbeSnapshot
from cockpit.sources.probes import run_probe_bounded

MAX_CONCURRENT = 10
JITTER = 0.1  # each interval is stretched or shrunk by up to 10 %
COLLECT_WAIT = 0.5  # how long a cycle waits for probes it just started


class ProbePoller:
    def __init__(self, config: Config, *, seed: int | None = None) -> None:
        self.config = config
        self.states = {
            p.name: ProbeState(p.name, failure_threshold=p.failure_threshold,
                               success_threshold=p.success_threshold)
            for p in config.probes
        }  # fmt: skip
        self.freshness = Freshness() if config.probes else Freshness.not_configured()
        self._limit = asyncio.Semaphore(MAX_CONCURRENT)
        # Parsed once; config validation already refused conditions that do not parse.
        self._conditions = {
            p.name: tuple(parse_condition(text) for text in p.conditions) for p in config.probes
        }
        self._random = random.Random(seed)
        # The first run is spread over a tenth of each interval so a thousand probes do
        # not all fire in the same instant.
        start = time.monotonic()
        self._due = {
            p.name: start + self._random.uniform(0, JITTER) * p.interval.total_seconds()
            for p in config.probes
        }
        self._inflight: dict[str, asyncio.Task[ProbeResult]] = {}

    async def _run(self, client: httpx.AsyncClient, probe: ProbeConfig) -> ProbeResult:
        async with self._limit:
            return await run_probe_bounded(client, probe, self._conditions[probe.name])

    def _start_due(self, client: httpx.AsyncClient, now: float, everything: bool) -> None:
        for probe in self.config.probes:
            if probe.name in self._inflight:
                continue
            if everything or self._due[probe.name] <= now:
                stretch = 1 + self._random.uniform(-JITTER, JITTER)
                self._due[probe.name] = now + probe.interval.total_seconds() * stretch
                self._inflight[probe.name] = asyncio.create_task(self._run(client, probe))

    def _collect(self) -> None:
        for name, task in list(self._inflight.items()):
            if task.done():
                del self._inflight[name]
                self.states[name] = self.states[name].observe(task.result())

    async def poll(self, client: httpx.AsyncClient, *, all_probes: bool = False) -> ProbeSnapshot:
        """Start what is due and collect what has finished.

        ``all_probes`` runs every probe now and waits for all of them (refresh now, the
        one-shot CLI, tests).
        """
        self._start_due(client, time.monotonic(), all_probes)
        pending = list(self._inflight.values())
        if pending:
            await asyncio.wait(pending, timeout=None if all_probes else COLLECT_WAIT)
        self._collect()
        if self.config.probes:
            self.freshness = self.freshness.succeeded(datetime.now(UTC))
        return self.snapshot()

    async def poll_one(self, client: httpx.AsyncClient, name: str) -> ProbeSnapshot:
        """Run one probe now (the re-run key) and wait for it; others are not touched."""
        probe = next(p for p in self.config.probes if p.name == name)
        self._due[name] = time.monotonic() + probe.interval.total_seconds()
        task = self._inflight.get(name)
        if task is None:
            task = asyncio.create_task(self._run(client, probe))
            self._inflight[name] = task
        await asyncio.wait([task])
        self._collect()
        return self.snapshot()

    def cancel(self) -> None:
        for task in self._inflight.values():
            task.cancel()
        self._inflight.clear()

    def failed(self, at: datetime, reason: str) -> ProbeSnapshot:
        self.freshness = self.freshness.failed(at, reason)
        return self.snapshot()

    def snapshot(self) -> ProbeSnapshot:
        return ProbeSnapshot(tuple(self.states.values()), self.freshness)
