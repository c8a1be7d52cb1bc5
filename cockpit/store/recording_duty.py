"""The recording duty: one process at a time writes poll transitions to the notebook.

See migration 0005. Each call is one short transaction, safe with several processes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cockpit.store.notebook import Notebook, NotebookError, from_db_time, to_db_time
from cockpit.store.sql import Row

# A holder renews every few seconds (each poll cycle); one silent for this long has died.
STALE_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class DutyHolder:
    """Who records: the on-call name (or "recorder"), the host and the process."""

    holder: str
    host: str
    pid: int
    since: datetime | None = None
    heartbeat_at: datetime | None = None

    def same_process(self, other: DutyHolder) -> bool:
        return (self.host, self.pid) == (other.host, other.pid)

    def describe(self) -> str:
        return f"{self.holder} on {self.host} (pid {self.pid})"


_SELECT = "SELECT holder, host, pid, since, heartbeat_at FROM recorder_duty WHERE slot = 1"


def _read(row: Row | None) -> DutyHolder | None:
    if row is None:
        return None
    return DutyHolder(
        row["holder"], row["host"], int(row["pid"]),
        from_db_time(row["since"]), from_db_time(row["heartbeat_at"]),
    )  # fmt: skip


def duty_holder(store: Notebook) -> DutyHolder | None:
    return _read(store.connection.execute(_SELECT).fetchone())


def claim_duty(
    store: Notebook, me: DutyHolder, now: datetime, stale_after: timedelta = STALE_AFTER
) -> tuple[bool, DutyHolder]:
    """Take or renew the duty. Returns whether ``me`` holds it now, and the holder (``me``
    with its times, or the live process that has it)."""
    with store.transaction(quiet=True) as conn:  # a heartbeat: nobody else reloads
        held = _read(conn.execute(_SELECT).fetchone())
        if held is not None and held.same_process(me):
            conn.execute(
                "UPDATE recorder_duty SET written_by = cockpit_me(),"
                " heartbeat_at = ? WHERE slot = 1",
                (to_db_time(now),),
            )
            return True, DutyHolder(me.holder, me.host, me.pid, held.since, now)
        if held is not None and held.heartbeat_at and now - held.heartbeat_at < stale_after:
            return False, held
        conn.execute(
            "INSERT INTO recorder_duty (slot, holder, host, pid, since, heartbeat_at, written_by)"
            " VALUES (1, ?, ?, ?, ?, ?, cockpit_me()) ON CONFLICT (slot) DO UPDATE SET"
            " written_by = excluded.written_by, holder = excluded.holder,"
            " host = excluded.host, pid = excluded.pid, since = excluded.since,"
            " heartbeat_at = excluded.heartbeat_at",
            (me.holder, me.host, me.pid, to_db_time(now), to_db_time(now)),
        )
        return True, DutyHolder(me.holder, me.host, me.pid, now, now)


def release_duty(store: Notebook, me: DutyHolder) -> None:
    """Give the duty up, if ``me`` holds it, so another cockpit takes over at once."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM recorder_duty WHERE host = ? AND pid = ?", (me.host, me.pid))


def duty_holder_readonly(path: Path) -> DutyHolder | None:
    """The holder in an existing notebook, opened read-only (``cockpit doctor``)."""
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise NotebookError(f"cannot open {path} read-only: {exc}") from exc
    conn.row_factory = sqlite3.Row
    try:
        return _read(conn.execute(_SELECT).fetchone())
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None  # an older schema: the next cockpit start migrates it
        raise NotebookError(f"cannot read {path}: {exc}") from exc
    finally:
        conn.close()
