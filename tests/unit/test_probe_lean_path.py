"""Probes on the factory's client (``clients.open_response``: straight to its transport,
past httpx's client layers) keep what ``client.stream`` gave them: the client's default
headers with the probe's own, no redirect followed, compressed bodies decoded, the body
cap. Real sockets on 127.0.0.1, a server written byte by byte."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Callable

import httpx
import pytest

from cockpit.config import ProbeConfig, Tls
from cockpit.model.conditions import parse_condition
from cockpit.model.probes import ProbeResult
from cockpit.sources.clients import async_client, open_response
from cockpit.sources.probes import run_probe

Reply = Callable[[bytes], bytes]


def _probe(
    reply: Reply, conditions: list[str], **config: object
) -> tuple[ProbeResult, list[bytes]]:
    """Run one probe on a factory client against a server answering ``reply(request)``."""
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        seen.append(request)
        writer.write(reply(request))
        await writer.drain()
        writer.close()

    async def go() -> ProbeResult:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        probe = ProbeConfig(
            name="api", url=f"http://127.0.0.1:{port}/health", conditions=tuple(conditions),
            **config,  # type: ignore[arg-type]
        )  # fmt: skip
        try:
            async with async_client() as client:
                return await run_probe(client, probe, [parse_condition(c) for c in conditions])
        finally:
            server.close()

    return asyncio.run(go()), seen


def _reply(status: str, body: bytes, *headers: str) -> Reply:
    def reply(request: bytes) -> bytes:
        head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
        return ("\r\n".join([*head, *headers]) + "\r\n\r\n").encode() + body

    return reply


def test_the_probes_headers_go_with_the_clients_defaults() -> None:
    body = json.dumps({"status": "healthy"}).encode()
    result, seen = _probe(_reply("200 OK", body), ["[STATUS] == 200"], headers={"X-Probe": "yes"})
    assert result.ok, result.reason
    head = seen[0].decode().lower()
    assert "x-probe: yes" in head
    assert "user-agent: python-httpx/" in head and "accept-encoding: gzip" in head
    assert "host: 127.0.0.1:" in head


def test_a_redirect_is_judged_not_followed() -> None:
    result, seen = _probe(
        _reply("302 Found", b"", "Location: http://elsewhere.test/health"), ["[STATUS] == 200"]
    )
    assert (result.ok, result.status_code, result.category) == (False, 302, "status")
    assert len(seen) == 1


def test_a_compressed_body_is_judged_decompressed() -> None:
    body = gzip.compress(json.dumps({"status": "healthy"}).encode())
    result, _ = _probe(
        _reply("200 OK", body, "Content-Encoding: gzip"), ["[BODY].status == healthy"]
    )
    assert result.ok, result.reason


def test_a_body_declared_too_large_fails_the_probe_unread() -> None:
    def reply(request: bytes) -> bytes:
        return b"HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n{"

    result, _ = _probe(reply, ["[STATUS] == 200"])
    assert (result.ok, result.category) == (False, "body")
    assert "too large" in result.reason


def test_a_closed_factory_client_refuses_as_httpx_does() -> None:
    async def go() -> None:
        client = async_client()
        await client.aclose()
        with pytest.raises(RuntimeError, match="client has been closed"):
            async with open_response(
                client, "GET", httpx.URL("http://127.0.0.1:9/"), headers={}, timeout=1, tls=Tls()
            ):
                pass

    asyncio.run(go())


def test_another_client_goes_through_its_own_stream() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"ok")

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            url = httpx.URL("http://svc.test/")
            tls = Tls(verify=False)
            opened = open_response(client, "GET", url, headers={"X-A": "1"}, timeout=1, tls=tls)
            async with opened as response:
                assert await response.aread() == b"ok"

    asyncio.run(go())
    assert seen[0].headers["x-a"] == "1"
    assert seen[0].extensions["cockpit.tls"].verify is False
