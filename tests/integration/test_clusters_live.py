"""Issue 20's Done-when on real binaries: a cockpit over an Alertmanager HA pair ("eu"), a
third Alertmanager on its own ("data") and two Prometheus servers ("a", "b") with an SLO on
each (the rig: tests/integration/clusters.py). Alerts, acks and SLOs go through the
cockpit's own services, the alert list through the CLI as a process of its own."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from cockpit.config import Config, load
from cockpit.exit_codes import EXIT_OK, EXIT_PARTIAL
from cockpit.model.alerts import Alert
from cockpit.model.snapshots import AlertSnapshot
from cockpit.services import alert_actions
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.slo_poll import SloPoller
from cockpit.sources.clients import async_client

from .clusters import ALONE, PAIR, AlertmanagerRig, PrometheusRig, alert
from .conftest import wait_for

pytestmark = pytest.mark.integration

T = TypeVar("T")


def _q(text: str) -> str:
    return json.dumps(text)


def config_text(ams: AlertmanagerRig, proms: PrometheusRig | None = None) -> str:
    lines = [
        "[oncall]", 'me = "tester"', 'timezone = "UTC"', "",
        "[[alertmanager]]", 'name = "eu"',
        f"urls = [{', '.join(_q(url) for url in ams.pair)}]",
        'refresh = "2s"', 'timeout = "2s"', "",
        "[[alertmanager]]", 'name = "data"', f"url = {_q(ams.url(ALONE))}",
        'refresh = "2s"', 'timeout = "2s"',
    ]  # fmt: skip
    for name in ("a", "b") if proms is not None else ():
        assert proms is not None
        lines += ["", "[[prometheus]]", f"name = {_q(name)}", f"url = {_q(proms.url(name))}",
                  'refresh = "2s"', 'timeout = "2s"']  # fmt: skip
    for name in ("a", "b") if proms is not None else ():
        requests = f'prometheus_http_requests_total{{job="{name}"'
        lines += [
            "", "[[slo]]", f'name = "{name}-availability"', f"prometheus = {_q(name)}",
            f"service = {_q(name)}", "objective = 99.0", 'window = "30d"', 'sli = "ratio"',
            "good = " + _q(f'sum(rate({requests},code!~"5.."}}[{{{{window}}}}]))'),
            "total = " + _q(f"sum(rate({requests}}}[{{{{window}}}}]))"),
        ]  # fmt: skip
    return "\n".join(lines) + "\n"


@pytest.fixture
def config_path(
    am_clusters: AlertmanagerRig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    path = tmp_path / "clusters.toml"
    path.write_text(config_text(am_clusters))
    monkeypatch.setenv("COCKPIT_CONFIG", str(path))
    return path


@pytest.fixture
def config(config_path: Path) -> Config:
    return load(config_path)


def run(factory: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    async def go() -> T:
        async with async_client() as client:
            return await factory(client)

    return asyncio.run(go())


def ours(snapshot: AlertSnapshot, posted: dict[str, Any]) -> list[Alert]:
    return [a for a in snapshot.alerts if a.labels.get("test") == posted["labels"]["test"]]


def polled_one(poller: AlertPoller, posted: dict[str, Any]) -> Alert:
    """The posted alert as the poll shows it (waited for: a fresh post is read at once)."""
    found = wait_for(f"alert {posted['labels']['test']} in the poll",
                     lambda: ours(run(poller.poll), posted), timeout=10)  # fmt: skip
    assert len(found) == 1, found
    return found[0]


def cli_alerts(*args: str, code: int = EXIT_OK) -> tuple[list[dict[str, Any]], str]:
    """`cockpit alerts --json`, a process of its own reading COCKPIT_CONFIG: its rows and
    its stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "cockpit", "alerts", "--json", *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows, done.stderr


def tagged(rows: list[dict[str, Any]], posted: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in rows if r["labels"].get("test") == posted["labels"]["test"]]


def silence_ids(rig: AlertmanagerRig, name: str) -> set[str]:
    return set(rig.amtool(name, "silence", "query", "--quiet").split())


def test_an_alert_on_both_peers_is_one_row_and_the_thirds_has_its_cluster(
    am_clusters: AlertmanagerRig, config: Config
) -> None:
    both, third = alert("ClusterPair", severity="warning"), alert("ClusterData")
    am_clusters.post_alerts(PAIR, [both])
    am_clusters.post_alerts([ALONE], [third])
    # Each peer has it (Alertmanagers do not gossip alerts): two answers, one alert.
    for peer in PAIR:
        assert [a for a in am_clusters.alerts(peer) if a["labels"] == both["labels"]]

    poller = AlertPoller(config)
    assert polled_one(poller, both).cluster == "eu"
    assert polled_one(poller, third).cluster == "data"


@pytest.mark.usefixtures("config_path")
def test_cli_alerts_json_shows_one_row_each_with_its_cluster(am_clusters: AlertmanagerRig) -> None:
    both, third = alert("ClusterPairCli"), alert("ClusterDataCli")
    am_clusters.post_alerts(PAIR, [both])
    am_clusters.post_alerts([ALONE], [third])
    rows, _ = cli_alerts()
    pair_rows, third_rows = tagged(rows, both), tagged(rows, third)
    assert len(pair_rows) == 1, pair_rows
    assert len(third_rows) == 1, third_rows
    assert pair_rows[0].get("cluster") == "eu", pair_rows[0]
    assert third_rows[0].get("cluster") == "data", third_rows[0]


