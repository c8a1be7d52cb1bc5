"""Budget snapshots land in the notebook every few minutes, for the handoff's "at start"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cockpit.model.freshness import Freshness
from cockpit.model.slo import ErrorBudget
from cockpit.model.slo_definition import SloDefinition
from cockpit.model.snapshots import SloSnapshot, SloStatus
from cockpit.services.transition_writes import SNAPSHOT_EVERY, record_budget_snapshots
from cockpit.store import open_notebook
from cockpit.store.slo_snapshots import snapshot_at

START = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
SLO = SloDefinition("api", "api", 99.9, timedelta(days=30), "ratio", good="g", total="t")


def _snapshot(sli: float | None, error: str | None = None) -> SloSnapshot:
    status = SloStatus(SLO, ErrorBudget(0.999, SLO.window, sli), error, burn_1h=2.0)
    return SloSnapshot((status,), Freshness().succeeded(START))


def test_snapshots_are_spaced_and_read_back_at_a_time(notebook_target: str | Path) -> None:
    with open_notebook(notebook_target) as store:
        assert record_budget_snapshots(store, _snapshot(0.9995), START)
        # Too soon: nothing written.
        assert not record_budget_snapshots(store, _snapshot(0.9990), START + timedelta(minutes=1))
        later = START + SNAPSHOT_EVERY
        assert record_budget_snapshots(store, _snapshot(0.9990), later)
        at_start = snapshot_at(store, "api", START + timedelta(minutes=2))
        assert at_start is not None
        assert at_start.sli == 0.9995
        assert at_start.budget_remaining is not None
        assert abs(at_start.budget_remaining - 0.5) < 1e-9
        assert at_start.burn_1h == 2.0
        assert at_start.taken_at == START
        now = snapshot_at(store, "api", later)
        assert now is not None and now.sli == 0.9990
        assert snapshot_at(store, "api", START - timedelta(seconds=1)) is None


def test_no_data_or_errors_are_not_recorded(notebook_target: str | Path) -> None:
    with open_notebook(notebook_target) as store:
        assert not record_budget_snapshots(store, _snapshot(None), START)
        assert not record_budget_snapshots(store, _snapshot(0.99, "query refused"), START)
        assert snapshot_at(store, "api", START) is None
