"""The connection pool under every client built without a proxy: httpcore's pool (with
the assignment pass of ``sources/pool.py``) on a plain asyncio network backend, with
httpx's own types on both ends.

httpx's default transport drives sockets through anyio, whose "is this idle connection
readable" check (made for every pooled connection each time a request comes or goes)
builds a dict of every socket attribute, a ``getpeername`` system call included: about a
third of the event loop's time in a cycle of 1,000 probes (issue 18). Here that check
reads what the protocol already holds (end of stream, unexpected bytes, a closed
transport) and then polls the socket once. Timeouts, TLS (``ssl_object`` for the
certificate's expiry), and httpx's exception types stay as httpx gives them.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import select
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from cockpit.sources.pool import connection_pool

HIGH_WATER = 256 * 1024  # bytes buffered before the socket is no longer read


class _Wire(asyncio.Protocol):
    """What arrived on one connection, and the futures waiting for more or for drain."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.drained: asyncio.Future[None] | None = None
        self.reading_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()
            self.reading_paused = True
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()
        self.resume_writing()

    def pause_writing(self) -> None:
        if self.drained is None:
            self.drained = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        drained, self.drained = self.drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)

    def _wake(self) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, wire: _Wire, transport: asyncio.Transport) -> None:
        self._wire = wire
        self._transport = transport
        sock = transport.get_extra_info("socket")
        self._poll = select.poll()
        if sock is not None and sock.fileno() >= 0:
            self._poll.register(sock.fileno(), select.POLLIN)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        wire = self._wire
        if not wire.buffer and not wire.eof:
            waiter = asyncio.get_running_loop().create_future()
            wire.waiter = waiter
            try:
                async with asyncio.timeout(timeout):
                    await waiter
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out reading") from None
            finally:
                if wire.waiter is waiter:
                    wire.waiter = None
        if wire.buffer:
            data = bytes(wire.buffer[:max_bytes])
            del wire.buffer[:max_bytes]
            if wire.reading_paused and len(wire.buffer) < HIGH_WATER // 4:
                wire.reading_paused = False
                self._transport.resume_reading()
            return data
        if wire.error is not None:
            raise httpcore.ReadError(str(wire.error) or type(wire.error).__name__) from wire.error
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._transport.is_closing():
            raise httpcore.WriteError("connection closed")
        self._transport.write(buffer)
        drained = self._wire.drained
        if drained is not None:
            try:
                async with asyncio.timeout(timeout):
                    await asyncio.shield(drained)
            except TimeoutError:
                raise httpcore.WriteTimeout("timed out writing") from None
        if self._wire.error is not None:
            raise httpcore.WriteError(str(self._wire.error)) from self._wire.error

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, self._wire, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError:
            self._transport.close()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from None
        except (OSError, ssl.SSLError) as exc:
            self._transport.close()
            raise httpcore.ConnectError(str(exc)) from exc
        assert isinstance(transport, asyncio.Transport)
        self._wire.transport = transport
        return AsyncioStream(self._wire, transport)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            wire = self._wire
            if wire.eof or wire.buffer or self._transport.is_closing():
                return True
            return bool(self._poll.poll(0))
        name = {"ssl_object": "ssl_object", "client_addr": "sockname",
                "server_addr": "peername", "socket": "socket"}.get(info)  # fmt: skip
        return None if name is None else self._transport.get_extra_info(name)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        wire = _Wire()
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                transport, _ = await loop.create_connection(
                    lambda: wire, host, port, local_addr=local
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout("timed out connecting") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from _refused_everywhere(exc)
        assert isinstance(transport, asyncio.Transport)
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(wire, transport)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _refused_everywhere(exc: OSError) -> OSError:
    """Python 3.11 joins the failures of a name with several addresses into one plain
    ``OSError`` ("Multiple exceptions: [Errno 111] Connect call failed ..."); when every
    address refused, say so as the one-address case does."""
    text = str(exc)
    if not text.startswith("Multiple exceptions: "):
        return exc
    parts = text.removeprefix("Multiple exceptions: ").split(", [Errno ")
    if all(part.removeprefix("[Errno ").startswith(f"{errno.ECONNREFUSED}]") for part in parts):
        return ConnectionRefusedError(errno.ECONNREFUSED, text)
    return exc


# httpcore's errors as httpx names them (httpx's own transport maps them the same way).
_ERRORS: dict[type[Exception], type[httpx.HTTPError]] = {
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
    httpcore.ProtocolError: httpx.ProtocolError,
}


def as_httpx_error(exc: Exception) -> Exception:
    """The httpx error for an httpcore one (the most specific kind); others unchanged."""
    for kind in type(exc).__mro__:
        mapped = _ERRORS.get(kind)
        if mapped is not None:
            return mapped(str(exc))
    return exc


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    """httpcore's errors raised inside come out as httpx's; any other as it is."""
    try:
        yield
    except Exception as exc:
        mapped = as_httpx_error(exc)
        if mapped is exc:
            raise
        raise mapped from exc


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        await self._stream.aclose()


class PoolTransport(httpx.AsyncBaseTransport):
    """The connection pool (``sources/pool.py``) on ``AsyncioBackend``, one TLS context
    for all."""

    def __init__(self, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._pool = connection_pool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=AsyncioBackend(),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = await self._pool.handle_async_request(core)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
