"""bench/rows.py: a row's ratio and mark, p99, and "not measured" rows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import cockpit

ROWS = Path(cockpit.__file__).resolve().parent.parent / "bench" / "rows.py"


def _rows() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_rows", ROWS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_figure_is_met_at_or_under_its_goal() -> None:
    rows = _rows()
    over = rows.row("pane_refresh_1pct", 32.0)
    assert (over.ratio, over.met) == (2.0, False)
    at = rows.row("pane_refresh_1pct", 16.0)
    assert (at.ratio, at.met) == (1.0, True)


def test_a_ratio_goal_is_against_the_peer() -> None:
    rows = _rows()
    slower = rows.row("cli_alerts_json_vs_amtool", 1.2, peer=1.0)
    assert slower.ratio == 1.2 and not slower.met
    faster = rows.row("import_ui_vs_textual", 300.0, peer=250.0)  # goal 1.5x
    assert faster.ratio == 1.2 and faster.met
    assert faster.as_json()["peer"] == 250.0


def test_not_measured_says_why_and_is_not_met() -> None:
    rows = _rows()
    row = rows.not_measured("notebook_postgresql_note_p99", "no PostgreSQL backend yet")
    value = row.as_json()
    assert value["figure"] is None and value["ratio"] is None and value["met"] is False
    assert value["note"] == "not measured: no PostgreSQL backend yet"
    assert "| notebook_postgresql_note_p99 |" in rows.table({"notebook_postgresql_note_p99": row})


def test_p99_is_the_nearest_rank() -> None:
    rows = _rows()
    assert rows.p99([float(n) for n in range(1, 201)]) == 198.0
    assert rows.p99([3.0, 1.0, 2.0]) == 3.0  # fewer than 100: the largest
