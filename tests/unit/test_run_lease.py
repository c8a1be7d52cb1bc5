"""Run leases: two cockpits (two Notebook objects on one notebook file) take, renew, release,
find a stale lease, take over, and the old holder's write is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cockpit.config import Config, OnCall
from cockpit.model.run_lease import STALE_AFTER, LeaseHolder, RunLease
from cockpit.model.runbook_parser import parse_runbook
from cockpit.model.runbook_run import RunError, RunState
from cockpit.services.run_lease import LeaseKeeper, new_holder
from cockpit.services.runbook_run import RunbookSession
from cockpit.store import Notebook, open_notebook
from cockpit.store.run_leases import (
    LeaseLostError,
    RunHeldError,
    current_lease,
    release_lease,
    renew_lease,
    take_lease,
    takeovers,
)
from cockpit.store.runbook_runs import create_run, load_run, record_step, save_status
from tests.pg_server import integrity_error

T0 = datetime(2026, 11, 20, 13, 2, tzinfo=UTC)  # 14:02 in Berlin
BERLIN = ZoneInfo("Europe/Berlin")
RUNBOOK = parse_runbook(
    "---\nname: demo\ntitle: Demo\n---\n- [ ] One\n- [ ] Two\n- [ ] Three\n", "demo.md"
)
SAM = LeaseHolder("sam", "host-a", 123, "sam-token-1")
ALICE = LeaseHolder("alice", "host-b", 456, "alice-token-1")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def two(notebook_target: str | Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Two cockpits on one notebook (a file, or a PostgreSQL database)."""
    path = notebook_target
    with open_notebook(path) as first, open_notebook(path) as second:
        yield first, second


def new_run(store: Notebook) -> RunState:
    return create_run(store, RunState.start(RUNBOOK, at=T0, who="sam"), "demo.md")


def run_id(state: RunState) -> int:
    assert state.run_id is not None
    return state.run_id


# -- the store ------------------------------------------------------------------------


def test_take_renew_and_release_are_seen_by_the_other_connection(
    two: tuple[Notebook, Notebook],
) -> None:
    a, b = two
    rid = run_id(new_run(a))
    assert current_lease(b, rid) is None
    taken = take_lease(a, rid, SAM, T0)
    assert taken.takeover is None and taken.lease.taken_at == T0
    seen = current_lease(b, rid)
    assert seen is not None and seen.holder == SAM and seen.heartbeat_at == T0
    renew_lease(a, rid, SAM, at(15))
    seen = current_lease(b, rid)
    assert seen is not None and (seen.taken_at, seen.heartbeat_at) == (T0, at(15))
    again = take_lease(a, rid, SAM, at(20))  # the holder taking it again only renews
    assert again.takeover is None and again.lease.taken_at == T0
    assert not release_lease(b, rid, ALICE)  # not hers to release
    assert current_lease(a, rid) is not None
    assert release_lease(a, rid, SAM)
    assert current_lease(b, rid) is None
    take_lease(b, rid, ALICE, at(30))  # free again: taken without a word
    assert takeovers(a, rid) == []


def test_a_live_lease_is_refused_with_who_holds_it_and_since_when(
    two: tuple[Notebook, Notebook],
) -> None:
    a, b = two
    rid = run_id(new_run(a))
    take_lease(a, rid, SAM, T0)
    renew_lease(a, rid, SAM, at(50))
    with pytest.raises(RunHeldError) as held:
        take_lease(b, rid, ALICE, at(100))  # 50 s since the last beat: still alive
    lease = held.value.lease
    assert lease.holder == SAM
    assert lease.describe(BERLIN) == "sam on host-a (pid 123) has this run open since 14:02"
    assert lease.describe(BERLIN, at(100)) == (
        "sam on host-a (pid 123) has this run open since 14:02 (no sign of life for 50 s)"
    )
    assert lease.describe(BERLIN, at(60)) == lease.describe(BERLIN)  # a beat ago: no remark
    current = current_lease(a, rid)
    assert current is not None and current.holder == SAM  # nothing changed


