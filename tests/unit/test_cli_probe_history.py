"""`cockpit probe history`: the recorded down/up changes and samples of the probes, as
text and JSON, with what is missing said; bad names and times are usage errors."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.cli import main
from cockpit.locations import notebook_target
from cockpit.model.timeline import TimelineEvent
from cockpit.store import open_notebook
from cockpit.store.events import record_events
from cockpit.store.probe_samples import ProbeSample, record_samples

NOW = datetime(2026, 12, 5, 8, 30, tzinfo=UTC)
T1 = NOW - timedelta(hours=2)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Path(os.environ["COCKPIT_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '[oncall]\ntimezone = "Europe/Berlin"\n\n'
        '[[probe]]\nname = "ready"\nurl = "http://127.0.0.1:9/ready"\n\n'
        '[[probe]]\nname = "live"\nurl = "http://127.0.0.1:9/live"\n'
    )
    monkeypatch.setattr("cockpit.cli.probe_history.utc_now", lambda: NOW)
    with open_notebook(notebook_target()) as notebook:
        record_samples(notebook, [
            ProbeSample("ready", T1 + timedelta(minutes=m), "down" if 1 <= m <= 2 else "up",
                        not 1 <= m <= 2, 10.0 + m)
            for m in (0, 1, 2, 3)
        ])  # fmt: skip
        record_events(notebook, [
            TimelineEvent(kind="probe_down", occurred_at=T1 + timedelta(minutes=1),
                          source="probe", subject="ready", body="probe ready down: 503"),
            TimelineEvent(kind="probe_up", occurred_at=T1 + timedelta(minutes=3),
                          source="probe", subject="ready", body="probe ready up again"),
        ])  # fmt: skip


def test_history_as_json_has_transitions_samples_and_gaps(
    recorded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["probe", "history", "ready", "--since", "-3h", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["since"] == "2026-12-05T05:30:00Z" and shown["until"] == "2026-12-05T08:30:00Z"
    assert shown["recorded_since"] == "2026-12-05T06:30:00Z"
    [ready] = shown["probes"]
    assert [(t["at"], t["state"]) for t in ready["transitions"]] == [
        ("2026-12-05T06:31:00Z", "down"), ("2026-12-05T06:33:00Z", "up"),
    ]  # fmt: skip
    assert [s["latency_ms"] for s in ready["samples"]] == [10.0, 11.0, 12.0, 13.0]
    # Nobody recorded after 06:33: said, up to now.
    assert ready["gaps"] == [{"from": "2026-12-05T06:33:00Z", "to": "2026-12-05T08:30:00Z"}]


def test_history_as_text_says_times_in_the_config_zone_and_what_is_missing(
    recorded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["probe", "history", "--since", "-3h"]) == 0
    out = capsys.readouterr().out
    assert "Nothing recorded before Sat 2026-12-05 07:30:00." in out
    assert "Sat 2026-12-05 07:31:00  DOWN  probe ready down: 503" in out
    assert "live: 0 samples" in out  # configured, never recorded in the span


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["probe", "history", "nope"], "no probe named 'nope' (probes: ready, live)"),
        (["probe", "history", "--since", "tomorrow"], "is not a time"),
        (["probe", "history", "--since", "-1h", "--until", "-2h"], "must come before"),
        (["probe", "ready", "--since", "-1h"], "go with `cockpit probe history`"),
    ],
)
def test_bad_history_arguments_are_usage_errors(
    recorded: None, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    assert main(args) == 2
    assert said in capsys.readouterr().err
