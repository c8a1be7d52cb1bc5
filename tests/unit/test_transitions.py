"""Which changes between two snapshots become timeline events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cockpit.model.alerts import Alert
from cockpit.model.probes import ProbeResult, ProbeState
from cockpit.services.transitions import alert_transitions, probe_transitions

AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _alert(name: str, state: str = "firing", severity: str = "critical") -> Alert:
    labels = {"alertname": name, "severity": severity, "service": "api"}
    return Alert(name, labels, {"summary": f"{name} summary"}, state, AT - timedelta(minutes=1))


def test_first_cycle_learns_state_without_events() -> None:
    assert alert_transitions(None, [_alert("A")], AT) == []


def test_fired_and_resolved() -> None:
    events = alert_transitions([_alert("Old")], [_alert("New")], AT)
    kinds = {(e.kind, e.subject) for e in events}
    assert kinds == {("alert_fired", "New"), ("alert_resolved", "Old")}
    fired = next(e for e in events if e.kind == "alert_fired")
    assert fired.occurred_at == AT - timedelta(minutes=1)  # when it started, not when seen
    assert fired.component == "api"
    assert fired.body == "New (critical) firing: New summary"
    resolved = next(e for e in events if e.kind == "alert_resolved")
    assert resolved.occurred_at == AT


def test_pending_is_not_news_and_silencing_is_not_resolution() -> None:
    assert alert_transitions([], [_alert("P", state="pending")], AT) == []
    assert alert_transitions([_alert("S")], [_alert("S", state="silenced")], AT) == []


def test_probe_down_only_when_crossing_the_threshold() -> None:
    bad = ProbeResult("ready", False, AT, 5.0, 503, "[STATUS] == 200: got 503")
    pending = ProbeState("ready", state="pending", failures=2, last=bad)
    down = ProbeState("ready", state="down", failures=3, last=bad)
    assert probe_transitions({"ready": ProbeState("ready", state="up")}, [pending], AT, {}) == []
    events = probe_transitions({"ready": pending}, [down], AT, {"ready": "api"})
    assert [(e.kind, e.subject, e.component) for e in events] == [("probe_down", "ready", "api")]
    assert "got 503" in events[0].body
    assert probe_transitions({"ready": down}, [down], AT, {}) == []


def test_probe_up_only_after_down() -> None:
    good = ProbeResult("ready", True, AT, 5.0, 200)
    up = ProbeState("ready", state="up", successes=2, last=good)
    assert probe_transitions({"ready": ProbeState("ready")}, [up], AT, {}) == []
    events = probe_transitions({"ready": ProbeState("ready", state="down")}, [up], AT, {})
    assert [e.kind for e in events] == ["probe_up"]
