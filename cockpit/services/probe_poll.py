"""One probe cycle: every configured probe, concurrently with a bound, thresholds applied."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from cockpit.config import Config
from cockpit.model.freshness import Freshness
from cockpit.model.probes import ProbeState
from cockpit.services.snapshots import ProbeSnapshot
from cockpit.sources.probes import run_probe

MAX_CONCURRENT = 10


class ProbePoller:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.states = {
            p.name: ProbeState(p.name, failure_threshold=p.failure_threshold,
                               success_threshold=p.success_threshold)
            for p in config.probes
        }  # fmt: skip
        self.freshness = Freshness() if config.probes else Freshness.not_configured()
        self._limit = asyncio.Semaphore(MAX_CONCURRENT)

    async def _one(self, client: httpx.AsyncClient, index: int) -> None:
        probe = self.config.probes[index]
        async with self._limit:
            result = await run_probe(client, probe)
        self.states[probe.name] = self.states[probe.name].observe(result)

    async def poll(self, client: httpx.AsyncClient) -> ProbeSnapshot:
        await asyncio.gather(*(self._one(client, i) for i in range(len(self.config.probes))))
        if self.config.probes:
            self.freshness = self.freshness.succeeded(datetime.now(UTC))
        return self.snapshot()

    def snapshot(self) -> ProbeSnapshot:
        return ProbeSnapshot(tuple(self.states.values()), self.freshness)
