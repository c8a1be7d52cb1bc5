"""The main screen's sources at a past moment: probes from their recorded samples (or
"nothing recorded"), alerts with the acks and silences of that moment in the live pane's
shape. Never today's data for the past."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config
from cockpit.config_types import ProbeConfig
from cockpit.model.alerts import Alert
from cockpit.model.matchers import exact
from cockpit.model.silences import Silence, ack_of, display_state
from cockpit.services.past_alerts import PastAlerts
from cockpit.services.past_view import alert_snapshot, probes_at
from cockpit.store import Notebook, open_notebook
from cockpit.store.acks import AckRecord
from cockpit.store.probe_samples import ProbeSample, record_samples

T = datetime(2026, 12, 5, 3, 12, tzinfo=UTC)
CONFIG = Config(
    Path("c.toml"),
    probes=(ProbeConfig("ready", "http://127.0.0.1:9/ready"),
            ProbeConfig("live", "http://127.0.0.1:9/live")),
)  # fmt: skip


@pytest.fixture
def notebook(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as opened:
        yield opened


def test_a_probe_shows_its_newest_sample_before_the_moment(notebook: Notebook) -> None:
    record_samples(notebook, [
        ProbeSample("ready", T - timedelta(minutes=2), "up", True, 10.0),
        ProbeSample("ready", T - timedelta(minutes=1), "down", False, None, "503"),
        ProbeSample("ready", T + timedelta(minutes=1), "up", True, 9.0),  # after: unseen
        ProbeSample("live", T - timedelta(hours=2), "up", True, 5.0),  # too old to stand
    ])  # fmt: skip
    snapshot = probes_at(CONFIG, T, notebook)
    ready, live = snapshot.probes
    assert ready.state == "down" and ready.last is not None and ready.last.reason == "503"
    assert ready.latencies == (10.0,)
    assert live.state == "unknown" and live.last is None
    assert snapshot.freshness.ok and snapshot.freshness.last_success == T


def test_a_moment_nobody_recorded_says_so(notebook: Notebook) -> None:
    snapshot = probes_at(CONFIG, T, notebook)
    assert snapshot.freshness.error is not None
    assert "nothing recorded yet" in snapshot.freshness.error
    assert [p.state for p in snapshot.probes] == ["unknown", "unknown"]


def test_past_alerts_take_the_live_panes_shape() -> None:
    labels = {"alertname": "HighErrorRate", "severity": "critical"}
    acked = Alert("HighErrorRate", labels, state="firing", fingerprint="f1")
    quiet = Alert("Disk", {"alertname": "Disk"}, state="firing", fingerprint="f2")
    pending = Alert("Slow", {"alertname": "Slow"}, state="pending", fingerprint="f3")
    plain = Silence("s-9", exact({"alertname": "Disk"}), T - timedelta(hours=1),
                    T + timedelta(hours=1), "kim", "maintenance")  # fmt: skip
    ack = AckRecord(1, "f1", "HighErrorRate", labels, "s-1", "alice",
                    T - timedelta(minutes=5), T + timedelta(minutes=55), None)  # fmt: skip
    found = PastAlerts(
        T, [acked, quiet, pending], acks={("", "f1"): ack}, silences={("", "f2"): [plain]}
    )
    snapshot = alert_snapshot(found)
    index = snapshot.silence_index()
    first, second, third = snapshot.alerts
    assert display_state(first, index) == "acked"
    info = ack_of(first, index)
    assert info is not None and info.owner == "alice" and info.since == ack.created_at
    assert display_state(second, index) == "silenced"
    assert display_state(third, index) == "pending"
    assert snapshot.freshness.last_success == T


def test_the_runs_under_way_then_are_those_started_and_not_yet_finished(
    notebook: Notebook,
) -> None:
    from cockpit.model.runbook_parser import parse_runbook
    from cockpit.model.runbook_run import RunState
    from cockpit.store.runbook_runs import create_run, list_runs, save_status

    book = parse_runbook("---\nname: demo\ntitle: Demo\n---\n- [ ] One\n", "demo.md")
    earlier = create_run(notebook, RunState.start(book, at=T - timedelta(hours=2), who="sam"))
    save_status(notebook, earlier.abort(T - timedelta(hours=1)))  # over before T
    under_way = create_run(notebook, RunState.start(book, at=T - timedelta(minutes=5), who="kim"))
    create_run(notebook, RunState.start(book, at=T + timedelta(minutes=5), who="lee"))  # after
    assert [r.run_id for r in list_runs(notebook, open_at=T)] == [under_way.run_id]
