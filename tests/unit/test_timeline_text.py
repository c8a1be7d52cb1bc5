"""What a timeline event says, in the pane, its detail and the reports."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit.cli import main
from cockpit.model.alerts import Alert
from cockpit.model.text import visible_lines
from cockpit.model.timeline import TimelineEvent, event_text
from cockpit.services.transitions import alert_transitions
from cockpit.store import open_notebook
from cockpit.store.events import record_events

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _step(body: str = "done · looked at the deploy") -> TimelineEvent:
    return TimelineEvent(
        kind="runbook_step", occurred_at=AT, source="runbook",
        subject="high-error-rate step 3: Check the last deploy", body=body, author="alice",
    )  # fmt: skip


def test_a_runbook_step_names_the_step() -> None:
    assert event_text(_step()) == (
        "high-error-rate step 3: Check the last deploy: done · looked at the deploy"
    )


def test_a_runbook_step_without_a_body_is_its_subject() -> None:
    assert event_text(_step(body="")) == "high-error-rate step 3: Check the last deploy"


def test_other_events_say_their_body() -> None:
    event = TimelineEvent(
        kind="note", occurred_at=AT, source="cockpit", subject="note", body="pool exhausted"
    )
    assert event_text(event) == "pool exhausted"


def _alert(value: str) -> Alert:
    return Alert(
        name="HighErrorRate",
        labels={"alertname": "HighErrorRate", "severity": "critical", "service": "demo-api"},
        annotations={"summary": f"5xx ratio above 1 % (now {value})"},
        state="firing", starts_at=AT, fingerprint="fp1",
    )  # fmt: skip


def test_a_resolved_alert_does_not_quote_the_firing_value() -> None:
    fired = alert_transitions([], [_alert("7.087%")], AT)
    assert "(now 7.087%)" in fired[0].body
    resolved = alert_transitions([_alert("7.087%")], [], AT)
    assert resolved[0].kind == "alert_resolved"
    assert "7.087" not in resolved[0].body
    assert resolved[0].body == "HighErrorRate (critical) resolved"


def test_a_resolved_event_stored_before_the_fix_does_not_quote_it_either() -> None:
    old = TimelineEvent(
        kind="alert_resolved", occurred_at=AT, source="alertmanager", subject="HighErrorRate",
        body="HighErrorRate (critical) resolved: 5xx ratio above 1 % (now 7.087%)",
    )  # fmt: skip
    assert event_text(old) == "HighErrorRate (critical) resolved"


def test_visible_lines_shows_control_characters_instead_of_sending_them() -> None:
    hostile = "ok\x1b]52;c;cHduZWQ=\x07 \u202eevil\x00\nnext\tline"
    safe = visible_lines(hostile)
    assert "\x1b" not in safe and "\x07" not in safe and "\u202e" not in safe
    assert "\x00" not in safe
    assert safe == "ok\\x1b]52;c;cHduZWQ=\\x07 \\u202eevil\\x00\nnext\tline"


def test_incident_show_names_a_runbook_step(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["incident", "create", "--title", "Redis down", "--severity", "Sev2", "--json"])
    assert code == 0
    incident = json.loads(capsys.readouterr().out)["id"]
    with open_notebook(Path(os.environ["COCKPIT_DATA_DIR"]) / "cockpit.sqlite3") as store:
        record_events(store, [replace(_step(), incident_id=incident)])
    assert main(["incident", "show", incident]) == 0
    out = capsys.readouterr().out
    assert "high-error-rate step 3: Check the last deploy: done · looked at the deploy" in out
