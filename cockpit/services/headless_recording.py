"""``cockpit record``: the poll cycles without a screen, writing transitions, budget
snapshots and due-update notifications into the notebook, so the timeline and the
handoff digest are complete for hours when nobody had the cockpit open.

It takes the recording duty like any cockpit (``services/transition_recorder.py``);
while a TUI holds it, it stands by and takes over when that TUI quits. Its cycles run on
the poll schedule the TUI uses (``services/poll_schedule.py``).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx

from cockpit.config import Config
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.incidents import announce_due_updates
from cockpit.services.poll_schedule import (
    Cycle,
    PollDriver,
    Schedule,
    configured_sources,
    poll_intervals,
)
from cockpit.services.probe_poll import ProbePoller
from cockpit.services.slo_poll import SloPoller
from cockpit.services.transition_recorder import Recording
from cockpit.sources.clients import async_client
from cockpit.store import Notebook, NotebookError

ANNOUNCE = "announce"  # the schedule's name for the looks at the status-update clocks
ANNOUNCE_EVERY = 30.0  # seconds between them

Say = Callable[[str], None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class HeadlessRecording:
    def __init__(
        self,
        config: Config,
        store: Notebook,
        recording: Recording,
        say: Say,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.config = config
        self.notebook = store
        self.recording = recording
        self.say = say
        self.clock, self.sleep = clock, sleep  # for the schedule (tests pass fake ones)
        self.slo = SloPoller(config)
        self.alerts = AlertPoller(config)
        self.probes = ProbePoller(config)
        self._errors: dict[str, str | None] = {}
        self._was_on_duty: bool | None = None

    def _source_state(self, source: str, error: str | None) -> None:
        """Say when a source fails or comes back, not at every cycle."""
        if self._errors.get(source, None) != error and (error or source in self._errors):
            self.say(f"{source}: {error}" if error else f"{source}: answering again")
        self._errors[source] = error

    def _duty_state(self) -> None:
        on = self.recording.on_duty
        if on != self._was_on_duty:
            holder = self.recording.holder
            if on:
                self.say("recording: this process writes the transitions")
            elif holder is not None:
                self.say(f"standing by: {holder.describe()} records; taking over when it stops")
            self._was_on_duty = on

    def _write(self, what: str, write: Callable[[Notebook], int | bool]) -> None:
        try:
            written = write(self.notebook)
        except (sqlite3.Error, NotebookError) as exc:
            self.say(f"could not write {what} to the notebook: {exc}")
            return
        self._duty_state()
        if written and what != "budget snapshots":
            self.say(f"{what}: {int(written)} event(s) recorded")

    async def slo_cycle(self) -> None:
        snapshot = await asyncio.to_thread(self.slo.poll)
        if len(snapshot.servers) > 1:  # each server said on its own: one down is news
            for name, fresh in snapshot.servers.items():
                self._source_state(f"prometheus {name} (SLOs)", fresh.error)
        else:
            self._source_state("prometheus (SLOs)", snapshot.freshness.error)
        self._write("budget snapshots", lambda s: self.recording.budgets_seen(s, snapshot))
        self._write("SLO burn", lambda s: self.recording.burns_seen(s, snapshot))

    async def alert_cycle(self, client: httpx.AsyncClient) -> None:
        snapshot = await self.alerts.poll(client)
        self._source_state("alerts", snapshot.freshness.error)
        self._write("alerts", lambda s: self.recording.alerts_seen(s, snapshot))

    async def probe_cycle(self, client: httpx.AsyncClient) -> None:
        snapshot = await self.probes.poll(client)
        self._write("probes", lambda s: self.recording.probes_seen(s, snapshot))

    def announce(self) -> None:
        try:
            sent = announce_due_updates(self.notebook, _utc_now(), self.config.severity_policies)
        except (sqlite3.Error, NotebookError) as exc:
            self.say(f"could not check the status-update clocks: {exc}")
            return
        for incident_id in sent:
            self.say(f"{incident_id}: status update due, notifiers told")

    def driver(self, client: httpx.AsyncClient) -> PollDriver:
        """The shared poll schedule over the configured sources and the update clocks."""
        cycles: dict[str, Cycle] = {
            "slo": lambda _asked: self.slo_cycle(),
            "alerts": lambda _asked: self.alert_cycle(client),
            "probes": lambda _asked: self.probe_cycle(client),
        }
        sources = configured_sources(self.config)
        every = {s: e for s, e in poll_intervals(self.config).items() if s in sources}
        every[ANNOUNCE] = ANNOUNCE_EVERY
        cycles[ANNOUNCE] = self._announce
        return PollDriver(
            Schedule(every, self.clock()), {s: cycles[s] for s in every},
            on_error=self._cycle_failed, clock=self.clock, sleep=self.sleep,
        )  # fmt: skip

    async def run(self, stop: asyncio.Event) -> None:
        """Every cycle on its own interval until ``stop`` is set; one cycle failing (even
        with a bug) is said and the others go on."""
        async with async_client() as client:
            driver = self.driver(client)
            stopping = asyncio.create_task(stop.wait())
            stopping.add_done_callback(lambda _task: driver.stop())
            try:
                await driver.run()
            finally:
                stopping.cancel()
                self.probes.cancel()

    async def _announce(self, _asked: bool) -> None:
        self.announce()

    def _cycle_failed(self, source: str, exc: Exception) -> None:
        self.say(f"a cycle failed: {type(exc).__name__}: {exc}")
