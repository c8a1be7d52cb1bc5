"""One process at a time records poll transitions into a notebook (migration 0005)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.probes import ProbeResult, ProbeState
from cockpit.model.snapshots import AlertSnapshot, ProbeSnapshot
from cockpit.services.transition_recorder import RENEW_EVERY, Recording
from cockpit.store import Notebook, open_notebook
from cockpit.store.events import latest_events
from cockpit.store.recording_duty import (
    STALE_AFTER,
    DutyHolder,
    claim_duty,
    duty_holder,
    release_duty,
)

T0 = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
TUI = DutyHolder("sam", "laptop", 101)
OTHER = DutyHolder("recorder", "box", 202)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "notebook.db"


@pytest.fixture
def first(notebook_target: str | Path) -> Iterator[Notebook]:
    # A file, or the team's PostgreSQL: the duty holds across machines the same way.
    with open_notebook(notebook_target) as store:
        yield store


@pytest.fixture
def second(notebook_target: str | Path, first: Notebook) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as store:  # another process (or machine)
        yield store


def test_the_first_claim_wins_and_the_second_sees_who(first: Notebook, second: Notebook) -> None:
    assert claim_duty(first, TUI, T0) == (True, DutyHolder("sam", "laptop", 101, T0, T0))
    holds, holder = claim_duty(second, OTHER, T0 + timedelta(seconds=5))
    assert not holds
    assert holder.describe() == "sam on laptop (pid 101)"
    assert holder.heartbeat_at == T0


def test_renewing_keeps_since_and_moves_the_heartbeat(first: Notebook) -> None:
    claim_duty(first, TUI, T0)
    later = T0 + timedelta(minutes=10)
    assert claim_duty(first, TUI, later) == (True, DutyHolder("sam", "laptop", 101, T0, later))


def test_a_silent_holder_loses_the_duty_after_stale_after(
    first: Notebook, second: Notebook
) -> None:
    claim_duty(first, TUI, T0)
    just_alive = T0 + STALE_AFTER - timedelta(seconds=1)
    assert claim_duty(second, OTHER, just_alive)[0] is False
    holds, holder = claim_duty(second, OTHER, T0 + STALE_AFTER)
    assert holds and holder.same_process(OTHER) and holder.since == T0 + STALE_AFTER
    # The old holder comes back: it is not its duty any more.
    assert claim_duty(first, TUI, T0 + STALE_AFTER + timedelta(seconds=1))[0] is False


def test_release_frees_the_duty_only_for_its_holder(first: Notebook, second: Notebook) -> None:
    claim_duty(first, TUI, T0)
    release_duty(second, OTHER)  # not the holder: nothing changes
    assert duty_holder(first) == DutyHolder("sam", "laptop", 101, T0, T0)
    release_duty(first, TUI)
    assert duty_holder(second) is None
    assert claim_duty(second, OTHER, T0 + timedelta(seconds=1))[0] is True


def _alerts(*names: str, severity: str = "critical") -> AlertSnapshot:
    alerts = tuple(
        Alert(n, {"alertname": n, "severity": severity}, fingerprint=f"fp-{n}") for n in names
    )
    return AlertSnapshot(alerts, Freshness(last_success=T0))


def _fired(store: Notebook) -> list[str]:
    rows = store.connection.execute(
        "SELECT subject FROM timeline_events WHERE kind = 'alert_fired' ORDER BY id"
    )
    return [row[0] for row in rows]


def test_two_cockpits_on_one_notebook_write_each_transition_once(
    first: Notebook, second: Notebook
) -> None:
    now = [T0]
    a = Recording(Config(Path("config.toml")), TUI, clock=lambda: now[0])
    b = Recording(Config(Path("config.toml")), OTHER, clock=lambda: now[0])
    for recording, store in ((a, first), (b, second)):
        assert recording.alerts_seen(store, _alerts()) == 0  # first answers: baselines
    assert a.on_duty and not b.on_duty and b.holder == a.holder
    now[0] += timedelta(seconds=10)
    assert a.alerts_seen(first, _alerts("HighErrorRate")) == 1
    assert b.alerts_seen(second, _alerts("HighErrorRate")) == 0
    assert _fired(first) == ["HighErrorRate"]

    # The holder quits cleanly: the other takes over at its next cycle and records only
    # what changes from then on, not a second "fired" for what it already saw.
    a.release(first)
    now[0] += timedelta(seconds=10)
    assert b.alerts_seen(second, _alerts("HighErrorRate", "HighLatency")) == 1
    assert b.on_duty
    assert _fired(second) == ["HighErrorRate", "HighLatency"]


def test_the_duty_is_renewed_at_most_every_renew_every(first: Notebook) -> None:
    now = [T0]
    recording = Recording(Config(Path("config.toml")), TUI, clock=lambda: now[0])
    assert recording.check_duty(first)
    now[0] += RENEW_EVERY - timedelta(seconds=1)
    assert recording.check_duty(first)
    assert duty_holder(first) == DutyHolder("sam", "laptop", 101, T0, T0)  # no write yet
    now[0] += timedelta(seconds=1)
    assert recording.check_duty(first)
    assert duty_holder(first) == DutyHolder("sam", "laptop", 101, T0, now[0])


def test_a_failed_cycle_neither_records_nor_moves_the_baseline(first: Notebook) -> None:
    recording = Recording(Config(Path("config.toml")), TUI, clock=lambda: T0)
    recording.alerts_seen(first, _alerts())
    failed = AlertSnapshot((), Freshness(last_success=T0, error="connection refused"))
    assert recording.alerts_seen(first, failed) == 0
    assert recording.alerts == ()
    assert recording.alerts_seen(first, _alerts("HighErrorRate")) == 1


# --- the holder writes what changes the notebook's last word ---------------------------


def _probe(name: str, *results: bool) -> ProbeState:
    state = ProbeState(name)
    for i, ok in enumerate(results):
        state = state.observe(ProbeResult(name, ok, T0 + timedelta(seconds=i), reason="x"))
    return state


def _probes(*states: ProbeState) -> ProbeSnapshot:
    return ProbeSnapshot(states, Freshness(last_success=T0))


def _kinds(store: Notebook) -> list[tuple[str, str]]:
    rows = store.connection.execute("SELECT kind, subject FROM timeline_events ORDER BY id")
    return [(row[0], row[1]) for row in rows]


def test_a_takeover_closes_a_probe_its_own_view_never_saw_down(
    first: Notebook, second: Notebook
) -> None:
    now = [T0]
    a = Recording(Config(Path("c.toml")), TUI, clock=lambda: now[0])
    b = Recording(Config(Path("c.toml")), OTHER, clock=lambda: now[0])
    a.probes_seen(first, _probes(_probe("ready", True)))
    b.probes_seen(second, _probes(_probe("ready", True)))
    assert a.probes_seen(first, _probes(_probe("ready", True, False, False, False))) == 1
    # b is one check behind: failing, not down yet, when a quits.
    assert b.probes_seen(second, _probes(_probe("ready", True, False, False))) == 0
    a.release(first)
    now[0] += timedelta(seconds=5)
    # b's own view goes back up without ever crossing the threshold; the notebook says down.
    assert b.probes_seen(second, _probes(_probe("ready", True, False, False, True, True))) == 1
    assert _kinds(second) == [("probe_down", "ready"), ("probe_up", "ready")]
    up = latest_events(second)[0]
    assert up.body.startswith("probe ready up (recorded down since ")
    assert b.probes_seen(second, _probes(_probe("ready", True, False, False, True, True))) == 0


def test_a_takeover_does_not_repeat_a_down_already_recorded(
    first: Notebook, second: Notebook
) -> None:
    now = [T0]
    a = Recording(Config(Path("c.toml")), TUI, clock=lambda: now[0])
    b = Recording(Config(Path("c.toml")), OTHER, clock=lambda: now[0])
    for recording, store in ((a, first), (b, second)):
        recording.probes_seen(store, _probes(_probe("ready", True)))
    a.probes_seen(first, _probes(_probe("ready", True, False, False, False)))
    b.probes_seen(second, _probes(_probe("ready", True, False, False)))
    a.release(first)
    assert b.probes_seen(second, _probes(_probe("ready", True, False, False, False))) == 0
    assert _kinds(second) == [("probe_down", "ready")]


def test_a_fired_alert_left_open_by_a_stopped_cockpit_is_closed_at_the_next_start(
    first: Notebook,
) -> None:
    old = Recording(Config(Path("c.toml")), TUI, clock=lambda: T0)
    old.alerts_seen(first, _alerts())
    old.alerts_seen(first, _alerts("HighErrorRate"))
    del old  # stopped without releasing (kill -9): the duty goes stale
    later = T0 + timedelta(hours=3)
    new = Recording(Config(Path("c.toml")), OTHER, clock=lambda: later)
    assert new.alerts_seen(first, _alerts()) == 1  # the first answer, and nothing fires
    [fired, resolved] = latest_events(first)[::-1]
    assert (fired.kind, resolved.kind) == ("alert_fired", "alert_resolved")
    assert resolved.fingerprint == "fp-HighErrorRate" and resolved.occurred_at == later
    assert resolved.body == (
        "HighErrorRate (critical) no longer firing (recorded firing since 2026-03-06 09:00 UTC)"
    )
    assert new.alerts_seen(first, _alerts()) == 0


def test_alerts_closed_at_one_start_are_told_apart_by_severity(first: Notebook) -> None:
    # One alert name at two severities, as Alertmanager holds them: the closing events
    # name each as its fired event did, not both as "HighErrorRate".
    both = (
        Alert("HighErrorRate", {"alertname": "HighErrorRate", "severity": s}, fingerprint=s)
        for s in ("critical", "warning")
    )
    old = Recording(Config(Path("c.toml")), TUI, clock=lambda: T0)
    old.alerts_seen(first, _alerts())
    old.alerts_seen(first, AlertSnapshot(tuple(both), Freshness(last_success=T0)))
    del old
    new = Recording(Config(Path("c.toml")), OTHER, clock=lambda: T0 + timedelta(hours=3))
    assert new.alerts_seen(first, _alerts()) == 2
    closed = sorted(e.body for e in latest_events(first) if e.kind == "alert_resolved")
    assert closed == [
        "HighErrorRate (critical) no longer firing (recorded firing since 2026-03-06 09:00 UTC)",
        "HighErrorRate (warning) no longer firing (recorded firing since 2026-03-06 09:00 UTC)",
    ]


def test_without_the_duty_nothing_is_closed_either(first: Notebook, second: Notebook) -> None:
    a = Recording(Config(Path("c.toml")), TUI, clock=lambda: T0)
    b = Recording(Config(Path("c.toml")), OTHER, clock=lambda: T0)
    a.alerts_seen(first, _alerts())
    a.alerts_seen(first, _alerts("HighErrorRate"))
    assert b.alerts_seen(second, _alerts()) == 0
    assert [e.kind for e in latest_events(first)] == ["alert_fired"]


def test_a_burn_left_open_is_closed_when_its_row_has_data_and_is_calm(first: Notebook) -> None:
    from tests.unit.test_burn_events import _burning, _calm, _snap, _status

    old = Recording(Config(Path("c.toml")), TUI, clock=lambda: T0)
    old.burns_seen(first, _snap(_calm()))
    assert old.burns_seen(first, _snap(_burning())) == 1
    new = Recording(Config(Path("c.toml")), OTHER, clock=lambda: T0 + timedelta(hours=1))
    # No data for the row: it may still burn, so the notebook's word stands.
    assert new.burns_seen(first, _snap(_status(ratios={}))) == 0
    assert new.burns_seen(first, _snap(_calm())) == 1
    stopped, started = latest_events(first)
    assert (stopped.kind, started.kind) == ("burn_stopped", "burn_started")
    # Which of the SLO's rows: an SLO has four, and several may close at one start.
    assert stopped.body == (
        f"{started.subject}: page 1h/5m not burning (recorded burning since 2026-03-06 09:00 UTC)"
    )


# --- cockpit doctor says who records --------------------------------------------------


def test_doctor_names_the_recorder_or_says_nobody_records(path: Path) -> None:
    from cockpit.services.doctor import _recorder

    assert _recorder(path, T0) is None  # no notebook yet: the notebook check says so
    with open_notebook(path) as store:
        nobody = _recorder(path, T0)
        assert nobody is not None and not nobody.ok and not nobody.required
        assert "run the cockpit or `cockpit record`" in nobody.detail
        claim_duty(store, TUI, T0)
        held = _recorder(path, T0 + timedelta(seconds=20))
        assert held is not None and held.ok
        assert held.detail == "sam on laptop (pid 101), since 2026-03-06 09:00 UTC"
        stale = _recorder(path, T0 + STALE_AFTER)
        assert stale is not None and not stale.ok
        assert "stopped renewing 60s ago" in stale.detail
