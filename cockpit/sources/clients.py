"""The one place HTTP clients are built, and the one way a request is made.

Every client (Prometheus, Alertmanager, probes, plugins, doctor, the CLI) comes from
``async_client()``. Its transport picks, per request, a connection pool built from that
request's TLS settings (``verify``, ``ca_file``, client certificate), which travel with
the request as an extension (``tls_extension``): one shared client, each endpoint
trusted its own way. Without a proxy the pool is httpcore's on plain asyncio
(``sources/wire.py``); only public httpx, httpcore and stdlib API is used.

``fetch`` is the request: a deadline on the whole answer (headers and body; httpx's
timeouts are per read, so a server trickling a byte every second would hold a call
forever), a cap on the body's size, and redirects followed only within the same origin:
a redirect elsewhere is an error naming where it pointed, so no header (secret or not)
leaves for another host and no other host's answer is taken as data.

``open_response`` is the probes' request: the same transport, past the client's layers.

``run_blocking`` runs such requests for synchronous callers (PromQL in a thread worker,
the webhook's delivery thread).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import urllib.request
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from concurrent.futures import CancelledError, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import httpx

from cockpit.config import Tls
from cockpit.sources.errors import SourceError

T = TypeVar("T")
TLS_EXTENSION = "cockpit.tls"  # the request extension carrying its Tls settings
MAX_BODY = 32 * 1024 * 1024  # bytes; a bigger answer is refused, never held in memory
MAX_REDIRECTS = 5  # same-origin hops
# httpx's own (per read) timeouts sit past the deadline, so a hung or trickling server
# always ends with the deadline's message, whichever way it stalls.
READ_SLACK = 1.0
DEFAULT_TLS = Tls()


class DeadlinePassed(SourceError):
    """The whole answer did not arrive within the deadline."""


class TooLarge(SourceError):
    """The answer is larger than the caller accepts; it was not read to the end."""


class Redirected(SourceError):
    """The server sent the request to another origin; it was not followed."""


def tls_extension(tls: Tls) -> dict[str, Any]:
    """The request extensions that make ``async_client()`` use ``tls`` for a request."""
    return {TLS_EXTENSION: tls}


def _describe_file_error(tls: Tls, exc: OSError | ssl.SSLError) -> str:
    what = f"{exc.strerror}" if isinstance(exc, OSError) and exc.strerror else str(exc)
    files = [str(p) for p in (tls.ca_file, tls.cert_file, tls.key_file) if p is not None]
    return f"TLS settings: cannot load {' / '.join(files)}: {what}"


@lru_cache(maxsize=64)
def ssl_context(tls: Tls) -> ssl.SSLContext:
    """The context for ``tls``; a file that cannot be read is a ``SourceError``."""
    try:
        if not tls.verify:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        elif tls.ca_file is not None:
            # Only the private CA: a public certificate for the same name is not enough.
            context = ssl.create_default_context(cafile=str(tls.ca_file))
        else:
            context = httpx.create_ssl_context()
        if tls.cert_file is not None:
            key = str(tls.key_file) if tls.key_file is not None else None
            context.load_cert_chain(str(tls.cert_file), key)
    except (OSError, ssl.SSLError) as exc:
        raise SourceError(_describe_file_error(tls, exc)) from None
    return context


def _no_tls_context() -> ssl.SSLContext:
    """A context for a pool that never speaks TLS: it verifies and trusts nothing, so a
    TLS connection through it (there is none) could only fail."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class Proxies:
    """The proxy the environment names for a URL (HTTP(S)_PROXY, NO_PROXY), if any.

    Read when the client is built, as httpx reads it, and remembered per scheme and host:
    reading the whole environment twice on every request was about a tenth of a probe's CPU."""

    def __init__(self) -> None:
        self._proxies = urllib.request.getproxies()
        self._seen: dict[tuple[str, str], str | None] = {}

    def for_url(self, url: httpx.URL) -> str | None:
        key = (url.scheme, url.host)
        if key not in self._seen:
            bypass = urllib.request.proxy_bypass(url.host)
            self._seen[key] = None if bypass else self._proxies.get(url.scheme)
        return self._seen[key]


