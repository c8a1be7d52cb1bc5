"""An incident's timeline read a window at a time: the same events as reading everything
since its detection and filtering in Python (the rule in services/timeline_view.py's
docstring), newest ``limit`` of them, on both backends; and the hot notebook queries use
an index, never a scan of the big tables (SQLite's EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from cockpit.model.incident_draft import LinkedAlert
from cockpit.model.incident_record import IncidentRecord
from cockpit.model.timeline import TimelineEvent
from cockpit.services.timeline_view import (
    AUTOMATIC_KINDS,
    LINK_LOOKBACK,
    current_view,
    incident_timeline,
)
from cockpit.store import Notebook, open_notebook
from cockpit.store.digest_queries import incidents_detected, missing_postmortems
from cockpit.store.events import events_between, last_firings, record_events
from cockpit.store.incident_changes import transition
from cockpit.store.incidents import create_incident, get_incident

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)
KINDS = [*sorted(AUTOMATIC_KINDS), "note", "update", "status_change"]


@pytest.fixture
def store(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as opened:
        yield opened


def _incident(store: Notebook, title: str, *fingerprints: str) -> IncidentRecord:
    return create_incident(
        store, title=title, severity="Sev2", detected_at=T0, components=["api", "db"],
        author="alice", alerts=[LinkedAlert(fp, f"Alert {fp}") for fp in fingerprints],
        linked_at=T0,
    )  # fmt: skip


def _event(kind: str, after: timedelta, **kw: Any) -> TimelineEvent:
    return TimelineEvent(kind=kind, occurred_at=T0 + after, source="test", subject="s", **kw)


def _random_events(rng: random.Random, incident_ids: Sequence[str]) -> list[TimelineEvent]:
    events = []
    for n in range(400):
        # Whole quarter-hours, so many events share a moment and the id breaks the tie.
        at = T0 + timedelta(minutes=15 * rng.randint(-4 * 30, 4 * 30))
        owner = rng.choice([None, None, None, *incident_ids])
        kind = rng.choice(KINDS) if owner else rng.choice([*sorted(AUTOMATIC_KINDS), "note"])
        events.append(
            TimelineEvent(
                kind=kind, occurred_at=at, source="test", subject=f"s{n}", body=f"event {n}",
                incident_id=owner, component=rng.choice([None, "api", "db", "web"]),
                fingerprint=rng.choice([None, "fp-1", "fp-2", "fp-other"]),
            )
        )  # fmt: skip
    return events


def _expected(store: Notebook, record: IncidentRecord, now: datetime) -> list[TimelineEvent]:
    """Every event read, then filtered by the rule (the way the timeline was read before
    it was read a window at a time)."""
    every = events_between(store, EPOCH, FOREVER)
    fingerprints = {"fp-1", "fp-2"}
    end = record.closed_at or max(now, record.detected_at)
    starts: dict[str, datetime] = {}
    for e in every:
        lookback = record.detected_at - LINK_LOOKBACK <= e.occurred_at <= record.detected_at
        if e.kind == "alert_fired" and e.fingerprint in fingerprints and lookback:
            starts[e.fingerprint or ""] = e.occurred_at
    shown = []
    for e in every:
        if e.incident_id == record.id:
            shown.append(e)
        elif e.incident_id is None and e.kind in AUTOMATIC_KINDS and e.occurred_at <= end:
            if e.fingerprint in fingerprints:
                if e.occurred_at >= starts.get(e.fingerprint or "", record.detected_at):
                    shown.append(e)
            elif e.component in record.components and e.occurred_at >= record.detected_at:
                shown.append(e)
    return shown


def test_the_window_is_the_newest_events_of_the_whole_timeline(store: Notebook) -> None:
    rng = random.Random(17)
    record = _incident(store, "checkout errors", "fp-1", "fp-2")
    other = _incident(store, "another", "fp-other")
    record_events(store, _random_events(rng, [record.id, other.id]))
    now = T0 + 10 * H
    for shown in (record, None):
        if shown is None:  # closed: its window ends at the close
            transition(store, record.id, "resolved", at=T0 + 5 * H)
            transition(store, record.id, "closed", at=T0 + 6 * H)
            shown = get_incident(store, record.id)
            assert shown is not None and shown.closed_at is not None
        expected = _expected(store, shown, now)
        assert len(expected) > 60  # enough to cut windows from
        assert incident_timeline(store, shown, now) == expected
        for limit in (1, 7, 60, 10_000):
            assert incident_timeline(store, shown, now, limit=limit) == expected[-limit:]
        notes = {"note", "update"}
        only_notes = [e for e in expected if e.kind in notes]
        assert incident_timeline(store, shown, now, kinds=notes, limit=3) == only_notes[-3:]
        probes = {"probe_down", "probe_up"}
        only_probes = [e for e in expected if e.kind in probes]
        assert incident_timeline(store, shown, now, kinds=probes) == only_probes
        assert incident_timeline(store, shown, now, kinds=set()) == []


def test_the_view_says_when_earlier_events_are_left_out(store: Notebook) -> None:
    record = _incident(store, "slow api")
    kinds = ["probe_down" if n % 2 else "probe_up" for n in range(1, 31)]
    record_events(
        store, [_event(kind, n * H / 10, component="api") for n, kind in enumerate(kinds, 1)]
    )
    now = T0 + 4 * H
    whole = incident_timeline(store, record, now)
    assert len(whole) == 31  # opened, then the 30 probe events
    view = current_view(store, now, incident_id=record.id, window=10)
    assert list(view.events) == whole[-10:] and view.earlier
    view = current_view(store, now, incident_id=record.id, window=31)
    assert list(view.events) == whole and not view.earlier
    # The type filter applies before the window: earlier events of that type stay reachable.
    view = current_view(store, now, incident_id=record.id, kinds={"probe_down"}, window=5)
    assert [e.kind for e in view.events] == ["probe_down"] * 5 and view.earlier
    assert view.events[-1] == whole[-2]


def test_last_firings_are_the_newest_in_the_window(store: Notebook) -> None:
    fired = [
        ("alert_fired", -30, "fp-1"), ("alert_fired", -10, "fp-1"),
        ("alert_resolved", -5, "fp-1"), ("alert_fired", 0, "fp-2"), ("alert_fired", 1, "fp-3"),
    ]  # fmt: skip
    record_events(store, [_event(k, m * H / 60, fingerprint=fp) for k, m, fp in fired])
    asked = [(fp, "") for fp in ("fp-1", "fp-2", "fp-3", "fp-4")]
    found = last_firings(store, asked, T0 - H, T0 + timedelta(1e-6))
    assert found == {("fp-1", ""): T0 - H / 6, ("fp-2", ""): T0}


class _Recorder:
    """A notebook whose connection writes down every statement it runs."""

    def __init__(self, store: Notebook) -> None:
        self.real = store.connection
        self.statements: list[tuple[str, Sequence[Any]]] = []

    @property
    def connection(self) -> _Recorder:
        return self

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.statements.append((sql, params))
        return self.real.execute(sql, params)


# Subqueries of the statements themselves; anything else scanned is a table read whole.
_SUBQUERIES = {"p", "comp"}


def _plans(store: Notebook, recorder: _Recorder) -> list[tuple[str, list[str]]]:
    plans = []
    for sql, params in recorder.statements:
        rows = store.connection.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        plans.append((sql, [str(row[3]) for row in rows]))
    recorder.statements.clear()
    return plans


def test_the_hot_queries_use_indexes_on_sqlite(tmp_path: Path) -> None:
    with open_notebook(tmp_path / "notebook.sqlite3") as store:
        record = _incident(store, "checkout errors", "fp-1", "fp-2")
        recorder = _Recorder(store)
        spy = cast(Notebook, recorder)
        # The timeline pane's window and the incident's whole timeline.
        current_view(spy, T0 + H, incident_id=record.id)
        incident_timeline(spy, record, T0 + H)
        timeline = _plans(store, recorder)
        # The weekly review's incidents.
        incidents_detected(spy, T0 - 7 * 24 * H, T0)
        missing_postmortems(spy, T0)
        review = _plans(store, recorder)
    assert any("timeline_events_component" in " ".join(p) for _, p in timeline)
    assert any("timeline_events_fingerprint_time" in " ".join(p) for _, p in timeline)
    for sql, plan in timeline + review:
        for line in plan:
            scanned = re.match(r"SCAN (\w+)", line)
            assert scanned is None or scanned.group(1) in _SUBQUERIES, (sql, plan)
    for sql, plan in timeline:
        for line in plan:
            # Events are found by incident, alert or component, never by time alone (a
            # time range from the detection on is every event of a long incident).
            if line.startswith("SEARCH timeline_events"):
                assert re.search(r"\((incident_id|fingerprint|component)=\?", line), (sql, line)
