"""Probe answers kept for showing the past: the holder of the recording duty samples each
probe at most once per `[record] probe_samples_every`, a cockpit taking over goes on from
the notebook's newest sample, samples past the retention go, and the history says what
is missing (before the first sample, gaps where nobody recorded). Both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config
from cockpit.config_types import ProbeConfig, RecordConfig
from cockpit.model.freshness import Freshness
from cockpit.model.probes import ProbeResult, ProbeState
from cockpit.model.snapshots import ProbeSnapshot
from cockpit.services.probe_history import Gap, gaps_in, probe_history
from cockpit.services.transition_recorder import Recording
from cockpit.store import Notebook, open_notebook
from cockpit.store.probe_samples import samples_between
from cockpit.store.recording_duty import DutyHolder

T0 = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
CONFIG = Config(
    Path("c.toml"),
    probes=(ProbeConfig("ready", "http://127.0.0.1:1/ready"),),
    record=RecordConfig(retention=timedelta(days=2), probe_samples_every=timedelta(minutes=1)),
)


@pytest.fixture
def notebook(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target, me="alice") as opened:
        yield opened


class Probing:
    """One probe answering every 10 s (the clock moves with it); the recorder sees each."""

    def __init__(self, recording: Recording, notebook: Notebook) -> None:
        self.recording, self.notebook = recording, notebook
        self.state = ProbeState("ready")

    def answer(self, at: datetime, ok: bool, latency: float = 12.0) -> None:
        self.state = self.state.observe(
            ProbeResult("ready", ok, at, latency_ms=latency, reason="" if ok else "503")
        )
        snapshot = ProbeSnapshot((self.state,), Freshness(last_success=at))
        self.recording.probes_seen(self.notebook, snapshot)


def _recording(clock: list[datetime], who: str = "alice") -> Recording:
    return Recording(CONFIG, DutyHolder(who, "host", 1), clock=lambda: clock[0])


def test_each_probe_is_sampled_at_most_once_a_minute(notebook: Notebook) -> None:
    clock = [T0]
    probing = Probing(_recording(clock), notebook)
    for i in range(19):  # three minutes of answers, one every 10 s
        clock[0] = T0 + timedelta(seconds=10 * i)
        probing.answer(clock[0], ok=True, latency=10.0 + i)
    samples = samples_between(notebook, T0, T0 + timedelta(hours=1))
    assert [s.at - T0 for s in samples] == [timedelta(minutes=m) for m in range(4)]
    assert [s.latency_ms for s in samples] == [10.0, 16.0, 22.0, 28.0]
    assert {s.state for s in samples} == {"up"}
    written = notebook.connection.execute("SELECT DISTINCT written_by FROM probe_samples")
    assert [row[0] for row in written] == ["alice"]


def test_a_cockpit_taking_over_goes_on_from_the_notebooks_newest_sample(
    notebook: Notebook, notebook_target: str | Path
) -> None:
    clock = [T0]
    first = _recording(clock)
    Probing(first, notebook).answer(T0, ok=True)
    first.release(notebook)
    with open_notebook(notebook_target, me="bob") as elsewhere:
        probing = Probing(_recording(clock, "bob"), elsewhere)
        clock[0] = T0 + timedelta(seconds=30)
        probing.answer(clock[0], ok=True, latency=30.0)  # 30 s after alice's: not due yet
        clock[0] = T0 + timedelta(seconds=60)
        probing.answer(clock[0], ok=True, latency=60.0)
        samples = samples_between(elsewhere, T0, T0 + timedelta(hours=1))
    assert [(s.at - T0, s.latency_ms) for s in samples] == [
        (timedelta(0), 12.0), (timedelta(seconds=60), 60.0),
    ]  # fmt: skip


def test_samples_past_the_retention_are_deleted_by_the_holder(notebook: Notebook) -> None:
    clock = [T0]
    Probing(_recording(clock), notebook).answer(T0, ok=True)
    clock[0] = T0 + timedelta(days=3)  # the retention is 2 days here
    Probing(_recording(clock), notebook).answer(clock[0], ok=True)
    samples = samples_between(notebook, T0 - timedelta(days=1), clock[0])
    assert [s.at for s in samples] == [clock[0]]


def test_the_history_says_what_is_missing(notebook: Notebook) -> None:
    clock = [T0]
    recording = _recording(clock)
    probing = Probing(recording, notebook)
    for minute in (0, 1, 2, 3, 30, 31):  # nobody recorded from 03:03 to 03:30
        clock[0] = T0 + timedelta(minutes=minute)
        probing.answer(clock[0], ok=minute < 2 or minute > 30)
    history = probe_history(
        notebook, T0 - timedelta(hours=1), T0 + timedelta(minutes=31), timedelta(minutes=1),
        ["ready"],
    )  # fmt: skip
    assert history.recorded_since == T0  # nothing before it is known
    [ready] = history.probes
    minutes = (0, 1, 2, 3, 30, 31)
    assert [s.at for s in ready.samples] == [T0 + timedelta(minutes=m) for m in minutes]
    assert ready.gaps == [Gap(T0 + timedelta(minutes=3), T0 + timedelta(minutes=30))]


def test_gaps_include_the_ends_of_the_span() -> None:
    minute = timedelta(minutes=1)
    times = [T0 + 10 * minute, T0 + 11 * minute]
    assert gaps_in(times, minute, T0, T0 + 20 * minute) == [
        Gap(T0, T0 + 10 * minute), Gap(T0 + 11 * minute, T0 + 20 * minute),
    ]  # fmt: skip
    assert gaps_in([], minute, T0, T0 + 2 * minute) == []


def test_a_change_of_state_is_sampled_at_once(notebook: Notebook) -> None:
    clock = [T0]
    probing = Probing(_recording(clock), notebook)
    for second, ok in ((0, True), (10, False), (20, False), (30, False), (40, True), (50, True)):
        clock[0] = T0 + timedelta(seconds=second)
        probing.answer(clock[0], ok=ok)
    samples = samples_between(notebook, T0, T0 + timedelta(hours=1))
    # up at 0; failing at 10; down (third failure) at 30; still down at 40 (one success:
    # not sampled, within the minute); up again (second success) at 50.
    assert [(int((s.at - T0).total_seconds()), s.state) for s in samples] == [
        (0, "up"), (10, "pending"), (30, "down"), (50, "up"),
    ]  # fmt: skip
