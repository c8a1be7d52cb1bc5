"""bench/alertmanagers.py on the real binary: the clusters rows' Alertmanagers answer,
hold the alerts POSTed, and are stopped on leaving, also when the bench fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest

import cockpit
from cockpit.demo.stack import find_binary
from tests.integration.conftest import REQUIRE

BENCH = Path(cockpit.__file__).resolve().parent.parent / "bench"


def _alertmanagers() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_alertmanagers", BENCH / "alertmanagers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_alertmanagers_are_stopped_also_on_an_error(tmp_path: Path) -> None:
    if find_binary("alertmanager") is None:
        if REQUIRE:
            pytest.fail("COCKPIT_REQUIRE_REAL_STACK=1 but alertmanager is not installed")
        pytest.skip("alertmanager not installed")
    bench = _alertmanagers()
    alert = {"labels": {"alertname": "BenchTest"}, "annotations": {}}
    failing = pytest.raises(RuntimeError, match="the bench failed")
    with failing, bench.Alertmanagers(2, tmp_path) as servers:
        processes = list(servers.processes)
        assert len(servers.urls) == len(set(servers.urls)) == 2
        for url in servers.urls:
            httpx.post(f"{url}/api/v2/alerts", json=[alert], timeout=10).raise_for_status()
        servers.wait_for_alerts(1, timeout=30)
        raise RuntimeError("the bench failed")
    assert len(processes) == 2
    assert all(p.returncode is not None for p in processes)
    for url in servers.urls:
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{url}/-/ready", timeout=2)