def test_a_stale_lease_is_taken_without_asking_and_logged(two: tuple[Notebook, Notebook]) -> None:
    a, b = two
    rid = run_id(new_run(a))
    take_lease(a, rid, SAM, T0)
    later = T0 + STALE_AFTER + timedelta(seconds=1)
    taken = take_lease(b, rid, ALICE, later)
    assert taken.takeover is not None and taken.takeover.stale
    assert taken.takeover.previous.holder == SAM
    logged = takeovers(a, rid)
    assert len(logged) == 1 and logged[0].stale and logged[0].by == ALICE
    assert logged[0].previous.taken_at == T0 and logged[0].at == later
    assert "(its cockpit had stopped answering)" in logged[0].describe(BERLIN)


def test_take_over_then_the_old_holders_writes_are_refused(two: tuple[Notebook, Notebook]) -> None:
    a, b = two
    state = new_run(a)
    rid = run_id(state)
    take_lease(a, rid, SAM, T0)
    taken = take_lease(b, rid, ALICE, at(10), take_over=True)
    assert taken.takeover is not None and not taken.takeover.stale
    done = state.record(0, "done", at=at(20), who="sam")
    with pytest.raises(LeaseLostError) as lost:
        record_step(a, done, 0, holder=SAM, now=at(20))
    assert lost.value.by == "alice on host-b (pid 456)"
    assert "run #1 is not yours any more: alice on host-b (pid 456) took it over" in str(lost.value)
    with pytest.raises(LeaseLostError):
        save_status(a, state.pause(), holder=SAM, now=at(20))
    with pytest.raises(LeaseLostError):
        renew_lease(a, rid, SAM, at(20))
    loaded = load_run(b, rid)
    assert loaded is not None and loaded[0].steps[0].outcome == "pending"  # nothing written
    assert loaded[0].status == "running"
    # The new holder writes; the refusal still names the takeover after she lets go.
    record_step(b, state.record(1, "done", at=at(30), who="alice"), 1, holder=ALICE, now=at(30))
    assert release_lease(b, rid, ALICE)
    with pytest.raises(LeaseLostError) as lost:
        renew_lease(a, rid, SAM, at(40))
    assert lost.value.takeover is not None and lost.value.by == "alice on host-b (pid 456)"


def test_a_refused_write_leaves_no_timeline_event(two: tuple[Notebook, Notebook]) -> None:
    a, b = two
    state = new_run(a)
    rid = run_id(state)
    take_lease(b, rid, ALICE, T0)
    events = a.connection.execute("SELECT count(*) FROM timeline_events").fetchone()[0]
    with pytest.raises(LeaseLostError):
        record_step(a, state.record(0, "done", at=at(1)), 0, holder=SAM, now=at(1))
    assert a.connection.execute("SELECT count(*) FROM timeline_events").fetchone()[0] == events


def test_the_lease_table_refuses_nonsense(two: tuple[Notebook, Notebook]) -> None:
    a, _ = two
    rid = run_id(new_run(a))
    with pytest.raises(integrity_error(a), match=r"(?i)check constraint"):
        take_lease(a, rid, LeaseHolder(" ", "host", 1, "token-123"), T0)
    with pytest.raises(integrity_error(a), match=r"(?i)foreign key constraint"):
        take_lease(a, 999, SAM, T0)


# -- the session ----------------------------------------------------------------------


def config(me: str) -> Config:
    return Config(path=None, oncall=OnCall(me=me))


