"""Issue 20's rig itself (tests/integration/clusters.py): the Alertmanager pair gossips, the
third stands alone, one process stops and starts without the others noticing, and the two
Prometheus servers hold different series."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from .clusters import ALONE, PAIR, AlertmanagerRig, PrometheusRig, alert
from .conftest import wait_for

pytestmark = pytest.mark.integration


def silence_ids(rig: AlertmanagerRig, name: str) -> set[str]:
    """The active silences' ids, as `amtool silence query` on that peer says them."""
    return set(rig.amtool(name, "silence", "query", "--quiet").split())


def add_silence(rig: AlertmanagerRig, name: str) -> str:
    marker = uuid.uuid4().hex[:12]
    out = rig.amtool(name, "silence", "add", f"test={marker}",
                     "--comment=clusters rig", "--author=rig", "--duration=10m")  # fmt: skip
    return out.strip()


def refuses(url: str) -> bool:
    try:
        httpx.get(f"{url}/-/ready", timeout=2)
    except httpx.TransportError:
        return True
    return False


def test_a_silence_made_on_one_peer_is_queried_on_the_other(am_clusters: AlertmanagerRig) -> None:
    first, second = PAIR
    made = add_silence(am_clusters, first)
    assert made in silence_ids(am_clusters, first)
    wait_for(f"silence {made} on {second}",
             lambda: made in silence_ids(am_clusters, second), timeout=15)  # fmt: skip
    # The third Alertmanager is in no cluster: nothing reaches it.
    assert made not in silence_ids(am_clusters, ALONE)
    assert json.loads(am_clusters.amtool(ALONE, "silence", "query", "-o", "json")) == []


def test_alerts_go_to_the_peers_they_are_posted_to(am_clusters: AlertmanagerRig) -> None:
    both, alone = alert("RigBoth"), alert("RigAlone")
    am_clusters.post_alerts(PAIR, [both])
    am_clusters.post_alerts([ALONE], [alone])

    def names(peer: str) -> set[str]:
        return {a["labels"]["test"] for a in am_clusters.alerts(peer)}

    for peer in PAIR:
        assert both["labels"]["test"] in names(peer)
        assert alone["labels"]["test"] not in names(peer)
    assert names(ALONE) >= {alone["labels"]["test"]}
    assert both["labels"]["test"] not in names(ALONE)


def test_a_stopped_peer_comes_back_into_its_cluster(am_clusters: AlertmanagerRig) -> None:
    first, second = PAIR
    am_clusters.stop(second)
    assert refuses(am_clusters.url(second))
    made = add_silence(am_clusters, first)  # made while the other peer is down
    assert not refuses(am_clusters.url(ALONE))
    am_clusters.start(second)
    wait_for(f"silence {made} on {second} after its restart",
             lambda: made in silence_ids(am_clusters, second), timeout=15)  # fmt: skip


def test_stopping_the_third_leaves_the_pair_and_restore_starts_it(
    am_clusters: AlertmanagerRig,
) -> None:
    am_clusters.stop(ALONE)
    assert refuses(am_clusters.url(ALONE))
    assert not am_clusters.running(ALONE)
    for peer in PAIR:
        assert not refuses(am_clusters.url(peer))
    assert am_clusters.clusters_formed()
    # What the fixture does after each test:
    assert am_clusters.restore() == [ALONE]
    assert all(am_clusters.running(name) for name in (*PAIR, ALONE))
    assert not refuses(am_clusters.url(ALONE))


def test_each_prometheus_holds_only_its_own_series(two_prometheus: PrometheusRig) -> None:
    for name, other in (("a", "b"), ("b", "a")):
        assert two_prometheus.query(name, f'up{{job="{name}"}}')
        assert two_prometheus.query(name, f'up{{job="{other}"}}') == []
        # The fixture waited for a rate on its own requests: a ratio SLO has a value.
        rate = two_prometheus.query(
            name, f'sum(rate(prometheus_http_requests_total{{job="{name}"}}[5m]))'
        )
        assert float(rate[0]["value"][1]) > 0


def test_stopping_one_prometheus_leaves_the_other(two_prometheus: PrometheusRig) -> None:
    two_prometheus.stop("b")
    assert refuses(two_prometheus.url("b"))
    assert two_prometheus.query("a", 'up{job="a"}')
    assert two_prometheus.restore() == ["b"]
    assert two_prometheus.query("b", 'up{job="b"}')
