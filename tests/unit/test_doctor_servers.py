"""`cockpit doctor` checks every Prometheus server and every peer of every Alertmanager
cluster, each under its own name (httpx.MockTransport in place of the network)."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

import httpx
import pytest

from cockpit.config import parse
from cockpit.services import doctor

CONFIG = """
[[prometheus]]
name = "eu"
url = "http://prom-eu.invalid:9090"

[[prometheus]]
name = "us"
url = "http://prom-us.invalid:9090"

[[alertmanager]]
name = "eu"
urls = ["http://am-eu-1.invalid:9093", "http://am-eu-2.invalid:9093"]

[[alertmanager]]
name = "data"
url = "http://am-data.invalid:9093"
"""
DOWN = {"prom-us.invalid", "am-eu-2.invalid"}


def _answer(request: httpx.Request) -> httpx.Response:
    host = request.url.host
    if host in DOWN:
        raise httpx.ConnectError("connection refused", request=request)
    if request.url.path == "/api/v1/status/buildinfo":
        return httpx.Response(200, json={"status": "success", "data": {"version": "2.42.0"}})
    if request.url.path == "/api/v2/status":
        return httpx.Response(200, json={"versionInfo": {"version": "0.25.0"}})
    return httpx.Response(404)


def test_every_server_and_peer_is_checked_and_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        doctor, "async_client", lambda: httpx.AsyncClient(transport=httpx.MockTransport(_answer))
    )
    config = parse(tomllib.loads(CONFIG), tmp_path / "c.toml")
    checks = asyncio.run(doctor._sources(config))
    found = {c.name: (c.ok, c.detail) for c in checks}
    assert list(found) == [
        "prometheus eu", "prometheus us",
        "alertmanager eu peer 1", "alertmanager eu peer 2", "alertmanager data",
    ]  # fmt: skip
    assert found["prometheus eu"] == (True, "http://prom-eu.invalid:9090 version 2.42.0")
    ok, detail = found["prometheus us"]
    assert not ok and detail.startswith("http://prom-us.invalid:9090: ")
    assert found["alertmanager eu peer 1"] == (True, "http://am-eu-1.invalid:9093 version 0.25.0")
    ok, detail = found["alertmanager eu peer 2"]
    assert not ok and detail.startswith("http://am-eu-2.invalid:9093: ")
    assert found["alertmanager data"][0]


def test_one_unnamed_server_keeps_the_plain_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        doctor, "async_client", lambda: httpx.AsyncClient(transport=httpx.MockTransport(_answer))
    )
    text = '[prometheus]\nurl = "http://prom-eu.invalid:9090"\n'
    checks = asyncio.run(doctor._sources(parse(tomllib.loads(text), tmp_path / "c.toml")))
    assert [(c.name, c.ok, c.required) for c in checks] == [
        ("prometheus", True, True), ("alertmanager", True, False),
    ]  # fmt: skip
