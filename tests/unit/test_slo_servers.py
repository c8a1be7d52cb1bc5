"""SLOs on two Prometheus servers over HTTP (httpx.MockTransport in place of the network):
each SLO's queries go to its own server with that server's headers, and a server that
refuses connections makes only its SLOs stale, in the poll, `slo report`/`check` and the
past view."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from cockpit.config import Config, parse
from cockpit.model.slo_report import UNKNOWN, verdict
from cockpit.services.past_view import slo_at
from cockpit.services.slo_poll import SloPoller
from cockpit.services.slo_report import build_report
from cockpit.sources import clients

CONFIG = """
[[prometheus]]
name = "eu"
url = "http://eu.invalid:9090"
headers = { "X-Scope-OrgID" = "tenant-eu" }

[[prometheus]]
name = "us"
url = "http://us.invalid:9090"
headers = { "X-Scope-OrgID" = "tenant-us" }

[[slo]]
name = "checkout"
objective = 99.9
good = 'sum(rate(eu_good_total[{{window}}]))'
total = 'sum(rate(eu_all_total[{{window}}]))'

[[slo]]
name = "search"
prometheus = "us"
objective = 99
good = 'sum(rate(us_good_total[{{window}}]))'
total = 'sum(rate(us_all_total[{{window}}]))'
"""
TAGS = re.compile(r'"cockpit_slo", "(\d+)"')
AT = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


class Servers:
    """Both servers behind one MockTransport: what each was asked, and which are down."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []  # (host, tenant header, query)
        self.down: set[str] = set()

    def handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        fields = parse_qs(request.content.decode()) if request.method == "POST" else {}
        query = request.url.params.get("query") or fields.get("query", [""])[0]
        self.asked.append((host, request.headers.get("x-scope-orgid", ""), query))
        if host.split(".")[0] in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if "timestamp(" in query:  # how much of the window holds data: all of it
            value = str(AT.timestamp() - 40 * 86400)
        elif "* 2592000" in query:  # the totals over the window
            value = "1000"
        else:
            value = "0.0005"
        result = [
            {"metric": {"cockpit_slo": tag}, "value": [AT.timestamp(), value]}
            for tag in TAGS.findall(query)
        ]
        data = {"status": "success", "data": {"resultType": "vector", "result": result}}
        return httpx.Response(200, json=data)

    def hosts(self) -> set[str]:
        return {host for host, _, _ in self.asked}


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Servers]:
    fake = Servers()

    def client(*, max_connections: int = 16) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(fake.handle))

    monkeypatch.setattr(clients, "async_client", client)
    yield fake


def _config(tmp_path: Path) -> Config:
    return parse(tomllib.loads(CONFIG), tmp_path / "c.toml")


def test_each_slo_is_asked_of_its_own_server_with_its_headers(
    servers: Servers, tmp_path: Path
) -> None:
    snapshot = SloPoller(_config(tmp_path)).poll()
    assert servers.hosts() == {"eu.invalid", "us.invalid"}
    for host, tenant, query in servers.asked:
        assert tenant == f"tenant-{host.split('.')[0]}"
        mine, other = ("eu", "us") if host == "eu.invalid" else ("us", "eu")
        assert f"{mine}_good_total" in query and f"{other}_" not in query
    assert [s.server for s in snapshot.slos] == ["eu", "us"]
    assert [s.budget.sli for s in snapshot.slos] == [pytest.approx(0.9995)] * 2
    assert snapshot.freshness.ok and snapshot.stale_servers() == {}


def test_a_server_refusing_connections_leaves_the_other_fresh(
    servers: Servers, tmp_path: Path
) -> None:
    poller = SloPoller(_config(tmp_path))
    before = poller.poll()
    servers.down.add("us")
    servers.asked.clear()
    snapshot = poller.poll()
    checkout, search = snapshot.slos
    assert checkout.error is None and snapshot.servers["eu"].ok
    assert search.error is not None and "connection refused" in search.error
    assert search.budget == before.slos[1].budget  # the last values, kept
    assert snapshot.servers["us"].error == search.error
    assert snapshot.freshness.ok  # the other server answered
    assert sum(host == "us.invalid" for host, _, _ in servers.asked) == 1


def test_the_report_asks_each_server_for_its_slos_totals_and_coverage(
    servers: Servers, tmp_path: Path
) -> None:
    report = build_report(_config(tmp_path), coverage=True)
    assert set(report.totals) == {"checkout", "search"}
    assert report.totals["search"].events == 1000
    assert report.held == {"checkout": timedelta(days=30), "search": timedelta(days=30)}
    for host, _, query in servers.asked:
        other = "us" if host == "eu.invalid" else "eu"
        assert f"{other}_" not in query
    assert verdict(report)[0] == 0


def test_the_report_with_a_server_down_cannot_tell_and_asks_it_once(
    servers: Servers, tmp_path: Path
) -> None:
    servers.down.add("us")
    report = build_report(_config(tmp_path), coverage=True)
    code, line = verdict(report)
    assert code == UNKNOWN
    assert line.startswith("Cannot tell: Prometheus us (") and "connection refused" in line
    assert set(report.totals) == {"checkout"}  # the server that answered still gives them
    assert set(report.held) == {"checkout"}
    assert sum(host == "us.invalid" for host, _, _ in servers.asked) == 1


def test_the_past_view_keeps_a_down_servers_error(servers: Servers, tmp_path: Path) -> None:
    servers.down.add("us")
    snapshot = slo_at(_config(tmp_path), AT)
    assert snapshot.freshness.ok and snapshot.freshness.last_success == AT
    assert snapshot.servers["eu"].last_success == AT
    assert snapshot.servers["us"].error is not None
    assert snapshot.slos[1].error is not None and snapshot.slos[0].error is None


async def test_record_says_when_one_server_stops_and_answers_again(
    servers: Servers, tmp_path: Path
) -> None:
    from cockpit.services.headless_recording import HeadlessRecording
    from cockpit.services.transition_recorder import Recording, this_process
    from cockpit.store import open_notebook

    config = _config(tmp_path)
    said: list[str] = []
    with open_notebook(tmp_path / "notebook.sqlite3") as notebook:
        recorder = HeadlessRecording(
            config, notebook, Recording(config, this_process("r")), said.append
        )
        await recorder.slo_cycle()
        servers.down.add("us")
        await recorder.slo_cycle()
        await recorder.slo_cycle()  # still down: said once
        servers.down.clear()
        await recorder.slo_cycle()
    about = [line for line in said if line.startswith("prometheus")]
    assert len(about) == 2
    assert about[0].startswith("prometheus us (SLOs): ") and "connection refused" in about[0]
    assert about[1] == "prometheus us (SLOs): answering again"
