"""`bench/run.py --quick --json F` runs on the real binaries and writes every row of
issue 18's table: a number, or an explicit "not measured" with the reason."""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cockpit
from cockpit.demo.stack import find_binary
from tests.integration.conftest import REQUIRE

REPO = Path(cockpit.__file__).resolve().parent.parent
BENCH = REPO / "bench"


def _goals() -> dict[str, tuple[str, str, float, str]]:
    spec = importlib.util.spec_from_file_location("bench_rows", BENCH / "rows.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    goals: dict[str, tuple[str, str, float, str]] = module.GOALS
    return goals


def _need_binaries() -> None:
    missing = [p for p in ("prometheus", "alertmanager") if find_binary(p) is None]
    missing += [] if shutil.which("amtool") else ["amtool"]
    if missing:
        message = f"{' and '.join(missing)} not installed"
        if REQUIRE:
            pytest.fail(f"COCKPIT_REQUIRE_REAL_STACK=1 but {message}")
        pytest.skip(message)


def test_quick_bench_writes_every_row(tmp_path: Path) -> None:
    _need_binaries()
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--json", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads(out.read_text())
    goals = _goals()
    assert list(rows) == list(goals)  # every row, in the order
    for key, value in rows.items():
        assert set(value) >= {"figure", "unit", "goal", "ratio", "met", "note"}, key
        assert value["unit"] == goals[key][1] and value["goal"] == goals[key][2], key
        assert isinstance(value["met"], bool), key
        figure = value["figure"]
        if figure is None:
            assert value["note"].startswith("not measured: "), key
            assert len(value["note"]) > len("not measured: "), key
            assert value["met"] is False and value["ratio"] is None, key
        else:
            assert isinstance(figure, (int, float)) and math.isfinite(figure), key
            assert isinstance(value["ratio"], (int, float)), key
    # Every row is measured; only the PostgreSQL rows may say why not, where PostgreSQL
    # is not installed (never under COCKPIT_REQUIRE_REAL_STACK=1, as in CI).
    missing = {k for k, v in rows.items() if v["figure"] is None}
    allowed = set() if REQUIRE else {k for k in goals if k.startswith("notebook_postgresql_")}
    assert missing <= allowed, {k: rows[k]["note"] for k in missing}
    # The table printed to stdout has the same rows.
    for key in goals:
        assert f"| {key} |" in result.stdout
