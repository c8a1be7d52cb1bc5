"""Error paths of the sources, with httpx.MockTransport standing in for broken servers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from cockpit.config import Auth, Endpoint, SecretRef
from cockpit.sources import alertmanager, prometheus
from cockpit.sources.endpoint import request_settings
from cockpit.sources.errors import SourceError

ENDPOINT = Endpoint(url="http://am.test")


def _call(
    handler: Callable[[httpx.Request], httpx.Response], endpoint: Endpoint = ENDPOINT
) -> object:
    async def go() -> object:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await alertmanager.fetch_alerts(client, endpoint)

    return asyncio.run(go())


def test_http_500_names_status_and_path() -> None:
    with pytest.raises(SourceError, match=r"HTTP 500 from /api/v2/alerts"):
        _call(lambda request: httpx.Response(500, text="boom"))


def test_html_instead_of_json_asks_if_it_is_alertmanager() -> None:
    with pytest.raises(SourceError, match="did not answer JSON; is this Alertmanager"):
        _call(lambda request: httpx.Response(200, text="<html>login</html>"))


def test_timeout_is_reported_plainly() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    with pytest.raises(SourceError, match=r"^timed out$"):
        _call(hang)


def test_connection_refused_is_reported_plainly() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(SourceError, match=r"^connection refused$"):
        _call(refuse)


def test_filters_headers_and_bearer_auth_are_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COCKPIT_SECRET_AM_TOKEN", "t0ken")
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    endpoint = Endpoint(
        url="http://am.test", auth=Auth("bearer", "AM_TOKEN"), headers={"X-Scope-OrgID": "team-a"}
    )
    assert _call(record, endpoint) == []
    request = seen[0]
    assert request.headers["authorization"] == "Bearer t0ken"
    assert request.headers["x-scope-orgid"] == "team-a"
    assert request.url.params["silenced"] == "true" and request.url.params["inhibited"] == "true"


def test_missing_secret_fails_with_what_to_do() -> None:
    from cockpit.secrets import SecretError

    endpoint = Endpoint(
        url="http://am.test", headers={"Authorization": SecretRef("NOPE", "Bearer ")}
    )
    with pytest.raises(SecretError, match="cockpit secret set NOPE"):
        request_settings(endpoint)


def test_settings_repr_never_shows_header_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COCKPIT_SECRET_TOK", "very-secret")
    settings = request_settings(Endpoint(url="http://x", auth=Auth("bearer", "TOK")))
    assert "very-secret" not in repr(settings)
    assert settings.headers["Authorization"] == "Bearer very-secret"


def test_prometheus_alerts_need_status_success() -> None:
    async def go() -> object:
        transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"status": "error"}))
        async with httpx.AsyncClient(transport=transport) as client:
            return await prometheus.fetch_alerts(client, Endpoint(url="http://prom.test"))

    with pytest.raises(SourceError, match="status=success; is this Prometheus"):
        asyncio.run(go())


def test_prometheus_query_against_a_closed_port_is_connection_refused() -> None:
    from cockpit.demo.stack import free_port

    queries = prometheus.PrometheusQueries(Endpoint(url=f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(SourceError, match=r"^connection refused$"):
        queries.scalar("up")


def test_only_400_and_422_are_a_refused_query() -> None:
    from cockpit.sources.prometheus import QueryRefused, refused

    bad = refused(400, b'{"status":"error","errorType":"bad_data","error":"parse error"}')
    assert isinstance(bad, QueryRefused) and "parse error" in str(bad)
    for code in (401, 429, 503):
        other = refused(code, b"")
        assert not isinstance(other, QueryRefused)
        assert str(other) == f"request failed (HTTP {code})"


def test_a_non_ascii_header_value_is_named_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not "did not answer JSON": the request was never sent."""
    monkeypatch.setenv("COCKPIT_SECRET_ORG", "équipe-a")
    endpoint = Endpoint(url="http://am.test", headers={"X-Scope-OrgID": SecretRef("ORG")})

    async def go() -> object:
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json=[]))
        ) as client:
            return await alertmanager.fetch_alerts(client, endpoint)

    with pytest.raises(SourceError) as caught:
        asyncio.run(go())
    text = str(caught.value)
    assert "non-ASCII" in text and "X-Scope-OrgID" in text and "ORG" in text
    assert "équipe" not in text and "JSON" not in text


def test_a_newline_in_a_header_value_is_named() -> None:
    endpoint = Endpoint(url="http://am.test", headers={"X-Team": "a\nInjected: 1"})

    async def go() -> object:
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json=[]))
        ) as client:
            return await alertmanager.fetch_alerts(client, endpoint)

    with pytest.raises(SourceError, match="header X-Team holds a control character"):
        asyncio.run(go())
