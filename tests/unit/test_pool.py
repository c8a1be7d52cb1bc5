"""The pool's assignment pass (cockpit.sources.pool): one pass at a time on connections
whose state the test sets (in an event loop: a promise sets an event), then many
requests at once through the real client on 127.0.0.1."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpcore
import httpx
import pytest
from httpcore._async.connection_pool import AsyncPoolRequest

from cockpit.sources import pool as pool_module
from cockpit.sources.clients import async_client
from cockpit.sources.pool import Pool, connection_pool


class FakeConnection(httpcore.AsyncConnectionInterface):
    """A connection whose state the test sets; nothing goes on the wire."""

    def __init__(self, origin: str, state: str = "idle") -> None:
        self.origin = origin
        self.state = state  # "new", "idle", "active", "expired" or "closed"

    def can_handle_request(self, origin: httpcore.Origin) -> bool:
        return origin.host.decode() == self.origin

    def is_available(self) -> bool:
        return self.state == "idle"

    def has_expired(self) -> bool:
        return self.state == "expired"

    def is_idle(self) -> bool:
        return self.state in ("idle", "expired")

    def is_closed(self) -> bool:
        return self.state == "closed"

    def info(self) -> str:
        return self.state

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        raise AssertionError("not sent in these tests")

    async def aclose(self) -> None:
        self.state = "closed"


class FakePool(Pool):
    def create_connection(self, origin: httpcore.Origin) -> FakeConnection:
        return FakeConnection(origin.host.decode(), state="new")


def _pool(connections: list[FakeConnection], **limits: Any) -> FakePool:
    pool = FakePool(**limits)
    pool._connections = list(connections)
    return pool


def _queue(pool: FakePool, host: str) -> AsyncPoolRequest:
    request = AsyncPoolRequest(httpcore.Request("GET", f"http://{host}/health"))
    pool._requests.append(request)
    return request


async def test_one_idle_connection_goes_to_one_queued_request_not_to_all() -> None:
    idle = FakeConnection("a")
    pool = _pool([idle], max_connections=1)
    first, second = _queue(pool, "a"), _queue(pool, "a")
    assert pool._assign_requests_to_connections() == []
    assert first.connection is idle
    assert second.is_queued()  # the pool is full; it waits for the connection to free


async def test_with_room_the_second_request_gets_a_new_connection() -> None:
    idle = FakeConnection("a")
    pool = _pool([idle], max_connections=2)
    first, second = _queue(pool, "a"), _queue(pool, "a")
    pool._assign_requests_to_connections()
    assert first.connection is idle
    assert second.connection is not None and second.connection is not idle
    assert pool._connections == [idle, second.connection]


async def test_a_connection_promised_to_a_request_is_not_closed_to_make_room() -> None:
    idle = FakeConnection("a")
    pool = _pool([idle], max_connections=1)
    promised = _queue(pool, "a")
    pool._assign_requests_to_connections()  # promised, still idle until its request runs
    other = _queue(pool, "b")
    assert pool._assign_requests_to_connections() == []
    assert promised.connection is idle and idle.state == "idle"
    assert other.is_queued()


async def test_an_idle_connection_nobody_holds_is_closed_to_make_room() -> None:
    idle = FakeConnection("a")
    pool = _pool([idle], max_connections=1)
    other = _queue(pool, "b")
    assert pool._assign_requests_to_connections() == [idle]
    assert isinstance(other.connection, FakeConnection) and other.connection.origin == "b"


async def test_expired_connections_are_closed_and_closed_ones_dropped() -> None:
    expired, closed, kept = (
        FakeConnection("a", "expired"),
        FakeConnection("a", "closed"),
        FakeConnection("a"),
    )
    pool = _pool([expired, closed, kept], max_connections=4)
    assert pool._assign_requests_to_connections() == [expired]
    assert pool._connections == [kept]


async def test_idle_connections_beyond_the_keepalive_limit_are_closed_the_oldest_first() -> None:
    oldest, newer, newest = FakeConnection("a"), FakeConnection("a"), FakeConnection("a")
    busy = FakeConnection("a", "active")
    pool = _pool([oldest, busy, newer, newest], max_connections=8, max_keepalive_connections=1)
    _queue(pool, "a").assign_to_connection(busy)  # serving its request
    assert pool._assign_requests_to_connections() == [oldest, newer]
    assert pool._connections == [busy, newest]


async def test_a_promised_connection_that_expired_is_still_closed() -> None:
    idle = FakeConnection("a")
    pool = _pool([idle], max_connections=2)
    promised = _queue(pool, "a")
    pool._assign_requests_to_connections()
    idle.state = "expired"  # e.g. the server closed it before the request ran
    assert pool._assign_requests_to_connections() == [idle]
    assert pool._connections == []  # the request finds it closed and goes round again
    assert promised.connection is idle


async def test_a_promise_is_free_again_once_its_request_has_left_the_pool() -> None:
    idle = FakeConnection("a")
    pool = _pool([idle], max_connections=1)
    cancelled = _queue(pool, "a")
    pool._assign_requests_to_connections()
    pool._requests.remove(cancelled)  # what a cancelled or timed-out request does
    waiting = _queue(pool, "a")
    assert pool._assign_requests_to_connections() == []
    assert waiting.connection is idle


async def test_a_connection_nobody_holds_that_is_not_idle_is_closed() -> None:
    """Its request was cancelled between the promise and the use: never used again."""
    orphan, promised_new = FakeConnection("a", "new"), FakeConnection("a", "new")
    pool = _pool([orphan, promised_new], max_connections=2)
    _queue(pool, "a").assign_to_connection(promised_new)
    waiting = _queue(pool, "a")
    assert pool._assign_requests_to_connections() == [orphan]
    assert isinstance(waiting.connection, FakeConnection)
    assert pool._connections == [promised_new, waiting.connection]


async def test_a_connection_serving_a_request_is_not_counted_as_surplus() -> None:
    held = FakeConnection("a")
    pool = _pool([held], max_connections=2, max_keepalive_connections=0)
    request = _queue(pool, "a")
    request.assign_to_connection(held)  # promised in an earlier pass, not yet started
    assert pool._assign_requests_to_connections() == []
    assert pool._connections == [held]


def test_http2_is_refused() -> None:
    with pytest.raises(ValueError, match=r"HTTP/1\.1 only"):
        Pool(http2=True)


def test_an_unchecked_httpcore_gets_its_own_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    assert type(connection_pool()) is Pool
    monkeypatch.setattr(pool_module, "CHECKED", ())
    assert type(connection_pool()) is httpcore.AsyncConnectionPool


def test_many_requests_at_once_never_find_their_connection_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """40 requests at once on 4 connections: each is sent on the connection it was given,
    the first time (httpcore's own pass gave one idle connection to several, and all but
    one went round again)."""
    taken: list[int] = []
    real = httpcore.AsyncHTTP11Connection.handle_async_request

    async def counted(self: httpcore.AsyncHTTP11Connection, request: httpcore.Request) -> Any:
        try:
            return await real(self, request)
        except httpcore.ConnectionNotAvailable:
            taken.append(1)
            raise

    monkeypatch.setattr(httpcore.AsyncHTTP11Connection, "handle_async_request", counted)
    connections: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                await asyncio.sleep(0.001)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def go() -> list[int]:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            async with async_client(max_connections=4) as client:
                answers = await asyncio.gather(
                    *(client.get(f"http://127.0.0.1:{port}/{i}") for i in range(40))
                )
                return [a.status_code for a in answers]
        finally:
            server.close()

    assert asyncio.run(go()) == [200] * 40
    assert len(connections) <= 4
    assert taken == []


def test_requests_to_three_servers_that_stall_and_hang_up_each_get_their_own_answer() -> None:
    """Many requests at once to three origins on a pool of 3 connections: the servers
    answer after random delays, and now and then close a connection after an answer
    (said or not) or before one. Every request ends, with the answer to its own path or
    with a transport error, and none waits for its deadline."""
    rnd = random.Random(18)
    handlers: dict[asyncio.StreamWriter, asyncio.Task[Any] | None] = {}

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers[writer] = asyncio.current_task()
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1]
                await asyncio.sleep(rnd.uniform(0, 0.005))
                fate = rnd.random()
                if fate < 0.05:
                    break  # hang up before answering
                close = fate < 0.15
                extra = b"Connection: close\r\n" if close else b""
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(path), extra, path)
                )
                await writer.drain()
                if close or fate < 0.2:  # the last 5 %: closed without saying so
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def go() -> tuple[int, int]:
        servers = [await asyncio.start_server(serve, "127.0.0.1", 0) for _ in range(3)]
        bases = [f"http://127.0.0.1:{s.sockets[0].getsockname()[1]}" for s in servers]
        answered = failed = 0
        try:
            async with async_client(max_connections=3) as client:

                async def one(i: int) -> None:
                    nonlocal answered, failed
                    path = f"/{i}"
                    try:
                        got = await client.get(bases[i % 3] + path, timeout=5)
                    except httpx.TransportError:
                        failed += 1
                        return
                    assert got.text == path
                    answered += 1

                async with asyncio.timeout(4):  # under each request's own deadline
                    for _ in range(5):
                        await asyncio.gather(*(one(i) for i in range(60)))
        finally:
            for server in servers:
                server.close()
            for writer in handlers:  # a handler still reading ends at its end of stream
                writer.close()
            await asyncio.gather(*(h for h in handlers.values() if h is not None))
        return answered, failed

    answered, failed = asyncio.run(go())
    assert answered + failed == 300
    assert answered > failed


def test_a_request_cancelled_between_its_promise_and_its_use_leaves_no_place_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a pool of one: the second request is promised a new connection and cancelled
    before it runs (as a deadline can). The third request still gets a connection (in
    httpcore's pool the promised one kept the only place: a pool timeout)."""
    second: list[asyncio.Task[Any]] = []
    real_create = Pool.create_connection

    def create(self: Pool, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        if self._connections == [] and second and not second[0].done():
            second[0].cancel()  # inside the pass that promises it the connection
        return real_create(self, origin)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    async def go() -> int:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
        try:
            async with async_client(max_connections=1) as client:
                first = asyncio.create_task(client.get(url))
                await asyncio.sleep(0)  # the first holds the only place
                second.append(asyncio.create_task(client.get(url)))
                monkeypatch.setattr(Pool, "create_connection", create)
                await first
                with pytest.raises(asyncio.CancelledError):
                    await second[0]
                third = await client.get(url, timeout=httpx.Timeout(5, pool=1))
                return third.status_code
        finally:
            server.close()

    assert asyncio.run(go()) == 200
