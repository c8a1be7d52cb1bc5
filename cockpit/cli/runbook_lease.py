"""`cockpit runbook run` and the run lease: what a second opener is told, the heartbeat
around the prompt loop, the stop after a takeover, and the lease in `history --json`."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import TYPE_CHECKING

from cockpit.exit_codes import EXIT_USAGE
from cockpit.store import NotebookError

if TYPE_CHECKING:
    from collections.abc import Callable

    from cockpit.config import Config
    from cockpit.model.run_lease import RunLease, Takeover
    from cockpit.services.runbook_run import RunbookSession

    Say = Callable[[str], None]


def held_message(lease: RunLease, config: Config) -> str:
    """What a second opener is told: who has the run, since when, and the two ways on."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    run = lease.run_id
    who = lease.describe(ZoneInfo(config.oncall.timezone), datetime.now(UTC))
    return (
        f"run #{run}: {who}.\n"
        f"  to look at it: cockpit runbook history --run {run}\n"
        f"  to take it over (that cockpit then records nothing more): "
        f"cockpit runbook run --resume {run} --take-over"
    )


def interact_holding(session: RunbookSession, config: Config, loop: Callable[[], int]) -> int:
    """The prompt ``loop`` (``interact``) with the run's lease kept alive by a heartbeat
    thread, and let go of however the loop ends."""
    from zoneinfo import ZoneInfo

    from cockpit.services.run_lease import LeaseKeeper

    if session.takeover is not None:
        print(f"Took over: {session.takeover.describe(ZoneInfo(config.oncall.timezone))}")
    keeper = None
    if session.notebook is not None and session.holder is not None and session.state.run_id:
        notebook, run_id = session.notebook.target, session.state.run_id
        keeper = LeaseKeeper(notebook, run_id, session.holder, session.clock, session.lose).start()
    try:
        return loop()
    finally:
        if keeper is not None:
            keeper.stop()
        if session.lost is None:
            # A busy notebook here only leaves the lease to go stale in a minute.
            with contextlib.suppress(sqlite3.Error, NotebookError):
                session.release()


def lost(session: RunbookSession, say: Say) -> int:
    """Another cockpit took the run over: say so and stop, with nothing more written."""
    say(f"Stopped: {session.lost}.")
    say(f"see what was recorded: cockpit runbook history --run {session.state.run_id}")
    return EXIT_USAGE


def lease_json(lease: RunLease) -> dict[str, object]:
    holder = lease.holder
    return {
        "who": holder.who,
        "host": holder.host,
        "pid": holder.pid,
        "since": lease.taken_at.isoformat(),
        "heartbeat": lease.heartbeat_at.isoformat(),
    }


def takeover_json(takeover: Takeover) -> dict[str, object]:
    by = takeover.by
    return {
        "at": takeover.at.isoformat(),
        "by": {"who": by.who, "host": by.host, "pid": by.pid},
        "from": lease_json(takeover.previous),
        "stale": takeover.stale,
    }
