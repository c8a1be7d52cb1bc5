"""The poll schedule, once, for the TUI (``ui/polling.py``) and ``cockpit record``
(``services/record_poll.py``).

Each source (SLOs, alerts, probes; ``record`` adds the status-update clocks) has its own
interval, counted from the end of its last cycle, so a slow source never stacks requests:
one cycle per source at a time. Pause holds every source (a cycle in flight still ends);
refresh-now starts every idle source at once and marks its next cycle as asked for (the
probe cycle then runs every probe, not only the due ones). A cycle that fails, even with a
bug, is said and its source goes on, as do the others.

``Schedule`` is the pure logic on a float clock; ``PollDriver`` runs it with asyncio on an
injected clock and sleep, so tests need no wall clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

from cockpit.config import Config

# Seconds. The probe poller starts only the probes that are due, so a short tick lets each
# probe keep its own (jittered) interval instead of waiting for a multiple of the shortest.
PROBE_TICK = 1.0
DEFAULT_EVERY = 30.0  # a source with no endpoint configured (the TUI shows it as such)

# A cycle gets whether refresh-now asked for it.
Cycle = Callable[[bool], Awaitable[None]]
OnError = Callable[[str, Exception], None]


def poll_intervals(config: Config) -> dict[str, float]:
    """Seconds between the cycles of each source the TUI polls (all three, always)."""
    # Several servers: the shortest refresh any of them asks for (one cycle asks them all).
    alerts = config.alertmanagers or config.prometheus_servers
    slo = config.prometheus_servers
    return {
        "slo": min(e.refresh.total_seconds() for e in slo) if slo else DEFAULT_EVERY,
        "alerts": min(e.refresh.total_seconds() for e in alerts) if alerts else DEFAULT_EVERY,
        "probes": PROBE_TICK,
    }


def configured_sources(config: Config) -> set[str]:
    """The sources with something to ask: what ``cockpit record`` polls."""
    sources = set()
    if config.prometheus is not None and config.slos:
        sources.add("slo")
    if config.alertmanager is not None or config.prometheus is not None:
        sources.add("alerts")
    if config.probes:
        sources.add("probes")
    return sources


class Schedule:
    """Which source is due when; the caller says when a cycle starts and ends."""

    def __init__(self, every: Mapping[str, float], start: float) -> None:
        self.every = dict(every)
        self.next_at = {source: start for source in self.every}  # all due at the start
        self.running: set[str] = set()
        self.asked: set[str] = set()  # refresh-now asked; their next cycle is told so
        self.paused = False

    def due(self, now: float) -> list[str]:
        if self.paused:
            return []
        return [s for s in self.every if s not in self.running and self.next_at[s] <= now]

    def start(self, source: str, now: float) -> bool:
        """Mark ``source`` running; returns whether refresh-now asked for this cycle."""
        if source in self.running:
            raise ValueError(f"a {source} cycle is already running")
        self.running.add(source)
        asked = source in self.asked
        self.asked.discard(source)
        return asked

    def finish(self, source: str, now: float) -> None:
        self.running.discard(source)
        self.next_at[source] = now + self.every[source]

    def refresh_now(self, now: float) -> None:
        for source in self.every:
            self.asked.add(source)
            if source not in self.running:
                self.next_at[source] = now

    def wait(self, now: float) -> float | None:
        """Seconds until the next source is due; None when only an event can change that
        (paused, or every source running)."""
        if self.paused:
            return None
        waiting = [self.next_at[s] for s in self.every if s not in self.running]
        return max(min(waiting) - now, 0.0) if waiting else None


class PollDriver:
    """Runs a ``Schedule``'s cycles as asyncio tasks until stopped or cancelled."""

    def __init__(
        self,
        schedule: Schedule,
        cycles: Mapping[str, Cycle],
        *,
        on_error: OnError,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.schedule = schedule
        self.cycles = dict(cycles)
        self.on_error = on_error
        self.clock = clock
        self.sleep = sleep
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def pause(self, paused: bool) -> None:
        self.schedule.paused = paused
        self._wake.set()

    def refresh_now(self) -> None:
        self.schedule.refresh_now(self.clock())
        self._wake.set()

    def stop(self) -> None:
        """End ``run`` once the cycles in flight have ended."""
        self._stopping.set()

    async def run_once(self, source: str) -> None:
        """One cycle of ``source`` now, through the schedule (not while one runs)."""
        await self._cycle(source, self.schedule.start(source, self.clock()))

    async def _cycle(self, source: str, asked: bool) -> None:
        try:
            await self.cycles[source](asked)
        except Exception as exc:  # a bug in one cycle must not stop it or the others
            self.on_error(source, exc)
        finally:
            self.schedule.finish(source, self.clock())
            self._wake.set()

    async def run(self) -> None:
        """Cancelling abandons the cycles in flight; ``stop`` lets them end first."""
        tasks: set[asyncio.Task[None]] = set()
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                now = self.clock()
                for source in self.schedule.due(now):
                    asked = self.schedule.start(source, now)
                    task = asyncio.create_task(self._cycle(source, asked))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                await self._nap(self.schedule.wait(self.clock()))
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()

    async def _nap(self, seconds: float | None) -> None:
        """Until ``seconds`` pass, a cycle ends, or pause, refresh or stop is asked."""
        waits: list[asyncio.Future[object]] = [
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(self._stopping.wait()),
        ]
        if seconds is not None:
            waits.append(asyncio.ensure_future(self.sleep(seconds)))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
