from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import DEFAULT_SEVERITY_MAP
from cockpit.model.alerts import Alert
from cockpit.model.silences import new_ack
from cockpit.services.incidents import create_from_draft
from cockpit.services.promote import draft_from_alert
from cockpit.store import Notebook, open_notebook
from cockpit.store.acks import (
    acks_for,
    active_acks,
    record_ack,
    record_extend,
    record_silences_expired,
    record_unack,
)
from cockpit.store.events import latest_events
from cockpit.store.incidents import incidents_for_alert

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
ALERT = Alert(
    name="HighErrorRate",
    labels={"alertname": "HighErrorRate", "severity": "critical", "service": "api"},
    annotations={"summary": "5xx above 1 %"},
    starts_at=NOW - timedelta(minutes=7),
    fingerprint="fp1",
)


@pytest.fixture
def store(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as opened:
        yield opened


def test_ack_unack_and_expiry_are_recorded(store: Notebook) -> None:
    silence = new_ack(ALERT, "alice", NOW, timedelta(hours=1))
    record_ack(store, ALERT, silence, "s-1", NOW)
    [ack] = active_acks(store, NOW)
    assert (ack.silence_id, ack.created_by, ack.expires_at) == (
        "s-1",
        "alice",
        NOW + timedelta(hours=1),
    )
    assert active_acks(store, NOW + timedelta(hours=2)) == []
    from dataclasses import replace

    assert record_unack(store, replace(silence, id="s-1"), "bob", NOW + timedelta(minutes=5))
    assert acks_for(store, "fp1")[0].removed_at == NOW + timedelta(minutes=5)
    assert record_silences_expired(store, [replace(silence, id="s-2", state="expired")], NOW) == 1
    # The unacked one is not reported again when its silence shows as expired.
    assert record_silences_expired(store, [replace(silence, id="s-1", state="expired")], NOW) == 0
    kinds = [(e.kind, e.author, e.fingerprint) for e in latest_events(store)]
    assert ("alert_acked", "alice", "fp1") in kinds
    assert ("alert_unacked", "bob", "fp1") in kinds
    assert any(k == "silence_expired" for k, _, _ in kinds)
    acked = next(e for e in latest_events(store) if e.kind == "alert_acked")
    assert dict(acked.labels) == dict(ALERT.labels)


def test_an_extended_ack_stays_active_under_its_new_id(store: Notebook) -> None:
    silence = new_ack(ALERT, "alice", NOW, timedelta(hours=1))
    record_ack(store, ALERT, silence, "s-1", NOW)
    later = NOW + timedelta(hours=3)
    assert record_extend(store, "s-1", "s-9", later) == 1
    [ack] = active_acks(store, NOW + timedelta(hours=2))
    assert (ack.silence_id, ack.expires_at) == ("s-9", later)
    assert record_extend(store, "s-1", "s-10", later) == 0  # the old id is gone


def test_draft_from_alert_maps_severity_and_links() -> None:
    draft = draft_from_alert(ALERT, DEFAULT_SEVERITY_MAP)
    assert draft.title == "HighErrorRate: 5xx above 1 %"
    assert draft.severity == "Sev1"
    assert draft.detected_at == ALERT.starts_at
    assert draft.components == ("api",)
    assert [a.fingerprint for a in draft.alerts] == ["fp1"]
    from dataclasses import replace

    warning = replace(ALERT, labels={**ALERT.labels, "severity": "warning"})
    assert draft_from_alert(warning, DEFAULT_SEVERITY_MAP).severity == "Sev3"
    odd = replace(ALERT, labels={"alertname": "X", "severity": "page"})
    assert draft_from_alert(odd, {"page": "Sev2"}).severity == "Sev2"
    assert draft_from_alert(odd, DEFAULT_SEVERITY_MAP).severity == "Sev3"


def test_create_from_draft_links_the_alert(store: Notebook) -> None:
    from cockpit.services import notify

    heard: list[notify.Notification] = []
    notify.subscribe("test", heard.append)
    try:
        record = create_from_draft(
            store, draft_from_alert(ALERT, DEFAULT_SEVERITY_MAP), now=NOW, author="alice"
        )
    finally:
        notify.unsubscribe_all()
    assert [(n.kind, n.subject, n.severity) for n in heard] == [
        ("incident_created", record.id, "Sev1")
    ]
    assert record.severity == "Sev1" and record.detected_at == ALERT.starts_at
    assert incidents_for_alert(store, "fp1") == [record.id]
    assert any(e.kind == "incident_linked" for e in latest_events(store))


def test_alerts_config_section(tmp_path: Path) -> None:
    import tomllib

    from cockpit.config import ConfigError, parse

    text = '[alerts]\nack_duration = "2h"\nseverity_map = { page = "Sev1", warning = "Sev2" }\n'
    config = parse(tomllib.loads(text), tmp_path / "c.toml")
    assert config.alerts.ack_duration == timedelta(hours=2)
    assert config.alerts.ack_warning == timedelta(minutes=10)
    assert config.alerts.severity_map["page"] == "Sev1"
    assert config.alerts.severity_map["warning"] == "Sev2"
    assert config.alerts.severity_map["critical"] == "Sev1"
    bad = '[alerts]\nack_duration = "soon"\nseverity_map = { page = "P1" }\nx = 1\n'
    with pytest.raises(ConfigError) as caught:
        parse(tomllib.loads(bad), tmp_path / "c.toml")
    keys = {p.key for p in caught.value.problems}
    assert keys == {"alerts.ack_duration", "alerts.severity_map.page", "alerts.x"}
