"""Issue 20: several Alertmanager clusters (an HA pair's peers among them) and several
Prometheus servers in one config, one poll, one filter and the writes; the error paths
against httpx.MockTransport (the real binaries are in tests/integration)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from cockpit.config import Config, ConfigError, Endpoint, parse
from cockpit.model.alerts import Alert
from cockpit.model.matchers import MatcherError, parse_filter, parse_matchers
from cockpit.services import alert_actions
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.alert_rows import AlertView, alert_rows
from cockpit.sources import alertmanager
from cockpit.sources.errors import SourceError, Unreachable

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
TWO_CLUSTERS = """
[oncall]
me = "alice"
[[alertmanager]]
name = "eu"
urls = ["http://eu-1.test:9093", "http://eu-2.test:9093/"]
[[alertmanager]]
name = "data"
url = "http://data.test:9093"
[[prometheus]]
name = "eu"
url = "http://prom-eu.test:9090"
[[prometheus]]
name = "data"
url = "http://prom-data.test:9090"
"""


def config_of(text: str, tmp_path: Path) -> Config:
    return parse(tomllib.loads(text), tmp_path / "cockpit.toml")


def problems(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config_of(text, tmp_path)
    return [f"{p.key}: {p.reason}" for p in caught.value.problems]


# -- config ---------------------------------------------------------------------
def test_lists_of_alertmanagers_and_prometheus_servers(tmp_path: Path) -> None:
    config = config_of(TWO_CLUSTERS, tmp_path)
    assert config.clusters == ("eu", "data")
    eu, data = config.alertmanagers
    assert eu.peers == ("http://eu-1.test:9093", "http://eu-2.test:9093")
    assert eu.url == "http://eu-1.test:9093" and data.peers == ("http://data.test:9093",)
    assert config.alertmanager is eu  # the first, for code that knows one
    assert [p.name for p in config.prometheus_servers] == ["eu", "data"]
    assert config.prometheus_named("data") is config.prometheus_servers[1]
    assert (
        config.prometheus_named("") is config.prometheus and config.alertmanager_named("x") is None
    )


def test_the_single_table_form_is_a_list_of_one_named_default(tmp_path: Path) -> None:
    config = config_of('[alertmanager]\nurl = "http://am.test:9093"\n', tmp_path)
    assert config.clusters == ("default",) and config.alertmanager is config.alertmanagers[0]
    assert config.prometheus is None and config.prometheus_servers == ()


def test_an_slo_names_its_prometheus_and_a_probe_its_cluster(tmp_path: Path) -> None:
    text = (
        TWO_CLUSTERS
        + """
