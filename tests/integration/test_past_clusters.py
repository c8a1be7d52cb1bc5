"""Time travel with several Prometheus servers (issue 20): each real server is asked for
its ALERTS at the moment, all at once, and each alert is tagged with its server's name as
its cluster; the same labels on two servers are two alerts; a server that cannot answer
leaves a note, not a failure, while another can."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from cockpit.config import Config
from cockpit.config_types import Endpoint
from cockpit.demo.stack import find_binary, free_port
from cockpit.services.alert_rows import alert_key
from cockpit.services.past_alerts import past_alerts
from cockpit.services.past_view import alert_snapshot

RULES = """groups:
  - name: always
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: {severity: warning, service: api}
"""


def _prometheus(workdir: Path, name: str) -> tuple[subprocess.Popen[bytes], str]:
    binary = find_binary("prometheus")
    if binary is None:
        if os.environ.get("COCKPIT_REQUIRE_REAL_STACK") == "1":
            pytest.fail("COCKPIT_REQUIRE_REAL_STACK=1 but prometheus is not installed")
        pytest.skip("prometheus is not installed")
    home = workdir / name
    home.mkdir()
    port = free_port()
    (home / "rules.yml").write_text(RULES)
    (home / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: [{home / 'rules.yml'}]\n"
        "scrape_configs:\n"
        f"  - job_name: self\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n"
    )
    argv = [
        binary, f"--config.file={home / 'prometheus.yml'}",
        f"--storage.tsdb.path={home / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
    ]  # fmt: skip
    log = (home / "log").open("wb")
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT), f"http://127.0.0.1:{port}"


def _has(url: str, query: str) -> bool:
    try:
        answer = httpx.get(f"{url}/api/v1/query", params={"query": query}, timeout=2)
    except httpx.HTTPError:
        return False
    return answer.status_code == 200 and bool(answer.json()["data"]["result"])


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    workdir = tmp_path_factory.mktemp("past-clusters")
    started = {name: _prometheus(workdir, name) for name in ("eu", "us")}
    try:
        deadline = time.monotonic() + 45
        for name, (_, url) in started.items():
            # A scrape (the past view asks count(up) first) and a rule evaluation.
            while not (_has(url, "ALERTS") and _has(url, "count(up)")):
                assert time.monotonic() < deadline, f"Prometheus {name} never had ALERTS"
                time.sleep(0.3)
        yield {name: url for name, (_, url) in started.items()}
    finally:
        for process, _ in started.values():
            process.terminate()
            process.wait(10)


def _config(urls: dict[str, str]) -> Config:
    servers = tuple(Endpoint(url, name=name) for name, url in urls.items())
    return Config(Path("c.toml"), prometheus_servers=servers)


def test_each_servers_alerts_are_tagged_with_its_name(servers: dict[str, str]) -> None:
    found = past_alerts(_config(servers), datetime.now(UTC), None)
    firing = [a for a in found.alerts if a.name == "AlwaysFiring"]
    assert sorted(a.cluster for a in firing) == ["eu", "us"]
    # The same labels on both: the same fingerprint, two alerts all the same.
    assert len({a.fingerprint for a in firing}) == 1
    assert found.servers == {"eu": None, "us": None}
    snapshot = alert_snapshot(found)
    assert set(snapshot.clusters) == {"eu", "us"}
    # With several, the pane's row keys carry the cluster: two rows, never one key twice.
    clustered = len(snapshot.clusters) > 1
    keys = [alert_key(a, clustered) for a in snapshot.alerts if a.name == "AlwaysFiring"]
    assert len(set(keys)) == 2


def test_a_server_that_cannot_answer_is_a_note_while_another_can(
    servers: dict[str, str],
) -> None:
    gone = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    config = _config({"eu": servers["eu"], "gone": gone})
    found = past_alerts(config, datetime.now(UTC), None)
    assert {a.cluster for a in found.alerts} == {"eu"}
    assert found.servers["eu"] is None and found.servers["gone"] is not None
    [note] = [n for n in found.notes if "gone" in n]
    assert note.startswith("Prometheus gone: Prometheus did not answer")
    assert note.endswith("its alerts are missing")
    snapshot = alert_snapshot(found)
    assert snapshot.freshness.ok
    assert list(snapshot.stale_clusters()) == ["gone"]


def test_an_incident_link_belongs_to_the_alert_in_its_cluster(
    servers: dict[str, str], tmp_path: Path
) -> None:
    from cockpit.model.incident_draft import LinkedAlert
    from cockpit.store import open_notebook
    from cockpit.store.incidents import create_incident

    now = datetime.now(UTC)
    nowhere = f"http://127.0.0.1:{free_port()}"
    clusters = (Endpoint(nowhere, name="eu"), Endpoint(nowhere, name="us"))
    config = Config(
        Path("c.toml"),
        prometheus_servers=_config(servers).prometheus_servers,
        alertmanagers=clusters,
    )
    with open_notebook(tmp_path / "n.db") as notebook:
        [eu] = [a for a in past_alerts(config, now, None).alerts if a.cluster == "eu"]
        link = LinkedAlert(eu.fingerprint, eu.name, dict(eu.labels), "eu")
        record = create_incident(
            notebook, title="t", severity="Sev2", detected_at=now, alerts=[link], linked_at=now
        )
        found = past_alerts(config, now, notebook)
    linked = {a.cluster: found.incidents_of(a) for a in found.alerts if a.name == eu.name}
    assert linked == {"eu": [record.id], "us": []}
    # Each cluster's silences are asked for; neither answers, and each is named.
    unknown = [n.split(":")[0] for n in found.notes if "silences unknown" in n]
    assert unknown == ["Alertmanager eu did not answer, silences unknown",
                       "Alertmanager us did not answer, silences unknown"]  # fmt: skip
