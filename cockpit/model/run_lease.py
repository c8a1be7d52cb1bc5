"""Who drives a runbook run: a lease held by one cockpit at a time.

A cockpit that opens a run takes its lease and beats (renews it) while the run is open;
a second cockpit sees who holds it and since when, and either watches read-only or takes
it over on purpose. A lease without a heartbeat for ``STALE_AFTER`` belongs to a cockpit
that crashed or lost its terminal: it may be taken without asking.

Pure: no I/O. The store (``cockpit.store.run_leases``) checks the lease inside the same
transaction as every write, so a cockpit that lost its run cannot write to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from cockpit.model.timeline import require_aware

HEARTBEAT_EVERY = timedelta(seconds=15)
# Four missed heartbeats: long enough for a busy notebook or a laptop waking up, short
# enough that a crashed cockpit does not keep a run from the next on-call for long.
STALE_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class LeaseHolder:
    """One opening of a run: the on-call's name, the host and process, and a token that
    tells two openings in one process apart."""

    who: str
    host: str
    pid: int
    token: str

    def describe(self) -> str:
        return f"{self.who} on {self.host} (pid {self.pid})"


@dataclass(frozen=True)
class RunLease:
    run_id: int
    holder: LeaseHolder
    taken_at: datetime
    heartbeat_at: datetime

    def is_stale(self, now: datetime, stale_after: timedelta = STALE_AFTER) -> bool:
        require_aware(now, "now")
        return now - self.heartbeat_at > stale_after

    def held_by(self, holder: LeaseHolder) -> bool:
        return self.holder.token == holder.token

    def describe(self, zone: tzinfo | None, now: datetime | None = None) -> str:
        """ "sam on host-a (pid 123) has this run open since 14:02", and how long ago it
        last showed a sign of life once that is more than a heartbeat or two."""
        text = f"{self.holder.describe()} has this run open since {_clock(self.taken_at, zone)}"
        if now is not None:
            quiet = now - self.heartbeat_at
            if quiet > 2 * HEARTBEAT_EVERY:
                text += f" (no sign of life for {_ago(quiet)})"
        return text


@dataclass(frozen=True)
class Takeover:
    """A run taken from one cockpit by another."""

    run_id: int
    at: datetime
    by: LeaseHolder
    previous: RunLease
    stale: bool  # the previous holder had stopped beating: taken without asking

    def describe(self, zone: tzinfo | None) -> str:
        how = " (its cockpit had stopped answering)" if self.stale else ""
        return (
            f"run #{self.run_id} was taken over by {self.by.describe()} at "
            f"{_clock(self.at, zone)} from {self.previous.holder.describe()}{how}"
        )


def _clock(at: datetime, zone: tzinfo | None) -> str:
    return f"{at.astimezone(zone):%H:%M}"


def _ago(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
