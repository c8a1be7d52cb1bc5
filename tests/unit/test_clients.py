"""The client factory (cockpit.sources.clients): redirects, deadlines, body cap, header
values and TLS settings, with httpx.MockTransport standing in for servers."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from cockpit.config import Endpoint, Tls
from cockpit.sources import alertmanager, prometheus
from cockpit.sources.clients import (
    TLS_EXTENSION,
    DeadlinePassed,
    Proxies,
    Redirected,
    async_client,
    fetch,
    ssl_context,
)
from cockpit.sources.errors import SourceError

Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def _fetch(handler: Handler, url: str = "http://prom.test/api/v1/alerts", **kw: object) -> object:
    async def go() -> object:
        async with _client(handler) as client:
            return await fetch(client, "GET", url, deadline=kw.pop("deadline", 2.0), **kw)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_a_redirect_to_another_origin_is_not_followed_and_says_where() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.host == "prom.test":
            where = "http://user:pw@evil.test:8080/x?token=1"
            return httpx.Response(302, headers={"Location": where})
        return httpx.Response(200, json={"status": "success", "data": {}})

    with pytest.raises(Redirected) as caught:
        _fetch(handler, headers={"X-Scope-OrgID": "s3cret"})
    assert "redirected to another origin (http://evil.test:8080/x)" in str(caught.value)
    assert "token" not in str(caught.value) and "pw" not in str(caught.value)
    assert seen == ["http://prom.test/api/v1/alerts"]  # nothing went to evil.test


def test_another_port_or_scheme_is_another_origin() -> None:
    for location in ("http://prom.test:81/a", "https://prom.test/a"):

        def handler(request: httpx.Request, location: str = location) -> httpx.Response:
            if request.url.path == "/api/v1/alerts":
                return httpx.Response(307, headers={"Location": location})
            return httpx.Response(200)

        with pytest.raises(Redirected):
            _fetch(handler)


def test_a_redirect_within_the_origin_is_followed_with_its_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/api/v1/alerts":
            return httpx.Response(301, headers={"Location": "/prometheus/api/v1/alerts"})
        return httpx.Response(200, json=[1])

    answer = _fetch(handler, headers={"X-Scope-OrgID": "team-a"})
    assert answer.status == 200 and answer.json() == [1]  # type: ignore[attr-defined]
    assert [r.url.path for r in seen] == ["/api/v1/alerts", "/prometheus/api/v1/alerts"]
    assert seen[1].headers["x-scope-orgid"] == "team-a"


def test_endless_redirects_end() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "/again"})

    with pytest.raises(SourceError, match="more than 5 redirects"):
        _fetch(handler)


class Trickle(httpx.AsyncByteStream):
    """A body that arrives one byte at a time, forever: each read is quick, the whole never."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            await asyncio.sleep(0.05)
            yield b" "


def test_a_trickling_body_ends_at_the_deadline() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Trickle())

    with pytest.raises(DeadlinePassed, match=r"^no complete answer within 0.3 s$"):
        _fetch(handler, deadline=0.3)


def test_a_body_over_the_cap_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 5000)

    with pytest.raises(SourceError, match="answer too large"):
        _fetch(handler, max_body=1000)


def test_every_request_carries_its_endpoints_tls_settings() -> None:
    seen: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions.get(TLS_EXTENSION))
        return httpx.Response(200, json={"status": "success", "data": {}})

    tls = Tls(verify=False)

    async def go() -> None:
        async with _client(handler) as client:
            await prometheus.fetch_rules(client, Endpoint(url="https://p.test", tls=tls))

    asyncio.run(go())
    assert seen == [tls]


def test_tls_contexts_follow_the_settings(tmp_path: Path) -> None:
    assert ssl_context(Tls(verify=False)).verify_mode == ssl.CERT_NONE
    strict = ssl_context(Tls())
    assert strict.verify_mode == ssl.CERT_REQUIRED and strict.check_hostname
    missing = Tls(ca_file=tmp_path / "nope.pem")
    with pytest.raises(SourceError, match=r"TLS settings: cannot load .*nope.pem"):
        ssl_context(missing)


def test_a_missing_ca_file_is_a_source_error_not_a_crash(tmp_path: Path) -> None:
    endpoint = Endpoint(url="https://am.test", tls=Tls(ca_file=tmp_path / "ca.pem"))

    async def go() -> object:
        async with async_client() as client:
            return await alertmanager.fetch_alerts(client, endpoint)

    with pytest.raises(SourceError, match="TLS settings: cannot load"):
        asyncio.run(go())


def test_the_factory_client_never_follows_redirects_by_itself() -> None:
    async def go() -> httpx.AsyncClient:
        async with async_client() as client:
            return client

    client = asyncio.run(go())
    assert client.follow_redirects is False


def test_plain_http_without_a_proxy_loads_no_tls_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Issue 18: no CA bundle is read for a request that speaks no TLS (an http:// endpoint
    # whose TLS settings are unreadable still answers); https still uses its settings.
    import cockpit.sources.clients as clients
    from tests.hostile.answers import answering

    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    built: list[Tls] = []
    real = clients.ssl_context

    def counting(tls: Tls) -> ssl.SSLContext:
        built.append(tls)
        return real(tls)

    monkeypatch.setattr(clients, "ssl_context", counting)
    tls = Tls(ca_file=tmp_path / "unreadable.pem")

    async def go(url: str) -> object:
        async with async_client() as client:
            return await alertmanager.fetch_alerts(client, Endpoint(url=url, tls=tls))

    with answering({"/api/v2/alerts": []}) as url:
        assert asyncio.run(go(url)) == []
    assert built == []
    with pytest.raises(SourceError, match="TLS settings: cannot load"):
        asyncio.run(go("https://am.test"))
    assert built == [tls]


def test_the_proxy_is_the_environments_as_it_was_when_the_client_was_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("http_proxy", "http://proxy.test:3128")
    monkeypatch.setenv("no_proxy", "inside.test")
    proxies = Proxies()
    outside = httpx.URL("http://outside.test/health")
    assert proxies.for_url(outside) == "http://proxy.test:3128"
    assert proxies.for_url(httpx.URL("http://inside.test/health")) is None
    assert proxies.for_url(httpx.URL("https://outside.test/health")) is None  # no https_proxy
    # Read once (as httpx reads it), not on every request: a later change is not seen.
    monkeypatch.setenv("http_proxy", "http://elsewhere.test:1")
    monkeypatch.setenv("no_proxy", "outside.test")
    assert proxies.for_url(outside) == "http://proxy.test:3128"
    assert Proxies().for_url(outside) is None
