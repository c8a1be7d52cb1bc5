"""`cockpit serve` on a real loopback server: the page and the websocket want the run's
token, the websocket wants the page's own Origin, sessions are limited, and a wildcard
bind warns and serves the host name the browser used."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import aiohttp
import httpx
import pytest

WS_TIMEOUT = aiohttp.ClientWSTimeout(ws_close=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    token: str
    banner: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _start(*extra: str, host: str = "127.0.0.1") -> Served:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "serve", "--host", host, "--port", str(port), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    banner = ""
    token = None
    deadline = time.monotonic() + 30
    while token is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner += line
        found = re.search(r"\?token=([\w-]+)", line)
        token = found.group(1) if found else None
    assert token is not None, banner
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/static/css/xterm.css", timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return Served(process, port, token, banner)


@pytest.fixture
def served() -> Iterator[Served]:
    server = _start("--max-sessions", "1")
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait(10)


async def _ws_status(url: str, origin: str | None) -> int:
    headers = {} if origin is None else {"Origin": origin}
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers=headers, timeout=WS_TIMEOUT) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


def test_the_page_wants_the_token(served: Served) -> None:
    assert "read-only" in served.banner
    assert httpx.get(f"{served.base}/", timeout=5).status_code == 403
    assert httpx.get(f"{served.base}/?token=wrong", timeout=5).status_code == 403
    page = httpx.get(f"{served.base}/?token={served.token}", timeout=5)
    assert page.status_code == 200
    assert f'"ws://127.0.0.1:{served.port}/ws/{served.token}"' in page.text


def test_a_page_on_a_rebound_name_is_refused(served: Served) -> None:
    evil = {"Host": f"attacker.example:{served.port}"}
    page = httpx.get(f"{served.base}/?token={served.token}", headers=evil, timeout=5)
    assert page.status_code == 403


async def test_a_websocket_from_another_site_is_refused(served: Served) -> None:
    url = f"ws://127.0.0.1:{served.port}/ws/{served.token}?width=80&height=24"
    assert await _ws_status(url, "http://attacker.example") == 403
    assert await _ws_status(url, "null") == 403
    assert await _ws_status(url, None) == 403


async def test_a_websocket_without_the_token_is_refused(served: Served) -> None:
    origin = served.base
    assert await _ws_status(f"ws://127.0.0.1:{served.port}/ws?width=80", origin) == 404
    assert await _ws_status(f"ws://127.0.0.1:{served.port}/ws/", origin) == 404
    assert await _ws_status(f"ws://127.0.0.1:{served.port}/ws/nope?width=80", origin) == 403


async def test_the_token_and_the_right_origin_are_let_in_up_to_the_limit(
    served: Served,
) -> None:
    url = f"ws://127.0.0.1:{served.port}/ws/{served.token}?width=80&height=24"
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, headers={"Origin": served.base}, timeout=WS_TIMEOUT) as ws,
    ):
        assert not ws.closed
        # --max-sessions 1: a second tab waits for the first to close.
        assert await _ws_status(url, served.base) == 503
        await ws.close()
    deadline = time.monotonic() + 10
    status = 503
    while status == 503 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        status = await _ws_status(url, served.base)
    assert status == 101


def test_a_wildcard_bind_warns_and_serves_the_name_the_browser_used() -> None:
    server = _start("--writable", host="0.0.0.0")
    try:
        assert "WARNING" in server.banner
        assert "writable" in server.banner
        assert "0.0.0.0" not in server.banner.split("open", 1)[1]
        wall = f"wallscreen.example:{server.port}"
        page = httpx.get(f"{server.base}/?token={server.token}", headers={"Host": wall}, timeout=5)
        assert page.status_code == 200
        assert f'"ws://{wall}/ws/{server.token}"' in page.text
        assert f"http://{wall}/static/js/textual.js" in page.text
        assert "0.0.0.0" not in page.text
    finally:
        server.process.terminate()
        server.process.wait(10)


async def test_behind_a_proxy_the_public_url_is_the_only_site() -> None:
    server = _start("--public-url", "https://cockpit.example")
    try:
        assert "https://cockpit.example/?token=" in server.banner
        proxied = {"Host": "cockpit.example", "X-Forwarded-Proto": "https"}
        page = httpx.get(f"{server.base}/?token={server.token}", headers=proxied, timeout=5)
        assert page.status_code == 200
        assert f'"wss://cockpit.example/ws/{server.token}"' in page.text
        url = f"ws://127.0.0.1:{server.port}/ws/{server.token}?width=80&height=24"
        assert await _ws_status(url, server.base) == 403  # not the public site
        assert await _ws_status(url, "https://cockpit.example") == 101
    finally:
        server.process.terminate()
        server.process.wait(10)
