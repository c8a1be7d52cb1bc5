"""bench/notebook_times.py at a tiny size: the notebook rows on both backends (a real
PostgreSQL copied from the SQLite notebook), and "not measured" with the reason when
PostgreSQL is not installed."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

import cockpit

BENCH = Path(cockpit.__file__).resolve().parent.parent / "bench"
TINY = dict(events=300, incidents=12, timeline_opens=4, reviews=2, notes=3)


def _notebook_times(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    import notebook_times

    return notebook_times


def test_the_notebook_rows_are_measured_on_both_backends(
    pg_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = _notebook_times(monkeypatch)
    rows = bench.measure(bench.NotebookSizes(**TINY))
    for backend in ("sqlite", "postgresql"):
        for what in ("timeline", "review", "note"):
            row = rows[f"notebook_{backend}_{what}_p99"]
            assert row.figure is not None and row.figure > 0, row
    assert "fsync on" in rows["notebook_postgresql_timeline_p99"].note
    assert "300 events, 12 incidents" in rows["notebook_sqlite_timeline_p99"].note


def test_without_postgresql_its_rows_say_why(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = _notebook_times(monkeypatch)
    monkeypatch.setattr(bench, "find_bin_dir", lambda: None)
    rows = bench.measure(bench.NotebookSizes(**TINY))
    assert rows["notebook_sqlite_note_p99"].figure is not None
    for what in ("timeline", "review", "note"):
        row = rows[f"notebook_postgresql_{what}_p99"]
        assert row.figure is None
        assert row.note == "not measured: PostgreSQL not installed (apt-get install postgresql)"
