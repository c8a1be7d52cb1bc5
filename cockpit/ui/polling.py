"""The TUI's poll cycles, on the schedule ``cockpit record`` uses too
(``services/poll_schedule.py``).

Each cycle runs off the screen's way: Prometheus in a thread because its client blocks,
Alertmanager and probes as tasks on the app's one httpx client. The answer is then handed
to ``apply`` on the UI thread (the driver runs on the app's event loop), and the schedule
arms the next cycle of that source once this one has ended, so a slow source never stacks
requests. A cycle that fails is shown as a failed answer stamped with the app's clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import httpx

from cockpit.config import Config
from cockpit.model.snapshots import AlertSnapshot, ProbeSnapshot, SloSnapshot
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.poll_schedule import PROBE_TICK, PollDriver, Schedule, poll_intervals
from cockpit.services.probe_poll import ProbePoller
from cockpit.services.slo_poll import SloPoller

Snapshot = SloSnapshot | AlertSnapshot | ProbeSnapshot
SOURCES = ("slo", "alerts", "probes")


def internal(exc: Exception) -> str:
    # The type only: an exception's text can carry a request header, and so a token.
    return f"internal error ({type(exc).__name__}); run with `textual console` for details"


class Polling:
    def __init__(
        self,
        config: Config,
        pollers: tuple[SloPoller, AlertPoller, ProbePoller],
        *,
        clock: Callable[[], datetime],
        http: Callable[[], httpx.AsyncClient | None],
        apply: Callable[[Snapshot], None],
        log_error: Callable[[str, Exception], None],
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.config = config
        self.slo, self.alerts, self.probes = pollers
        self.clock, self.http, self.apply, self.log_error = clock, http, apply, log_error
        self.schedule = Schedule(poll_intervals(config), monotonic())
        cycles = {"slo": self._slo_cycle, "alerts": self._alert_cycle,
                  "probes": self._probe_cycle}  # fmt: skip
        self.driver = PollDriver(
            self.schedule, cycles, on_error=log_error, clock=monotonic, sleep=sleep
        )

    def expected_every(self, source: str) -> timedelta | None:
        """How often a source's pane should get an answer; twice this without one is stale."""
        if source == "probes":
            # A probe cycle runs every tick, but the data is as fresh as the probes run.
            intervals = [p.interval for p in self.config.probes]
            return max(min(intervals), timedelta(seconds=PROBE_TICK)) if intervals else None
        return timedelta(seconds=self.schedule.every[source])

    async def _slo_cycle(self, _asked: bool) -> None:
        try:
            snapshot = await asyncio.to_thread(self.slo.poll)
        except Exception as exc:  # a bug in one cycle must not stop it or the others
            self.log_error("slo", exc)
            snapshot = self.slo.failed(self.clock(), internal(exc))
        self.apply(snapshot)

    async def _alert_cycle(self, _asked: bool) -> None:
        http = self.http()
        assert http is not None
        try:
            snapshot = await self.alerts.poll(http)
        except Exception as exc:
            self.log_error("alerts", exc)
            snapshot = self.alerts.failed(self.clock(), internal(exc))
        self.apply(snapshot)

    async def _probe_cycle(self, asked: bool) -> None:
        http = self.http()
        assert http is not None
        try:
            # After `r` every probe runs, not only those whose interval has passed.
            snapshot = await self.probes.poll(http, all_probes=asked)
        except Exception as exc:
            self.log_error("probes", exc)
            snapshot = self.probes.failed(self.clock(), internal(exc))
        self.apply(snapshot)
