"""One probe cycle: the probes that are due, concurrently with a bound, thresholds applied.

The cycle runs at the shortest probe interval; each probe is asked only when its own
interval has passed, so a probe set to 5 minutes is not hit every few seconds.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx

from cockpit.config import Config
from cockpit.model.conditions import parse_condition
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
        # Parsed once; config validation already refused conditions that do not parse.
        self._conditions = {
            p.name: tuple(parse_condition(text) for text in p.conditions) for p in config.probes
        }
        self._due: dict[str, float] = {}  # probe name -> monotonic time it is next due

    async def _one(self, client: httpx.AsyncClient, index: int) -> None:
        probe = self.config.probes[index]
        async with self._limit:
            result = await run_probe(client, probe, self._conditions[probe.name])
        self.states[probe.name] = self.states[probe.name].observe(result)

    async def poll(self, client: httpx.AsyncClient, *, all_probes: bool = False) -> ProbeSnapshot:
        """Run the probes that are due (every probe with ``all_probes``)."""
        now = time.monotonic()
        due = [
            i
            for i, probe in enumerate(self.config.probes)
            if all_probes or self._due.get(probe.name, 0.0) <= now
        ]
        for i in due:
            probe = self.config.probes[i]
            self._due[probe.name] = now + probe.interval.total_seconds()
        await asyncio.gather(*(self._one(client, i) for i in due))
        if self.config.probes:
            self.freshness = self.freshness.succeeded(datetime.now(UTC))
        return self.snapshot()

    def failed(self, at: datetime, reason: str) -> ProbeSnapshot:
        self.freshness = self.freshness.failed(at, reason)
        return self.snapshot()

    def snapshot(self) -> ProbeSnapshot:
        return ProbeSnapshot(tuple(self.states.values()), self.freshness)
