"""Issue 20: the timeline carries each alert's cluster (migration 0012). The same labels
firing in two clusters are two alerts (Alertmanager's fingerprint hashes the labels only),
and events written before the notebook kept clusters still read and close."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.snapshots import AlertSnapshot
from cockpit.model.timeline import TimelineEvent
from cockpit.services.transition_recorder import Recording
from cockpit.services.transitions import alert_key, alert_transitions, subject_key
from cockpit.store import Notebook, open_notebook
from cockpit.store.events import latest_events, record_events
from cockpit.store.notebook import LATEST_VERSION, default_migrations_dir
from cockpit.store.recording_duty import DutyHolder

T0 = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
ME = DutyHolder("sam", "laptop", 101)
LABELS = {"alertname": "HighErrorRate", "service": "api", "cluster": "label-says-this"}


def _alert(cluster: str, fingerprint: str = "fp1") -> Alert:
    return Alert("HighErrorRate", LABELS, fingerprint=fingerprint, cluster=cluster, starts_at=T0)


def _snap(*alerts: Alert) -> AlertSnapshot:
    return AlertSnapshot(alerts, Freshness(last_success=T0))


# --- transitions ------------------------------------------------------------------------


def test_the_same_labels_in_two_clusters_are_two_alerts() -> None:
    both = [_alert("eu"), _alert("us")]
    events = alert_transitions(both, [_alert("us")], T0)
    assert [(e.kind, e.cluster) for e in events] == [("alert_resolved", "eu")]
    events = alert_transitions([_alert("us")], both, T0)
    assert [(e.kind, e.cluster) for e in events] == [("alert_fired", "eu")]
    # The alert's own `cluster` label is a label like any other, not the cluster.
    assert events[0].labels["cluster"] == "label-says-this"


def test_an_alerts_subject_key_holds_its_cluster() -> None:
    eu, us = alert_key(_alert("eu")), alert_key(_alert("us"))
    assert eu != us
    [fired] = alert_transitions([], [_alert("eu")], T0)
    assert subject_key(fired) == eu
    # An alert of no known cluster keeps the key events had before clusters.
    assert alert_key(_alert("")) == ("alert", "fp1")


# --- the notebook keeps it --------------------------------------------------------------


@pytest.fixture
def store(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as notebook:
        yield notebook


def test_an_events_cluster_is_stored_and_read_back(store: Notebook) -> None:
    events = alert_transitions([], [_alert("eu")], T0)
    record_events(store, [*events, TimelineEvent("note", T0, "user", "x", body="plain")])
    note, fired = latest_events(store)
    assert (fired.cluster, note.cluster) == ("eu", None)
    assert fired.labels["cluster"] == "label-says-this"


def test_a_recorder_writes_each_clusters_transitions(store: Notebook) -> None:
    now = [T0]
    recording = Recording(Config(Path("c.toml")), ME, clock=lambda: now[0])
    recording.alerts_seen(store, _snap())
    assert recording.alerts_seen(store, _snap(_alert("eu"), _alert("us"))) == 2
    now[0] += timedelta(minutes=1)
    assert recording.alerts_seen(store, _snap(_alert("us"))) == 1
    newest = latest_events(store)[0]
    assert (newest.kind, newest.cluster) == ("alert_resolved", "eu")
    # A second recorder taking over sees us still open, eu closed: nothing to write.
    later = Recording(Config(Path("c.toml")), DutyHolder("r", "box", 2), clock=lambda: now[0])
    recording.release(store)
    assert later.alerts_seen(store, _snap(_alert("us"))) == 0
    assert later.alerts_seen(store, _snap()) == 1
    assert [(e.kind, e.cluster) for e in latest_events(store)[:1]] == [("alert_resolved", "us")]


def _legacy_fired(store: Notebook) -> None:
    """An alert_fired as a cockpit before migration 0012 wrote it: no cluster."""
    record_events(store, [TimelineEvent(
        "alert_fired", T0, "alertmanager", "HighErrorRate", body="HighErrorRate firing",
        labels=LABELS, fingerprint="fp1",
    )])  # fmt: skip


def test_an_event_of_no_cluster_stays_open_while_its_alert_fires_in_a_cluster(
    store: Notebook,
) -> None:
    _legacy_fired(store)
    now = [T0 + timedelta(hours=1)]
    recording = Recording(Config(Path("c.toml")), ME, clock=lambda: now[0])
    assert recording.alerts_seen(store, _snap(_alert("default"))) == 0
    now[0] += timedelta(minutes=5)
    assert recording.alerts_seen(store, _snap(_alert("default"))) == 0
    # It resolves: one resolution, in its cluster, which also ends the old open event.
    now[0] += timedelta(minutes=5)
    assert recording.alerts_seen(store, _snap()) == 1
    assert recording.alerts_seen(store, _snap()) == 0
    resolved, fired = latest_events(store)
    assert (resolved.kind, resolved.cluster, fired.cluster) == ("alert_resolved", "default", None)


def test_an_event_of_no_cluster_is_closed_when_its_alert_fires_nowhere(store: Notebook) -> None:
    _legacy_fired(store)
    later = T0 + timedelta(hours=1)
    recording = Recording(Config(Path("c.toml")), ME, clock=lambda: later)
    assert recording.alerts_seen(store, _snap(_alert("eu", fingerprint="other"))) == 1
    closed = latest_events(store)[0]
    assert (closed.kind, closed.fingerprint, closed.cluster) == ("alert_resolved", "fp1", None)


# --- migration 0012 on a notebook written before it --------------------------------------


def _older_migrations(tmp_path: Path, postgres: bool) -> Path:
    older = tmp_path / "older"
    older.mkdir()
    source = default_migrations_dir()
    if postgres:
        source = source / "postgresql"
    for entry in source.iterdir():
        if entry.name.endswith(".sql") and int(entry.name[:4]) < 12:
            (older / entry.name).write_text(entry.read_text(encoding="utf-8"))
    return older


def test_rows_written_before_0012_read_and_link_after_it(
    notebook_target: str | Path, tmp_path: Path
) -> None:
    assert LATEST_VERSION >= 12
    postgres = not isinstance(notebook_target, os.PathLike)
    older = _older_migrations(tmp_path, postgres)
    with open_notebook(notebook_target, migrations_dir=older) as old, old.transaction() as conn:
        conn.execute(
            "INSERT INTO incidents (id, title, severity, status, detected_at, created_at,"
            " updated_at) VALUES ('INC-1', 't', 'Sev2', 'detected', ?, ?, ?)",
            ("2026-03-06T09:00:00.000000Z",) * 3,
        )
        conn.execute(
            "INSERT INTO incident_alerts (incident_id, fingerprint, alertname, labels,"
            " linked_at) VALUES ('INC-1', 'fp1', 'HighErrorRate', '{}', ?)",
            ("2026-03-06T09:00:00.000000Z",),
        )
        conn.execute(
            "INSERT INTO timeline_events (occurred_at, recorded_at, kind, source, subject,"
            " labels, fingerprint) VALUES (?, ?, 'alert_fired', 'alertmanager', 'HighErrorRate',"
            " '{}', 'fp1')",
            ("2026-03-06T09:00:00.000000Z",) * 2,
        )
    from cockpit.model.incident_draft import LinkedAlert
    from cockpit.store.incidents import link_alerts, linked_alerts

    with open_notebook(notebook_target) as store:
        assert store.schema_version == LATEST_VERSION
        [event] = latest_events(store)
        assert (event.fingerprint, event.cluster) == ("fp1", None)
        assert linked_alerts(store, "INC-1") == [LinkedAlert("fp1", "HighErrorRate", {})]
        # The same fingerprint in a named cluster is another alert: it links too.
        eu = LinkedAlert("fp1", "HighErrorRate", {}, cluster="eu")
        assert link_alerts(store, "INC-1", [eu], at=T0 + timedelta(minutes=1)) == 1
        assert link_alerts(store, "INC-1", [eu], at=T0 + timedelta(minutes=2)) == 0
        assert [a.cluster for a in linked_alerts(store, "INC-1")] == ["", "eu"]


# --- incidents link an alert in its cluster ---------------------------------------------


def test_promoting_links_the_alert_in_its_cluster_only(store: Notebook) -> None:
    from cockpit.services.promote import draft_from_alert
    from cockpit.services.timeline_view import incident_timeline
    from cockpit.store.incidents import create_incident, incidents_for_alert, linked_alerts
    from cockpit.store.runbook_runs import incident_for_alert

    draft = draft_from_alert(_alert("eu"), {})
    record = create_incident(
        store, title=draft.title, severity="Sev2", detected_at=T0, alerts=draft.alerts
    )
    [linked] = linked_alerts(store, record.id)
    assert (linked.fingerprint, linked.cluster) == ("fp1", "eu")
    assert incidents_for_alert(store, "fp1", "eu") == [record.id]
    assert incidents_for_alert(store, "fp1", "us") == []
    assert incidents_for_alert(store, "fp1") == [record.id]  # cluster unknown: any
    assert incident_for_alert(store, "fp1", "us") is None
    # The incident's timeline holds the eu alert's events, not the same labels' in us.
    later = T0 + timedelta(minutes=5)
    record_events(store, [
        *alert_transitions([_alert("eu"), _alert("us")], [], later),
    ])  # fmt: skip
    events = incident_timeline(store, record, later + timedelta(minutes=1))
    assert [(e.kind, e.cluster) for e in events if e.kind.startswith("alert")] == [
        ("alert_resolved", "eu")
    ]
    link = next(e for e in events if e.kind == "incident_linked")
    assert link.cluster == "eu"


def test_a_link_of_no_cluster_still_gathers_its_alerts_events(store: Notebook) -> None:
    from cockpit.model.incident_draft import LinkedAlert
    from cockpit.services.timeline_view import incident_timeline
    from cockpit.store.incidents import create_incident

    old_link = LinkedAlert("fp1", "HighErrorRate", LABELS)  # as linked before clusters
    record = create_incident(store, title="t", severity="Sev2", detected_at=T0, alerts=[old_link])
    _legacy_fired(store)
    later = T0 + timedelta(minutes=5)
    record_events(store, alert_transitions([_alert("eu")], [], later))
    events = incident_timeline(store, record, later + timedelta(minutes=1))
    assert [(e.kind, e.cluster) for e in events if e.kind.startswith("alert")] == [
        ("alert_fired", None),
        ("alert_resolved", "eu"),
    ]


def test_ack_unack_and_expiry_events_carry_the_cluster(store: Notebook) -> None:
    from dataclasses import replace

    from cockpit.model.silences import new_ack
    from cockpit.store.acks import record_ack, record_silences_expired, record_unack

    alert = _alert("eu")
    silence = new_ack(alert, "alice", T0, timedelta(hours=1))
    assert silence.cluster == "eu"
    record_ack(store, alert, silence, "s-1", T0)
    record_unack(store, replace(silence, id="s-1"), "bob", T0 + timedelta(minutes=1))
    record_silences_expired(store, [replace(silence, id="s-2", state="expired")], T0)
    found = {e.kind: e.cluster for e in latest_events(store)}
    assert found == {"alert_acked": "eu", "alert_unacked": "eu", "silence_expired": "eu"}
