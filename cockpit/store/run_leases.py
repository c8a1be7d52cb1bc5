"""Run leases in the notebook: take, renew, release, and the check every run write makes.

Each function is one short transaction (or joins the caller's, as a savepoint), so two
cockpits on one file decide who holds a run under SQLite's write lock: there is no moment
between "nobody holds it" and "I hold it" for another process to slip into.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cockpit.model.run_lease import STALE_AFTER, LeaseHolder, RunLease, Takeover
from cockpit.store.notebook import Notebook, NotebookError, from_db_time, to_db_time
from cockpit.store.sql import Connection, Row


class RunHeldError(NotebookError):
    """Another cockpit holds the run and still beats: ask before taking it."""

    def __init__(self, lease: RunLease) -> None:
        self.lease = lease
        super().__init__(f"{lease.holder.describe()} has run #{lease.run_id} open")


class LeaseLostError(NotebookError):
    """This cockpit no longer holds the run (another took it over): the write is refused."""

    def __init__(self, run_id: int, takeover: Takeover | None, current: RunLease | None) -> None:
        self.run_id = run_id
        self.takeover = takeover
        self.current = current
        if takeover is not None:
            who = takeover.by.describe()
        elif current is not None:
            who = current.holder.describe()
        else:
            who = None
        self.by = who
        why = f"{who} took it over" if who else "this cockpit no longer holds it"
        super().__init__(f"run #{run_id} is not yours any more: {why}; nothing was recorded")


@dataclass(frozen=True)
class Taken:
    lease: RunLease
    takeover: Takeover | None  # set when the run was taken from another cockpit


def _lease(row: Row) -> RunLease:
    return RunLease(
        run_id=int(row["run_id"]),
        holder=LeaseHolder(row["holder"], row["host"], int(row["pid"]), row["token"]),
        taken_at=from_db_time(row["taken_at"]),
        heartbeat_at=from_db_time(row["heartbeat_at"]),
    )


def _read(conn: Connection, run_id: int) -> RunLease | None:
    rows = conn.execute("SELECT * FROM runbook_run_leases WHERE run_id = ?", (run_id,)).fetchall()
    return _lease(rows[0]) if rows else None


def current_lease(store: Notebook, run_id: int) -> RunLease | None:
    return _read(store.connection, run_id)


def take_lease(
    store: Notebook,
    run_id: int,
    holder: LeaseHolder,
    now: datetime,
    *,
    take_over: bool = False,
    stale_after: timedelta = STALE_AFTER,
) -> Taken:
    """Hold ``run_id`` from ``now``. A lease of another cockpit that still beats raises
    ``RunHeldError`` unless ``take_over``; a stale one is taken without asking. Either
    takeover is written to ``runbook_run_takeovers``."""
    stamp = to_db_time(now)
    with store.transaction() as conn:
        found = _read(conn, run_id)
        takeover = None
        if found is not None and not found.held_by(holder):
            stale = found.is_stale(now, stale_after)
            if not stale and not take_over:
                raise RunHeldError(found)
            takeover = Takeover(run_id, now, holder, found, stale)
            _log_takeover(conn, takeover)
        if found is not None and found.held_by(holder):
            taken_at = found.taken_at
            conn.execute(
                "UPDATE runbook_run_leases SET written_by = cockpit_me(),"
                " heartbeat_at = ? WHERE run_id = ?",
                (stamp, run_id),
            )
        else:
            taken_at = now
            conn.execute(
                "INSERT INTO runbook_run_leases"
                " (run_id, holder, host, pid, token, taken_at, heartbeat_at, written_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, cockpit_me()) ON CONFLICT (run_id) DO UPDATE SET"
                " written_by = excluded.written_by, holder = excluded.holder,"
                " host = excluded.host, pid = excluded.pid,"
                " token = excluded.token, taken_at = excluded.taken_at,"
                " heartbeat_at = excluded.heartbeat_at",
                (run_id, holder.who, holder.host, holder.pid, holder.token, stamp, stamp),
            )
    return Taken(RunLease(run_id, holder, taken_at, now), takeover)


def _log_takeover(conn: Connection, takeover: Takeover) -> None:
    by, old = takeover.by, takeover.previous
    conn.execute(
        "INSERT INTO runbook_run_takeovers (run_id, at, holder, host, pid, token,"
        " from_holder, from_host, from_pid, from_token, from_since, from_heartbeat, stale,"
        " written_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cockpit_me())",
        (
            takeover.run_id,
            to_db_time(takeover.at),
            by.who,
            by.host,
            by.pid,
            by.token,
            old.holder.who,
            old.holder.host,
            old.holder.pid,
            old.holder.token,
            to_db_time(old.taken_at),
            to_db_time(old.heartbeat_at),
            int(takeover.stale),
        ),
    )


def check_lease(conn: Connection, run_id: int, holder: LeaseHolder, now: datetime) -> None:
    """Inside a write's transaction: refuse (``LeaseLostError``) unless ``holder`` holds the
    run; a write is also a sign of life, so it renews the heartbeat."""
    found = _read(conn, run_id)
    if found is None or not found.held_by(holder):
        raise LeaseLostError(run_id, _taken_from(conn, run_id, holder), found)
    conn.execute(
        "UPDATE runbook_run_leases SET written_by = cockpit_me(),"
        " heartbeat_at = ? WHERE run_id = ?",
        (to_db_time(now), run_id),
    )


def renew_lease(store: Notebook, run_id: int, holder: LeaseHolder, now: datetime) -> None:
    """The heartbeat; ``LeaseLostError`` when another cockpit has taken the run."""
    with store.transaction(quiet=True) as conn:
        check_lease(conn, run_id, holder, now)


def release_lease(store: Notebook, run_id: int, holder: LeaseHolder) -> bool:
    """Let go of the run (pause, close, finish); a lease another cockpit took stays
    theirs. True when ours was released."""
    with store.transaction() as conn:
        gone = conn.execute(
            "DELETE FROM runbook_run_leases WHERE run_id = ? AND token = ?",
            (run_id, holder.token),
        ).rowcount
    return gone == 1


def _taken_from(conn: Connection, run_id: int, holder: LeaseHolder) -> Takeover | None:
    rows = conn.execute(
        "SELECT * FROM runbook_run_takeovers WHERE run_id = ? AND from_token = ?"
        " ORDER BY at DESC, id DESC LIMIT 1",
        (run_id, holder.token),
    ).fetchall()
    return _takeover(rows[0]) if rows else None


def _takeover(row: Row) -> Takeover:
    run_id = int(row["run_id"])
    previous = RunLease(
        run_id,
        LeaseHolder(row["from_holder"], row["from_host"], int(row["from_pid"]), row["from_token"]),
        from_db_time(row["from_since"]),
        from_db_time(row["from_heartbeat"]),
    )
    return Takeover(
        run_id=run_id,
        at=from_db_time(row["at"]),
        by=LeaseHolder(row["holder"], row["host"], int(row["pid"]), row["token"]),
        previous=previous,
        stale=bool(row["stale"]),
    )


def takeovers(store: Notebook, run_id: int) -> list[Takeover]:
    """Every takeover of a run, oldest first (for its history)."""
    rows = store.connection.execute(
        "SELECT * FROM runbook_run_takeovers WHERE run_id = ? ORDER BY at, id", (run_id,)
    ).fetchall()
    return [_takeover(row) for row in rows]