[[slo]]
name = "ingest"
objective = 99.9
total = "sum(rate(t[{{window}}]))"
bad = "sum(rate(b[{{window}}]))"
prometheus = "data"
[[probe]]
name = "api"
url = "http://api.test/health"
cluster = "eu"
"""
    )
    config = config_of(text, tmp_path)
    assert config.slos[0].prometheus == "data" and config.probes[0].cluster == "eu"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[alertmanager]]\nurl="http://a:1"\n[[alertmanager]]\nname="b"\nurl="http://b:1"\n',
         "alertmanager[0].name: required key is missing"),
        ('[[alertmanager]]\nname="a"\nurl="http://a:1"\n[[alertmanager]]\nname="a"\nurl="http://b:1"\n',
         "alertmanager[1].name: 'a' is used twice; names must be unique"),
        ('[alertmanager]\nurl="http://a:1"\nurls=["http://b:1"]\n',
         "alertmanager.urls: give either url (one server) or urls (its HA peers), not both"),
        ('[alertmanager]\nurls=["http://a:1", "http://a:1"]\n',
         "alertmanager.urls: a URL is listed twice"),
        ('[alertmanager]\nurls=[]\n', "alertmanager.urls: an empty list: give at least one URL"),
        ('[alertmanager]\nurls=["ftp://a:1"]\n',
         "alertmanager.urls[0]: 'ftp://a:1' is not a URL"),
        ('[prometheus]\nname="eu west"\nurl="http://a:1"\n',
         "prometheus.name: 'eu west' is not a plain name"),
        ('[[prometheus]]\nname="a"\nurl="http://a:1"\n[[slo]]\nname="x"\nobjective=99.0\n'
         'total="t[{{window}}]"\nbad="b[{{window}}]"\nprometheus="b"\n',
         "slo[0].prometheus: no [[prometheus]] is named 'b' ('a')"),
    ],
)  # fmt: skip
def test_config_mistakes_name_the_entry_and_key(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(text, tmp_path)
    assert any(p.startswith(expected) for p in found), found


# -- the poll ---------------------------------------------------------------------
def am_alert(fp: str, name: str = "A", **labels: str) -> dict[str, Any]:
    return {
        "labels": {"alertname": name, "severity": "warning", **labels},
        "annotations": {"summary": f"{name} {fp}"},
        "startsAt": "2026-12-05T11:00:00Z",
        "fingerprint": fp,
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
    }


Answer = Callable[[httpx.Request], httpx.Response]


def servers(routes: dict[str, dict[str, Any] | None]) -> Answer:
    """host -> {path: JSON answer}; a host mapped to None refuses the connection."""

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host not in routes or routes[host] is None:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        answers = routes[host] or {}
        if request.method == "POST":
            answers.setdefault("posted", []).append(json.loads(request.content))
            return httpx.Response(200, json={"silenceID": f"s-{host}"})
        if request.url.path not in answers:
            return httpx.Response(404)
        return httpx.Response(200, json=answers[request.url.path])

    return handler


def am(*alerts: dict[str, Any], silences: list[Any] | None = None) -> dict[str, Any]:
    return {"/api/v2/alerts": list(alerts), "/api/v2/silences": silences or []}


def prom(*pending: dict[str, Any]) -> dict[str, Any]:
    return {
        "/api/v1/alerts": {"status": "success", "data": {"alerts": list(pending)}},
        "/api/v1/rules": {"status": "success", "data": {"groups": []}},
    }


async def poll(poller: AlertPoller, routes: dict[str, dict[str, Any] | None]) -> Any:
    async with httpx.AsyncClient(transport=httpx.MockTransport(servers(routes))) as client:
        return await poller.poll(client)


async def test_an_ha_pair_shows_each_alert_once_and_another_cluster_its_own(
    tmp_path: Path,
) -> None:
    poller = AlertPoller(config_of(TWO_CLUSTERS, tmp_path))
    both = am_alert("f1", "OnBoth")
    routes = {
        "eu-1.test": am(both, am_alert("f2", "OnlyFirst")),
        "eu-2.test": am(both, am_alert("f3", "OnlySecond")),
        "data.test": am(am_alert("f1", "OnBoth")),  # the same labels in another cluster
        "prom-eu.test": prom(),
        "prom-data.test": prom(),
    }
    snapshot = await poll(poller, routes)
    seen = sorted((a.cluster, a.fingerprint) for a in snapshot.alerts)
    assert seen == [("data", "f1"), ("eu", "f1"), ("eu", "f2"), ("eu", "f3")]
    assert snapshot.freshness.ok and all(f.ok for f in snapshot.clusters.values())
    assert snapshot.peer_errors == {}
    rows = alert_rows(snapshot, AlertView())
    assert sorted(rows.keys) == ["data/f1", "eu/f1", "eu/f2", "eu/f3"]


async def test_one_cluster_down_is_stale_alone_and_keeps_its_last_alerts(tmp_path: Path) -> None:
    poller = AlertPoller(config_of(TWO_CLUSTERS, tmp_path))
    routes: dict[str, dict[str, Any] | None] = {
        "eu-1.test": am(am_alert("e1")), "eu-2.test": am(am_alert("e1")),
        "data.test": am(am_alert("d1")), "prom-eu.test": prom(), "prom-data.test": prom(),
    }  # fmt: skip
    await poll(poller, routes)
    routes["data.test"] = None
    snapshot = await poll(poller, routes)
    assert snapshot.freshness.error is None  # the pane as a whole is not stale
    assert snapshot.stale_clusters() == {"data": "connection refused"}
    assert snapshot.silences_error is None  # said once, as the cluster's staleness
    assert snapshot.clusters["eu"].ok
    assert sorted(a.fingerprint for a in snapshot.alerts) == ["d1", "e1"]  # the last known
    routes["eu-1.test"] = routes["eu-2.test"] = None
    everything = await poll(poller, routes)
    assert everything.freshness.error is not None
    assert "eu: http://eu-1.test:9093: connection refused" in everything.freshness.error
    assert "data: connection refused" in everything.freshness.error


async def test_one_peer_down_leaves_its_cluster_fresh_and_says_so(tmp_path: Path) -> None:
    poller = AlertPoller(config_of(TWO_CLUSTERS, tmp_path))
    routes: dict[str, dict[str, Any] | None] = {
        "eu-1.test": None, "eu-2.test": am(am_alert("e1"), silences=[_silence("s1")]),
        "data.test": am(), "prom-eu.test": prom(), "prom-data.test": prom(),
    }  # fmt: skip
    snapshot = await poll(poller, routes)
    assert snapshot.clusters["eu"].ok and [a.fingerprint for a in snapshot.alerts] == ["e1"]
    assert snapshot.peer_errors == {
        "eu": "1 of 2 peers answering (http://eu-1.test:9093: connection refused)"
    }
    # Silences come from the first peer that answers, marked with their cluster.
    assert [(s.id, s.cluster) for s in snapshot.silences] == [("s1", "eu")]


async def test_pending_alerts_carry_their_prometheus_name(tmp_path: Path) -> None:
    poller = AlertPoller(config_of(TWO_CLUSTERS, tmp_path))
    pending = {"labels": {"alertname": "Soon", "severity": "warning"}, "state": "pending"}
    routes: dict[str, dict[str, Any] | None] = {
        "eu-1.test": am(), "eu-2.test": am(), "data.test": am(),
        "prom-eu.test": prom(), "prom-data.test": prom(pending),
    }  # fmt: skip
    snapshot = await poll(poller, routes)
    assert [(a.name, a.state, a.cluster) for a in snapshot.alerts] == [("Soon", "pending", "data")]
    routes["prom-eu.test"] = None
    snapshot = await poll(poller, routes)
    assert snapshot.pending_error == "eu: connection refused"


def _silence(sid: str) -> dict[str, Any]:
    return {
        "id": sid, "status": {"state": "active"}, "createdBy": "bob", "comment": "c",
        "startsAt": "2026-12-05T11:00:00Z", "endsAt": "2026-12-05T13:00:00Z",
        "matchers": [{"name": "alertname", "value": "A", "isRegex": False, "isEqual": True}],
    }  # fmt: skip


# -- the filter -----------------------------------------------------------------------
def test_the_filter_takes_at_cluster_like_karma() -> None:
    eu = Alert("A", {"alertname": "A", "severity": "critical"}, cluster="eu")
    data = Alert("A", {"alertname": "A", "severity": "critical"}, cluster="data")
    for text, kept in [
        ("@cluster=eu", [eu]),
        ('@cluster!="eu"', [data]),
        ('@cluster=~"e.*|data" severity="critical"', [eu, data]),
        ("@cluster=nowhere", []),
    ]:
        view = AlertView(parse_filter(text))
        assert [a for a in (eu, data) if view.keeps(a, a.state)] == kept, text
    assert str(parse_filter("@cluster=eu api")) == '@cluster="eu" api'
    with pytest.raises(MatcherError, match="only cluster"):
        parse_filter("@region=eu")


# -- writes go to the alert's cluster, to one peer -----------------------------------------
async def test_an_ack_goes_to_its_clusters_first_peer_that_connects(tmp_path: Path) -> None:
    config = config_of(TWO_CLUSTERS, tmp_path)
    routes: dict[str, dict[str, Any] | None] = {
        "eu-1.test": None, "eu-2.test": am(), "data.test": am(),
    }  # fmt: skip
    alert = Alert("A", {"alertname": "A"}, fingerprint="f1", cluster="eu")
    async with httpx.AsyncClient(transport=httpx.MockTransport(servers(routes))) as client:
        done = await alert_actions.ack(client, config, alert, NOW)
    assert done.silence_id == "s-eu-2.test" and done.silence.cluster == "eu"
    assert len(routes["eu-2.test"]["posted"]) == 1  # type: ignore[index]
    assert "posted" not in routes["data.test"]  # type: ignore[operator]


async def test_a_write_is_not_sent_again_to_the_other_peer_after_a_timeout() -> None:
    tried: list[str] = []

    async def call(peer: Any) -> str:
        tried.append(peer.url)
        raise SourceError("timed out")

    endpoint = Endpoint("http://p1.test", name="pair", urls=("http://p1.test", "http://p2.test"))
    with pytest.raises(SourceError, match="timed out"):
        await alertmanager.on_peers(endpoint, call, write=True)
    assert tried == ["http://p1.test"]
    tried.clear()
    with pytest.raises(Unreachable, match="no peer of pair answered"):
        await alertmanager.on_peers(endpoint, call)  # a read tries every peer
    assert tried == ["http://p1.test", "http://p2.test"]


async def test_a_new_silence_must_name_its_cluster_when_there_are_several(
    tmp_path: Path,
) -> None:
    config = config_of(TWO_CLUSTERS, tmp_path)
    routes: dict[str, dict[str, Any] | None] = {
        "eu-1.test": am(), "eu-2.test": am(), "data.test": am(am_alert("d1")),
    }  # fmt: skip
    matchers = parse_matchers('alertname="A"')
    async with httpx.AsyncClient(transport=httpx.MockTransport(servers(routes))) as client:
        with pytest.raises(alert_actions.ActionRefused, match=r"several .* \(eu, data\)"):
            await alert_actions.create_silence(
                client, config, matchers, timedelta(hours=1), "why", NOW
            )
        with pytest.raises(alert_actions.ActionRefused, match="no Alertmanager cluster is named"):
            await alert_actions.create_silence(
                client, config, matchers, timedelta(hours=1), "why", NOW, cluster="us"
            )
        sid, radius = await alert_actions.create_silence(
            client, config, matchers, timedelta(hours=1), "why", NOW, cluster="data"
        )
    assert sid == "s-data.test" and len(radius.alerts) == 1
    assert "posted" not in routes["eu-1.test"]  # type: ignore[operator]


async def test_every_clusters_silences_are_read_and_a_silent_one_is_named(
    tmp_path: Path,
) -> None:
    config = config_of(TWO_CLUSTERS, tmp_path)
    routes: dict[str, dict[str, Any] | None] = {
        "eu-1.test": am(silences=[_silence("s-eu")]), "eu-2.test": None, "data.test": None,
    }  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.MockTransport(servers(routes))) as client:
        silences, problems = await alert_actions.load_all_silences(client, config)
    assert [(s.id, s.cluster) for s in silences] == [("s-eu", "eu")]
    assert problems == {"data": "connection refused"}


def test_one_alert_cycle_refreshes_as_often_as_the_quickest_cluster(tmp_path: Path) -> None:
    from cockpit.services.poll_schedule import poll_intervals

    data = 'url = "http://data.test:9093"'
    text = TWO_CLUSTERS.replace(data, data + '\nrefresh = "3s"')
    assert poll_intervals(config_of(text, tmp_path))["alerts"] == 3.0
    assert poll_intervals(config_of(TWO_CLUSTERS, tmp_path))["alerts"] == 10.0


# -- the CLI ----------------------------------------------------------------------------
def test_cli_alerts_names_each_alerts_cluster_and_takes_cluster(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import os

    from cockpit.cli import main
    from tests.hostile.answers import answering

    eu = {"/api/v2/alerts": [am_alert("f1", "OnEu")], "/api/v2/silences": []}
    data = {"/api/v2/alerts": [am_alert("f1", "OnData")], "/api/v2/silences": []}
    with answering(eu) as eu_url, answering(data) as data_url:
        config = Path(os.environ["COCKPIT_CONFIG"])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(
            f'[[alertmanager]]\nname = "eu"\nurl = "{eu_url}"\n'
            f'[[alertmanager]]\nname = "data"\nurl = "{data_url}"\n'
        )
        assert main(["alerts", "--json"]) == 0
        every = json.loads(capsys.readouterr().out)
        assert main(["alerts", "--json", "--cluster", "data"]) == 0
        one = json.loads(capsys.readouterr().out)
        assert main(["alerts", "--cluster", "nowhere"]) == 2
        err = capsys.readouterr().err
        assert main(["alerts"]) == 0
        table = capsys.readouterr().out.splitlines()
    assert sorted((a["cluster"], a["name"]) for a in every) == [("data", "OnData"), ("eu", "OnEu")]
    assert [(a["cluster"], a["name"]) for a in one] == [("data", "OnData")]
    assert "--cluster: no Alertmanager cluster is named 'nowhere' (the config has eu, data)" in err
    assert table[0].split()[:3] == ["SEVERITY", "CLUSTER", "ALERT"]
