"""SLO budget snapshots, so the handoff can show "at shift start" against "now"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cockpit.store.notebook import Notebook, from_db_time, to_db_time


@dataclass(frozen=True)
class BudgetSnapshot:
    slo: str
    taken_at: datetime
    sli: float | None
    budget_remaining: float | None
    burn_1h: float | None


def record_snapshots(store: Notebook, snapshots: Sequence[BudgetSnapshot]) -> None:
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO slo_snapshots (slo, taken_at, sli, budget_remaining, burn_1h,"
            " written_by) VALUES (?, ?, ?, ?, ?, cockpit_me())",
            [
                (s.slo, to_db_time(s.taken_at), s.sli, s.budget_remaining, s.burn_1h)
                for s in snapshots
            ],
        )


def latest_taken_at(store: Notebook) -> datetime | None:
    row = store.connection.execute("SELECT max(taken_at) FROM slo_snapshots").fetchone()
    return None if row is None or row[0] is None else from_db_time(row[0])


def snapshot_at(store: Notebook, slo: str, at: datetime) -> BudgetSnapshot | None:
    """The last snapshot of ``slo`` taken at or before ``at`` (the budget at shift start)."""
    row = store.connection.execute(
        "SELECT slo, taken_at, sli, budget_remaining, burn_1h FROM slo_snapshots "
        "WHERE slo = ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT 1",
        (slo, to_db_time(at)),
    ).fetchone()
    if row is None:
        return None
    return BudgetSnapshot(row[0], from_db_time(row[1]), row[2], row[3], row[4])