class TlsRouting(httpx.AsyncBaseTransport):
    """One connection pool per (TLS settings, proxy), chosen per request."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._pools: dict[tuple[Tls | None, str | None], httpx.AsyncBaseTransport] = {}
        self._proxies = Proxies()

    def _pool(self, request: httpx.Request) -> httpx.AsyncBaseTransport:
        tls = request.extensions.get(TLS_EXTENSION, DEFAULT_TLS)
        if not isinstance(tls, Tls):
            tls = DEFAULT_TLS
        proxy = self._proxies.for_url(request.url)
        # Plain HTTP without a proxy speaks no TLS: its pool (key None) loads no CA bundle
        # (about 20 ms of `cockpit alerts` before its first request, issue 18).
        key = (None if proxy is None and request.url.scheme == "http" else tls, proxy)
        pool: httpx.AsyncBaseTransport | None = self._pools.get(key)
        if pool is None:
            context = _no_tls_context() if key[0] is None else ssl_context(tls)
            if proxy is None:  # the common case: httpcore's pool on plain asyncio
                # Imported at the first request, as httpx imports httpcore: not before the
                # TUI's first frame (issue 18's import row).
                from cockpit.sources.wire import PoolTransport

                pool = PoolTransport(context, self._limits)
            else:
                pool = httpx.AsyncHTTPTransport(verify=context, limits=self._limits, proxy=proxy)
            self._pools[key] = pool
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request).handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()


def async_client(*, max_connections: int = 16) -> httpx.AsyncClient:
    """The client every part of the cockpit uses; close it with ``aclose``/``async with``."""
    limits = httpx.Limits(max_connections=max_connections)
    # trust_env=False: the transport reads the proxy variables itself (httpx would mount
    # its own pools for them, which would not know the endpoint's TLS settings).
    routing = TlsRouting(limits)
    client = httpx.AsyncClient(transport=routing, follow_redirects=False, trust_env=False)
    _ROUTING[client] = routing
    return client


# The factory's clients and their transports, for ``open_response``.
_ROUTING: weakref.WeakKeyDictionary[httpx.AsyncClient, TlsRouting] = weakref.WeakKeyDictionary()


@asynccontextmanager
async def open_response(
    client: httpx.AsyncClient,
    method: str,
    url: httpx.URL,
    *,
    headers: Mapping[str, str],
    timeout: float,
    tls: Tls,
) -> AsyncIterator[httpx.Response]:
    """``client.stream(...)`` for the probes' hot path: on a factory client the request goes
    straight to its transport (the same pools, TLS settings, and no redirect followed),
    past httpx's client layers (URL merging, auth and redirect flows, hooks and the cookie
    jar: about an eighth of a probe's CPU, issue 18). It sends the client's default headers
    and no cookies. Any other client (a test's mock transport) gets ``client.stream``."""
    routing = _ROUTING.get(client)
    extensions = tls_extension(tls)
    if routing is None:
        async with client.stream(
            method, url, headers=headers, timeout=timeout, extensions=extensions
        ) as response:
            yield response
        return
    if client.is_closed:
        raise RuntimeError("Cannot send a request, as the client has been closed.")
    merged = httpx.Headers(client.headers)
    merged.update(headers)
    extensions["timeout"] = httpx.Timeout(timeout).as_dict()
    request = httpx.Request(method, url, headers=merged, extensions=extensions)
    response = await routing.handle_async_request(request)
    response.request = request
    try:
        yield response
    finally:
        await response.aclose()


@dataclass(frozen=True)
class Answer:
    """A complete response: status, headers and the whole body."""

    status: int
    headers: httpx.Headers
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; ``ValueError`` when it is not."""
        return loads(self.body)


def loads(data: str | bytes) -> Any:
    """``json.loads`` for answers from outside: ``ValueError`` for anything that is not
    JSON the cockpit can hold, an answer nested too deeply for the decoder included."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _where(url: httpx.URL) -> str:
    """Where a redirect pointed, without credentials or query (which could carry anything)."""
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{url.host}{port}{url.path}"


async def read_body(response: httpx.Response, max_body: int = MAX_BODY) -> bytes:
    """The body of a streamed response, or ``TooLarge`` past ``max_body`` bytes."""
    declared = response.headers.get("content-length", "")
    size = int(declared) if declared.isdigit() else 0
    if size > max_body:
        raise TooLarge(f"answer too large ({size // 1_000_000} MB; limit {_mb(max_body)})")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_body:
            raise TooLarge(f"answer too large (over {_mb(max_body)})")
        chunks.append(chunk)
    return b"".join(chunks)


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


async def _fetch(
    client: httpx.AsyncClient, request: httpx.Request, auth: httpx.Auth | None, max_body: int
) -> Answer:
    for _ in range(MAX_REDIRECTS + 1):
        response = await client.send(request, auth=auth, stream=True, follow_redirects=False)
        try:
            target = response.next_request
            if target is None:
                return Answer(
                    response.status_code, response.headers,
                    await read_body(response, max_body), request.url.path,
                )  # fmt: skip
            if origin(target.url) != origin(request.url):
                raise Redirected(
                    f"{request.url.path} redirected to another origin ({_where(target.url)});"
                    " not followed"
                )
            request = target
        finally:
            await response.aclose()
    raise SourceError(f"{request.url.path}: more than {MAX_REDIRECTS} redirects")


async def fetch(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    deadline: float,
    tls: Tls = DEFAULT_TLS,
    headers: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    params: Mapping[str, str | float] | None = None,
    json_body: Any = None,
    form: Mapping[str, str | float] | None = None,
    max_body: int = MAX_BODY,
) -> Answer:
    """One request and its whole answer within ``deadline`` seconds, or ``SourceError``.

    Any status comes back as an ``Answer``; the caller judges it. httpx's own errors are
    left to the caller too (``describe_httpx_error`` names them)."""
    request = client.build_request(
        method, url, params=params, headers=headers, json=json_body, data=form,
        timeout=deadline + READ_SLACK, extensions=tls_extension(tls),
    )  # fmt: skip
    basic = httpx.BasicAuth(*auth) if auth is not None else None
    try:
        async with asyncio.timeout(deadline):
            return await _fetch(client, request, basic, max_body)
    except TimeoutError:
        raise DeadlinePassed(f"no complete answer within {deadline:g} s") from None


class BlockingClient:
    """``run_blocking`` for a caller that asks again and again (the TUI's SLO poll, every
    few seconds): one event loop in its own thread, started at the first call, with one
    ``async_client()`` on it, so connections stay open between calls instead of a new
    loop, client and connection for every request. ``close`` ends both."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    def _start(self) -> tuple[asyncio.AbstractEventLoop, httpx.AsyncClient]:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="cockpit-http", daemon=True)
        thread.start()

        async def make() -> httpx.AsyncClient:
            return async_client()

        client = asyncio.run_coroutine_threadsafe(make(), loop).result()
        self._loop, self._client, self._thread = loop, client, thread
        return loop, client

    def run(self, work: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
        """``work`` on the kept client; blocks the calling thread (never the loop's own)."""
        with self._lock:
            if self._closed:  # a call that outlived close: a loop of its own, as before
                return run_blocking(work)
            if self._loop is None or self._client is None:
                loop, client = self._start()
            else:
                loop, client = self._loop, self._client

        async def go() -> T:
            return await work(client)

        try:
            return asyncio.run_coroutine_threadsafe(go(), loop).result()
        except CancelledError:  # ended by ``close``
            raise SourceError("the HTTP client closed before its answer came") from None

    def close(self) -> None:
        """End the calls still running (their callers get a ``SourceError``: closing the
        connections does not wake one that is, say, still connecting), then the client
        and the loop."""
        with self._lock:
            loop, client, thread = self._loop, self._client, self._thread
            self._loop = self._client = self._thread = None
            self._closed = True
        if loop is None or client is None or thread is None:
            return

        async def end() -> None:
            running = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            await client.aclose()

        try:
            asyncio.run_coroutine_threadsafe(end(), loop).result(timeout=5)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            if not thread.is_alive():
                loop.close()


def run_blocking(work: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    """``work`` on a fresh ``async_client()`` from synchronous code (a thread worker).

    Called from a thread whose event loop is running, it runs in a helper thread instead
    (loops do not nest); the caller blocks either way, as it asked to."""

    async def go() -> T:
        async with async_client() as client:
            return await work(client)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(go())
    with ThreadPoolExecutor(1, thread_name_prefix="cockpit-http") as pool:
        return pool.submit(lambda: asyncio.run(go())).result()
