"""bench/alertmanagers.py: the clusters rows' cockpit config and amtool peer (issue 20)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

import cockpit
from cockpit.config import load

MODULE = Path(cockpit.__file__).resolve().parent.parent / "bench" / "alertmanagers.py"


def _alertmanagers() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_alertmanagers", MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_peer_counts_the_sum_of_one_run_against_every_alertmanager() -> None:
    peer_seconds = _alertmanagers().peer_seconds
    # Three runs against five Alertmanagers: the best run's sum, not the sum of the best
    # of each (2.0 + ... would mix runs) nor the best single query.
    runs = [[0.3, 0.2, 0.2, 0.2, 0.3], [0.2, 0.4, 0.2, 0.2, 0.2], [0.5, 0.2, 0.2, 0.2, 0.2]]
    assert peer_seconds(runs) == pytest.approx(1.2)
    assert peer_seconds([[0.25]]) == 0.25
    with pytest.raises(ValueError):
        peer_seconds([])
    with pytest.raises(ValueError):
        peer_seconds([[0.1], []])


def test_the_config_names_one_cluster_per_alertmanager(tmp_path: Path) -> None:
    bench = _alertmanagers()
    urls = [f"http://127.0.0.1:{9000 + n}" for n in range(5)]
    path = tmp_path / "clusters.toml"
    path.write_text(bench.cockpit_toml(urls))
    config = load(path)
    assert [(a.name, a.url) for a in config.alertmanagers] == list(
        zip(["c1", "c2", "c3", "c4", "c5"], urls, strict=True)
    )
    assert config.prometheus is None  # amtool asks only the Alertmanagers: so does this


def test_amtool_asks_each_alertmanager_once_for_every_alert() -> None:
    commands = _alertmanagers().amtool_commands("amtool", ["http://a:1", "http://b:2"])
    assert [c[-1] for c in commands] == ["--alertmanager.url=http://a:1",
                                         "--alertmanager.url=http://b:2"]  # fmt: skip
    for command in commands:
        assert {"--active", "--silenced", "--inhibited"} <= set(command)
        assert command[1:5] == ["alert", "query", "-o", "json"]
