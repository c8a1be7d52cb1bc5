"""Burn rows that start or stop firing become burn_started / burn_stopped events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cockpit.model.freshness import Freshness
from cockpit.model.slo import WORKBOOK_ROWS, ErrorBudget, evaluate_rows
from cockpit.model.slo_definition import SloDefinition
from cockpit.model.snapshots import SloSnapshot, SloStatus
from cockpit.services.transition_writes import record_burn_changes
from cockpit.services.transitions import burn_baseline, burn_transitions, row_name
from cockpit.store import open_notebook
from cockpit.store.events import latest_events

AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WINDOW = timedelta(days=30)
SLO = SloDefinition("api-availability", "api", 99.9, WINDOW, "ratio", good="g", total="t")
OTHER = SloDefinition("web-latency", "", 99.9, WINDOW, "ratio", good="g", total="t")
H1, M5 = timedelta(hours=1), timedelta(minutes=5)
PAGE_1H = "page 1h/5m"


def _status(
    slo: SloDefinition = SLO,
    ratios: dict[timedelta, float | None] | None = None,
    error: str | None = None,
    sli: float | None = 0.9995,
) -> SloStatus:
    objective = slo.objective / 100
    rows = evaluate_rows(WORKBOOK_ROWS, slo.window, objective, ratios or {})
    return SloStatus(slo, ErrorBudget(objective, slo.window, sli), error, rows=rows)


def _burning(slo: SloDefinition = SLO, short: float | None = 0.02) -> SloStatus:
    # 2 % errors on a 99.9 % SLO: 20x over 1 h and 5 m (page row at 14.4x), calm elsewhere.
    return _status(slo, {H1: 0.02, M5: short, timedelta(hours=6): 0.0, timedelta(minutes=30): 0.0})


def _calm(slo: SloDefinition = SLO) -> SloStatus:
    return _status(slo, {H1: 0.0005, M5: 0.0, timedelta(hours=6): 0.0})


def _snap(*statuses: SloStatus) -> SloSnapshot:
    return SloSnapshot(statuses, Freshness().succeeded(AT))


def test_row_name_is_severity_and_windows() -> None:
    assert [row_name(r) for r in WORKBOOK_ROWS] == [
        "page 1h/5m", "page 6h/30m", "ticket 1d/2h", "ticket 3d/6h",
    ]  # fmt: skip


def test_first_good_answer_only_sets_the_baseline() -> None:
    snapshot = _snap(_burning())
    assert burn_transitions({}, snapshot, AT) == []
    assert burn_baseline({}, snapshot) == {"api-availability": frozenset({PAGE_1H})}


def test_started_then_stopped() -> None:
    before = burn_baseline({}, _snap(_calm()))
    assert before == {"api-availability": frozenset()}
    events = burn_transitions(before, _snap(_burning()), AT)
    assert [(e.kind, e.subject, e.component) for e in events] == [
        ("burn_started", "api-availability", "api")
    ]
    started = events[0]
    assert started.source == "slo"
    assert started.occurred_at == AT
    assert dict(started.labels) == {
        "slo": "api-availability", "service": "api", "severity": "page", "row": PAGE_1H,
    }  # fmt: skip
    assert started.body == (
        "api-availability: page 1h/5m at 14.4x burning (burn 1h 20.0x, 5m 20.0x; budget left 50.0%)"
    )
    firing = burn_baseline(before, _snap(_burning()))
    assert burn_transitions(firing, _snap(_burning()), AT) == []  # still firing: no news
    # The short window recovers first: the row stops even though 1 h still burns.
    events = burn_transitions(firing, _snap(_burning(short=0.0)), AT)
    assert [e.kind for e in events] == ["burn_stopped"]
    assert events[0].body.startswith("api-availability: page 1h/5m at 14.4x stopped burning")
    assert "1h 20.0x, 5m 0.0x" in events[0].body


def test_an_slo_with_an_error_neither_writes_nor_moves_its_baseline() -> None:
    before = {"api-availability": frozenset({PAGE_1H})}
    broken = _snap(_status(error="bad query"))
    assert burn_transitions(before, broken, AT) == []
    assert burn_baseline(before, broken) == before
    # The next good answer is compared with the last good one.
    assert [e.kind for e in burn_transitions(before, _snap(_calm()), AT)] == ["burn_stopped"]


def test_unknown_burn_keeps_the_rows_last_state() -> None:
    """No data for a window is a gap, not a recovery (nor a start)."""
    before = {"api-availability": frozenset({PAGE_1H})}
    gap = _snap(_status(ratios={H1: 0.02, M5: None}, sli=None))
    assert burn_transitions(before, gap, AT) == []
    assert burn_baseline(before, gap) == before
    assert burn_transitions({"api-availability": frozenset()}, gap, AT) == []


def test_each_slo_has_its_own_baseline() -> None:
    before = burn_baseline({}, _snap(_calm()))
    # web-latency is seen for the first time while burning: baseline only, no event.
    snapshot = _snap(_burning(), _burning(OTHER))
    events = burn_transitions(before, snapshot, AT)
    assert [(e.kind, e.subject) for e in events] == [("burn_started", "api-availability")]
    after = burn_baseline(before, snapshot)
    assert after["web-latency"] == frozenset({PAGE_1H})
    events = burn_transitions(after, _snap(_burning(), _calm(OTHER)), AT)
    assert [(e.kind, e.subject, e.component) for e in events] == [
        ("burn_stopped", "web-latency", None)  # no service: no component, no service label
    ]
    assert "service" not in events[0].labels


def test_recorder_writes_the_events(notebook_target: str | Path) -> None:
    with open_notebook(notebook_target) as store:
        before = burn_baseline({}, _snap(_calm()))
        assert record_burn_changes(store, before, _snap(_calm())) == 0
        assert record_burn_changes(store, before, _snap(_burning())) == 1
        [event] = latest_events(store)
        assert (event.kind, event.subject, event.component) == (
            "burn_started", "api-availability", "api",
        )  # fmt: skip
        assert event.labels["row"] == PAGE_1H