def test_an_ack_from_the_cockpit_shows_on_both_peers(
    am_clusters: AlertmanagerRig, config: Config
) -> None:
    posted = alert("ClusterAck")
    am_clusters.post_alerts(PAIR, [posted])
    target = polled_one(AlertPoller(config), posted)
    outcome = run(lambda c: alert_actions.ack(c, config, target, datetime.now(UTC)))
    assert outcome.created
    for peer in PAIR:  # the one it was written to at once, the other by gossip
        wait_for(f"the ack {outcome.silence_id} in `amtool silence query` on {peer}",
                 lambda peer=peer: outcome.silence_id in silence_ids(am_clusters, peer),
                 timeout=15)  # fmt: skip
    assert outcome.silence_id not in silence_ids(am_clusters, ALONE)


def test_an_ack_goes_to_the_alerts_own_cluster(
    am_clusters: AlertmanagerRig, config: Config
) -> None:
    posted = alert("ClusterAckData")
    am_clusters.post_alerts([ALONE], [posted])
    target = polled_one(AlertPoller(config), posted)
    assert target.cluster == "data"
    outcome = run(lambda c: alert_actions.ack(c, config, target, datetime.now(UTC)))
    assert outcome.silence_id in silence_ids(am_clusters, ALONE), (
        "the ack of data's alert is not in data's Alertmanager"
    )
    for peer in PAIR:
        assert outcome.silence_id not in silence_ids(am_clusters, peer)


def test_an_ack_with_the_first_peer_down_goes_to_the_second(
    am_clusters: AlertmanagerRig, config: Config
) -> None:
    first, second = PAIR
    posted = alert("ClusterAckFailover")
    am_clusters.post_alerts(PAIR, [posted])
    poller = AlertPoller(config)
    target = polled_one(poller, posted)
    am_clusters.stop(first)
    # The pair still answers through its second peer: its alerts stay fresh.
    snapshot = run(poller.poll)
    assert snapshot.clusters["eu"].error is None, snapshot.clusters["eu"].error
    outcome = run(lambda c: alert_actions.ack(c, config, target, datetime.now(UTC)))
    assert outcome.silence_id in silence_ids(am_clusters, second)
    am_clusters.start(first)
    wait_for(f"the ack {outcome.silence_id} on {first} once it is back",
             lambda: outcome.silence_id in silence_ids(am_clusters, first),
             timeout=15)  # fmt: skip


def test_stopping_the_third_marks_only_its_cluster_stale(
    am_clusters: AlertmanagerRig, config: Config
) -> None:
    pair, third = alert("ClusterStalePair"), alert("ClusterStaleData")
    am_clusters.post_alerts(PAIR, [pair])
    am_clusters.post_alerts([ALONE], [third])
    poller = AlertPoller(config)
    polled_one(poller, pair)
    before = run(poller.poll)
    assert ours(before, third) and before.stale_clusters() == {}

    am_clusters.stop(ALONE)
    after = run(poller.poll)
    stale = after.stale_clusters()
    assert set(stale) == {"data"}, stale
    assert after.clusters["eu"].error is None
    assert after.freshness.error is None  # the pane as a whole still answers
    # data's rows are its last known ones, kept (marked stale by their cluster), not blank.
    kept = ours(after, third)
    assert [a.cluster for a in kept] == ["data"]
    assert [a.cluster for a in ours(after, pair)] == ["eu"]


@pytest.mark.usefixtures("config_path")
def test_cli_alerts_with_the_third_stopped_is_partial_and_names_it(
    am_clusters: AlertmanagerRig,
) -> None:
    pair = alert("ClusterStaleCli")
    am_clusters.post_alerts(PAIR, [pair])
    am_clusters.stop(ALONE)
    rows, err = cli_alerts(code=EXIT_PARTIAL)
    assert [r.get("cluster") for r in tagged(rows, pair)] == ["eu"]
    assert "cluster data did not answer" in err, err
    # Asked about the pair alone, the answer is whole.
    rows, err = cli_alerts("--cluster", "eu")
    assert [r.get("cluster") for r in tagged(rows, pair)] == ["eu"]
    assert err == ""


@pytest.fixture
def slo_config(
    am_clusters: AlertmanagerRig, two_prometheus: PrometheusRig, tmp_path: Path
) -> Config:
    path = tmp_path / "slos.toml"
    path.write_text(config_text(am_clusters, two_prometheus))
    return load(path)


def test_stopping_one_prometheus_leaves_the_others_slos_fresh(
    two_prometheus: PrometheusRig, slo_config: Config
) -> None:
    assert [s.prometheus for s in slo_config.slos] == ["a", "b"]
    poller = SloPoller(slo_config)

    def each_from_its_server() -> object:
        snapshot = poller.poll()
        return snapshot if all(s.budget.sli is not None for s in snapshot.slos) else None

    # job="a" is only in a and job="b" only in b: both SLIs come only if each SLO asks its own.
    wait_for("each SLO's SLI from its own Prometheus", each_from_its_server, timeout=20)

    two_prometheus.stop("b")
    snapshot = poller.poll()
    servers = snapshot.servers  # each server's freshness
    assert servers["a"].error is None, servers["a"].error
    assert servers["b"].error is not None
    assert snapshot.freshness.error is None  # only some servers failed
    by_name = {s.slo.name: s for s in snapshot.slos}
    fresh, stale = by_name["a-availability"], by_name["b-availability"]
    assert fresh.error is None and fresh.budget.sli is not None
    # b's SLO keeps its last values, marked with why they are old.
    assert stale.budget.sli is not None
    assert stale.error is not None
