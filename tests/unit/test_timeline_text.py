"""What a timeline event says, in the pane, its detail and the reports."""

from __future__ import annotations

from datetime import UTC, datetime

from cockpit.model.alerts import Alert
from cockpit.model.text import terminal_safe
from cockpit.model.timeline import TimelineEvent, event_text
from cockpit.services.transitions import alert_transitions

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


def test_terminal_safe_shows_control_characters_instead_of_sending_them() -> None:
    hostile = "ok\x1b]52;c;cHduZWQ=\x07 \u202eevil\x00\nnext\tline"
    safe = terminal_safe(hostile)
    assert "\x1b" not in safe and "\x07" not in safe and "\u202e" not in safe
    assert "\x00" not in safe
    assert safe == "ok\\x1b]52;c;cHduZWQ=\\x07 \\u202eevil\\x00\nnext\tline"
