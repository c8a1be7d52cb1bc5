from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from cockpit.model.timeline import EVENT_KINDS, TimelineEvent
from cockpit.store import Notebook, open_notebook
from cockpit.store.events import events_between, latest_events, record_events
from cockpit.store.incidents import create_incident
from tests.pg_server import integrity_error, table_definition

T0 = datetime(2025, 10, 14, 10, 0, 0, tzinfo=UTC)
CEST = timezone(timedelta(hours=2))


@pytest.fixture
def store(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as opened:
        yield opened


def event(
    minutes: float,
    kind: str = "alert_fired",
    subject: str = "HighLatency",
    *,
    source: str = "alertmanager",
    body: str = "",
    author: str | None = None,
    component: str | None = None,
    incident_id: str | None = None,
) -> TimelineEvent:
    return TimelineEvent(
        kind=kind,
        occurred_at=T0 + timedelta(minutes=minutes),
        source=source,
        subject=subject,
        body=body,
        author=author,
        component=component,
        incident_id=incident_id,
    )


def test_events_round_trip_with_labels_and_aware_times(store: Notebook) -> None:
    original = TimelineEvent(
        kind="alert_fired",
        occurred_at=datetime(2025, 10, 14, 12, 0, 0, 123456, tzinfo=CEST),
        source="alertmanager",
        subject="HighErrorRate",
        body="error ratio 7% > 5%",
        author=None,
        component="checkout",
        labels={"alertname": "HighErrorRate", "severity": "page", "service": "checkout"},
        fingerprint="abc123",
    )
    [event_id] = record_events(store, [original])
    [loaded] = events_between(store, T0, T0 + timedelta(hours=1))

    assert loaded.id == event_id
    assert loaded == dataclasses.replace(original, id=event_id)
    assert loaded.occurred_at == datetime(2025, 10, 14, 10, 0, 0, 123456, tzinfo=UTC)
    assert loaded.occurred_at.tzinfo == UTC
    assert dict(loaded.labels) == {
        "alertname": "HighErrorRate",
        "severity": "page",
        "service": "checkout",
    }
    stored = store.connection.execute(
        "SELECT occurred_at, labels FROM timeline_events WHERE id = ?", (event_id,)
    ).fetchone()
    assert stored["occurred_at"] == "2025-10-14T10:00:00.123456Z"
    assert stored["labels"] == '{"alertname": "HighErrorRate", "service": "checkout", ' + (
        '"severity": "page"}'
    )


def test_events_come_back_in_time_order_within_a_half_open_window(store: Notebook) -> None:
    ids = record_events(
        store,
        [event(30, body="c"), event(10, body="a"), event(20, body="b"), event(60, body="end")],
    )
    assert len(set(ids)) == 4
    window = events_between(store, T0 + timedelta(minutes=10), T0 + timedelta(minutes=60))
    assert [e.body for e in window] == ["a", "b", "c"]
    # Same microsecond: recording order breaks the tie.
    record_events(store, [event(45, body="tie 1"), event(45, body="tie 2")])
    later = events_between(store, T0 + timedelta(minutes=40), T0 + timedelta(minutes=50))
    assert [e.body for e in later] == ["tie 1", "tie 2"]


def test_event_filters(store: Notebook) -> None:
    incident = create_incident(
        store, title="latency", severity="Sev2", detected_at=T0 + timedelta(minutes=1)
    )
    record_events(
        store,
        [
            event(2, subject="HighLatency", component="api", incident_id=incident.id, body="1"),
            event(3, kind="probe_down", subject="api-health", source="probe", body="2"),
            event(4, kind="alert_resolved", subject="HighLatency", component="api", body="3"),
            event(5, subject="DiskFull", component="db", body="4"),
            event(6, kind="note", subject="api", source="user", author="bob", body="5"),
        ],
    )
    end = T0 + timedelta(hours=1)

    def bodies(**filters: Any) -> list[str]:
        return [e.body for e in events_between(store, T0, end, **filters)]

    assert bodies() == ["detected", "1", "2", "3", "4", "5"]
    assert bodies(incident_id=incident.id) == ["detected", "1"]
    assert bodies(kinds={"alert_fired", "alert_resolved"}) == ["1", "3", "4"]
    assert bodies(subjects=["HighLatency"]) == ["1", "3"]
    assert bodies(components=("api", "db")) == ["1", "3", "4"]
    assert bodies(kinds=["alert_fired"], components=["api"]) == ["1"]
    assert bodies(limit=2) == ["detected", "1"]
    assert bodies(kinds=[]) == []
    with pytest.raises(ValueError, match="alert_fird"):
        bodies(kinds=["alert_fird"])


def test_latest_events_newest_first(store: Notebook) -> None:
    record_events(store, [event(m, body=str(m)) for m in (5, 1, 9, 3)])
    assert [e.body for e in latest_events(store)] == ["9", "5", "3", "1"]
    assert [e.body for e in latest_events(store, limit=2)] == ["9", "5"]
    assert latest_events(store, limit=0) == []


def test_naive_datetimes_are_refused(store: Notebook) -> None:
    naive = datetime(2025, 10, 14, 10, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        TimelineEvent(kind="note", occurred_at=naive, source="user", subject="x")
    with pytest.raises(ValueError, match="timezone-aware"):
        events_between(store, naive, T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        events_between(store, T0, naive)


def test_record_events_is_all_or_nothing(store: Notebook) -> None:
    good = event(1, body="good")
    orphan = event(2, body="orphan", incident_id="INC-20990101-000000")
    with pytest.raises(integrity_error(store)):
        record_events(store, [good, orphan])
    assert latest_events(store) == []
    assert record_events(store, []) == []


def test_recorded_events_cannot_be_recorded_twice(store: Notebook) -> None:
    [event_id] = record_events(store, [event(1)])
    [loaded] = latest_events(store)
    assert loaded.id == event_id
    with pytest.raises(ValueError, match="already recorded"):
        record_events(store, [loaded])


def test_timeline_event_is_immutable_and_hashable() -> None:
    labels = {"alertname": "A"}
    first = TimelineEvent("alert_fired", T0, "alertmanager", "A", labels=labels)
    labels["alertname"] = "changed"
    assert first.labels == {"alertname": "A"}
    # The same instant written in another zone is the same event.
    same = TimelineEvent(
        "alert_fired", T0.astimezone(CEST), "alertmanager", "A", labels={"alertname": "A"}
    )
    assert len({first, same, dataclasses.replace(first)}) == 1
    assert first != dataclasses.replace(first, labels={"alertname": "B"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.body = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        first.labels["alertname"] = "x"  # type: ignore[index]
    with pytest.raises(ValueError, match="unknown timeline event kind"):
        TimelineEvent("explosion", T0, "user", "x")


def test_event_kinds_match_the_schema_check(store: Notebook) -> None:
    sql = table_definition(store, "timeline_events")
    for kind in EVENT_KINDS:
        assert f"'{kind}'" in sql
    assert len(EVENT_KINDS) == 15
    # Every kind the model allows is accepted by the table.
    ids = record_events(store, [event(i, kind=k) for i, k in enumerate(sorted(EVENT_KINDS))])
    assert len(ids) == len(EVENT_KINDS)
