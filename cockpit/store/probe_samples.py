"""What each probe answered, sampled about once a minute per probe and at each change of
its state, by the holder of the recording duty (migration 10), so the past can be shown:
``cockpit probe history``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cockpit.store.notebook import Notebook, from_db_time, to_db_time


@dataclass(frozen=True)
class ProbeSample:
    probe: str
    at: datetime  # when the probe's answer came (its checked_at)
    state: str  # the probe's state then: up, down, degraded, pending, unknown
    ok: bool  # whether that one answer met every condition
    latency_ms: float | None
    reason: str = ""


def record_samples(store: Notebook, samples: Sequence[ProbeSample]) -> None:
    with store.transaction(quiet=True) as conn:  # a sample alone wakes no other cockpit
        conn.executemany(
            "INSERT INTO probe_samples (probe, at, state, ok, latency_ms, reason, written_by)"
            " VALUES (?, ?, ?, ?, ?, ?, cockpit_me())",
            [
                (s.probe, to_db_time(s.at), s.state, int(s.ok), s.latency_ms, s.reason)
                for s in samples
            ],
        )


def last_sampled(store: Notebook) -> dict[str, tuple[datetime, str]]:
    """Each probe's newest sample: its time and state (what a cockpit taking the duty
    continues from)."""
    rows = store.connection.execute(
        "SELECT s.probe, s.at, s.state FROM probe_samples s JOIN"
        " (SELECT probe, MAX(at) AS newest FROM probe_samples GROUP BY probe) n"
        " ON n.probe = s.probe AND n.newest = s.at"
    ).fetchall()
    return {str(row[0]): (from_db_time(str(row[1])), str(row[2])) for row in rows}


def samples_between(
    store: Notebook, since: datetime, until: datetime, probe: str | None = None
) -> list[ProbeSample]:
    """Samples with ``since <= at <= until``, oldest first (one probe, or all)."""
    sql = (
        "SELECT probe, at, state, ok, latency_ms, reason FROM probe_samples"
        " WHERE at >= ? AND at <= ?"
    )
    params: list[object] = [to_db_time(since), to_db_time(until)]
    if probe is not None:
        sql += " AND probe = ?"
        params.append(probe)
    rows = store.connection.execute(sql + " ORDER BY at, id", params).fetchall()
    return [
        ProbeSample(
            str(r[0]),
            from_db_time(str(r[1])),
            str(r[2]),
            bool(r[3]),
            None if r[4] is None else float(r[4]),
            str(r[5]),
        )
        for r in rows
    ]


def first_sample_at(store: Notebook) -> datetime | None:
    """When the oldest kept sample was taken: before it, nothing is known."""
    row = store.connection.execute("SELECT MIN(at) FROM probe_samples").fetchone()
    return None if row is None or row[0] is None else from_db_time(str(row[0]))


def prune_samples(store: Notebook, before: datetime) -> int:
    """Delete samples older than ``before`` (the retention); returns how many."""
    with store.transaction(quiet=True) as conn:
        return conn.execute(
            "DELETE FROM probe_samples WHERE at < ?", (to_db_time(before),)
        ).rowcount
