"""The pool under the factory's client (cockpit.sources.wire): real sockets on 127.0.0.1,
servers written byte by byte, so what a server does to a connection is exact."""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Awaitable, Callable

import httpx
import pytest

from cockpit.sources.clients import async_client
from cockpit.sources.errors import describe_httpx_error
from cockpit.sources.wire import AsyncioStream, _refused_everywhere

Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _answer(body: bytes, *, close: bool = False) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n"
    return (head + ("Connection: close\r\n" if close else "") + "\r\n").encode() + body


async def _request(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


def _with_server(serve: Serve, work: Callable[[str], Awaitable[None]]) -> None:
    async def go() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            await work(f"http://127.0.0.1:{port}")
        finally:
            server.close()

    asyncio.run(go())


def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    connections: list[int] = []
    closed = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        await _request(reader)
        writer.write(_answer(b"ok"))  # keep-alive as far as the client knows ...
        await writer.drain()
        writer.close()  # ... then the server drops it while it sits idle in the pool
        await writer.wait_closed()
        closed.set()

    async def work(base: str) -> None:
        async with async_client() as client:
            first = await client.get(f"{base}/a")
            assert isinstance(first.extensions["network_stream"], AsyncioStream)
            await closed.wait()
            await asyncio.sleep(0)  # the FIN is in; whether the loop read it yet or not
            second = await client.get(f"{base}/b")
            assert (first.text, second.text) == ("ok", "ok")

    _with_server(serve, work)
    assert len(connections) == 2


def test_a_kept_connection_is_reused() -> None:
    connections: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        for _ in range(3):
            await _request(reader)
            writer.write(_answer(b"ok"))
            await writer.drain()
        writer.close()

    async def work(base: str) -> None:
        async with async_client() as client:
            for _ in range(3):
                assert (await client.get(base)).text == "ok"

    _with_server(serve, work)
    assert len(connections) == 1


def test_a_body_larger_than_what_is_buffered_arrives_whole() -> None:
    body = bytes(range(256)) * 8192  # 2 MiB, past the protocol's high-water mark

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(_answer(body, close=True))
        await writer.drain()
        writer.close()

    async def work(base: str) -> None:
        async with async_client() as client:
            async with client.stream("GET", base) as response:
                got = b""
                async for chunk in response.aiter_bytes():
                    got += chunk
                    await asyncio.sleep(0)  # a slow reader: the socket must pause, not drop
            assert got == body

    _with_server(serve, work)


def test_a_silent_server_is_a_read_timeout() -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        await asyncio.sleep(5)

    async def work(base: str) -> None:
        async with async_client() as client:
            with pytest.raises(httpx.ReadTimeout) as caught:
                await client.get(base, timeout=0.2)
            assert describe_httpx_error(caught.value) == "timed out"

    _with_server(serve, work)


def test_a_connection_cut_mid_body_is_an_httpx_error() -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
        await writer.drain()
        writer.transport.abort()

    async def work(base: str) -> None:
        async with async_client() as client:
            with pytest.raises(httpx.TransportError):
                await client.get(base)

    _with_server(serve, work)


def test_a_refused_port_says_refused() -> None:
    async def work() -> None:
        async with async_client() as client:
            with pytest.raises(httpx.ConnectError) as caught:
                await client.get("http://127.0.0.1:9/")  # discard: nothing listens
            assert describe_httpx_error(caught.value) == "connection refused"

    asyncio.run(work())


def test_every_address_refusing_is_refused_and_anything_else_is_not() -> None:
    refused = OSError(
        "Multiple exceptions: [Errno 111] Connect call failed ('::1', 9, 0, 0), "
        "[Errno 111] Connect call failed ('127.0.0.1', 9)"
    )
    mixed = OSError(
        "Multiple exceptions: [Errno 111] Connect call failed ('::1', 9, 0, 0), "
        "[Errno 101] Network is unreachable"
    )
    assert isinstance(_refused_everywhere(refused), ConnectionRefusedError)
    assert _refused_everywhere(refused).errno == errno.ECONNREFUSED
    assert _refused_everywhere(mixed) is mixed
    plain = OSError("Network is unreachable")
    assert _refused_everywhere(plain) is plain