def test_sessions_start_resume_refuse_and_take_over(two: tuple[Notebook, Notebook]) -> None:
    a, b = two
    runbooks = {"demo": RUNBOOK}
    sam = RunbookSession.start(RUNBOOK, config("sam"), a, clock=lambda: T0)
    rid = run_id(sam.state)
    assert sam.holder is not None and sam.holder.who == "sam"
    lease = current_lease(b, rid)
    assert lease is not None and lease.holder == sam.holder  # held from the first moment
    with pytest.raises(RunHeldError) as held:
        RunbookSession.resume(rid, runbooks, config("alice"), b, clock=lambda: at(5))
    assert held.value.lease.holder.who == "sam"
    assert current_lease(b, rid) == lease  # the refused resume left nothing behind

    watcher = RunbookSession.view(rid, runbooks, config("alice"), b, held.value.lease)
    assert watcher.read_only_reason == "read-only: " + sam.holder.describe() + " has this run open"
    with pytest.raises(RunError, match="read-only"):
        watcher.mark(0, "done")
    assert watcher.refusal(watcher.step(0)) is not None

    alice = RunbookSession.resume(
        rid, runbooks, config("alice"), b, clock=lambda: at(10), take_over=True
    )
    assert alice.takeover is not None and not alice.takeover.stale
    with pytest.raises(LeaseLostError):
        sam.mark(0, "done")
    assert sam.lost is not None and sam.read_only_reason is not None
    assert "alice on" in sam.read_only_reason
    with pytest.raises(RunError, match="not yours any more"):
        sam.mark(0, "done")  # and from now on refused before touching the notebook
    sam.pause()  # closing the old screen writes nothing and leaves alice's lease alone
    alice.mark(0, "done")
    loaded = load_run(a, rid)
    assert loaded is not None and loaded[0].status == "running"
    assert loaded[0].steps[0].who == "alice"


def test_pause_abort_and_finish_let_go(two: tuple[Notebook, Notebook]) -> None:
    a, b = two
    runbooks = {"demo": RUNBOOK}
    first = RunbookSession.start(RUNBOOK, config("sam"), a, clock=lambda: T0)
    rid = run_id(first.state)
    first.pause()
    assert current_lease(b, rid) is None and first.holder is None
    second = RunbookSession.resume(rid, runbooks, config("alice"), b, clock=lambda: at(1))
    assert second.takeover is None  # a paused run is free: no takeover
    for index in range(3):
        second.mark(index, "done")
    assert second.state.status == "done" and current_lease(a, rid) is None
    other = RunbookSession.start(RUNBOOK, config("sam"), a, clock=lambda: T0)
    other.abort()
    assert other.state.run_id is not None and current_lease(b, other.state.run_id) is None


def test_an_interrupted_run_of_a_crashed_cockpit_is_taken_without_asking(
    two: tuple[Notebook, Notebook],
) -> None:
    a, b = two
    crashed = RunbookSession.start(RUNBOOK, config("sam"), a, clock=lambda: T0)
    rid = run_id(crashed.state)
    later = T0 + STALE_AFTER + timedelta(seconds=5)
    resumed = RunbookSession.resume(rid, {"demo": RUNBOOK}, config("alice"), b, clock=lambda: later)
    assert resumed.takeover is not None and resumed.takeover.stale
    assert takeovers(a, rid)[0].previous.holder.who == "sam"


# -- the heartbeat --------------------------------------------------------------------


def test_the_keeper_beats_from_its_own_thread_and_reports_a_takeover(
    notebook_target: str | Path,
) -> None:
    path = notebook_target
    with open_notebook(path) as a, open_notebook(path) as b:
        rid = run_id(new_run(a))
        me = new_holder("sam")
        assert me.pid > 0 and me.host and len(me.token) == 32
        assert new_holder("sam").token != me.token
        take_lease(a, rid, me, T0)
        now = [at(15)]
        lost = threading.Event()
        keeper = LeaseKeeper(path, rid, me, lambda: now[0], lambda _: lost.set(), every=0.05)
        keeper.start()
        try:
            for _ in range(100):
                lease = current_lease(b, rid)
                if lease is not None and lease.heartbeat_at == at(15):
                    break
                lost.wait(0.05)
            assert current_lease(b, rid) == RunLease(rid, me, T0, at(15))
            take_lease(b, rid, ALICE, at(20), take_over=True)
            assert lost.wait(5), "the keeper did not notice the takeover"
            assert keeper.lost is not None and keeper.lost.by == ALICE.describe()
        finally:
            keeper.stop()
        lease = current_lease(b, rid)
        assert lease is not None and lease.holder == ALICE  # the keeper never wrote over it
