"""Run one health probe: an HTTP request (or a TCP connect) judged by its conditions.

A failing target is never an exception: the result says what failed, in which category
(timeout, dns, refused, tls, connect, status, body, condition, secret), and keeps the
response for the detail view.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import httpx

from cockpit.config import ProbeConfig
from cockpit.model.conditions import Condition, Observation, evaluate
from cockpit.model.probes import ConditionResult, ProbeResult, Response, children_of
from cockpit.secrets import SecretError
from cockpit.sources.clients import TooLarge, loads, open_response, read_body
from cockpit.sources.endpoint import resolve_headers_off_loop
from cockpit.sources.errors import SourceError, describe_httpx_error

TOTAL_GRACE = 1.0  # seconds beyond the probe's timeout for the whole response
BODY_KEPT = 2000  # characters of the body kept for the detail view
BODY_READ = 4 * 1024 * 1024  # bytes: a health body larger than this fails the probe
# Never kept for display: they carry credentials or session tokens.
HIDDEN_HEADERS = {"set-cookie", "authorization", "proxy-authorization", "www-authenticate"}


BUILTIN_SCHEMES = ("http", "https", "tcp")
ProbeRunner = Callable[[ProbeConfig, Sequence[Condition]], Awaitable[ProbeResult]]
# Probe kinds from plugins, by URL scheme (the plugin host registers them at start-up).
PROBE_KINDS: dict[str, ProbeRunner] = {}


@dataclass(frozen=True)
class _Seen:
    observation: Observation
    response: Response | None = None
    error: str | None = None
    category: str | None = None
    body_is_json: bool = True


async def run_probe(
    client: httpx.AsyncClient,
    probe: ProbeConfig,
    conditions: Sequence[Condition],
    *,
    allow_degraded: bool = False,
) -> ProbeResult:
    """One request judged by ``conditions`` (the probe's parsed conditions).

    ``allow_degraded`` accepts a declared degraded mode even where the probe's config does
    not (the CLI's --allow-ready-degraded).
    """
    now = datetime.now(UTC)
    scheme = urlsplit(probe.url).scheme
    if scheme not in BUILTIN_SCHEMES:
        runner = PROBE_KINDS.get(scheme)
        if runner is None:
            reason = f"no enabled plugin for {scheme}:// probes; see `cockpit plugins list`"
            return ProbeResult(probe.name, False, now, reason=reason, category="plugin")
        return await runner(probe, conditions)
    seen = await (_tcp(probe) if probe.url.startswith("tcp://") else _http(client, probe))
    observation = seen.observation
    if seen.error is not None:
        return ProbeResult(
            probe.name, False, now, observation.response_time_ms, observation.status,
            seen.error, seen.category, response=seen.response,
        )  # fmt: skip
    degraded = (probe.degraded_ok or allow_degraded) and _declares_degraded(observation)
    results = tuple(ConditionResult(c.text, evaluate(c, observation)) for c in conditions)
    failed = [
        (c, r.failure)
        for c, r in zip(conditions, results, strict=True)
        # In a declared degraded mode a 503 is expected; the other conditions still count.
        if r.failure is not None and not (degraded and c.placeholder == "STATUS")
    ]
    category = _category(failed[0][0]) if failed else None
    reason = "; ".join(str(f) for _, f in failed)
    if failed and category == "body" and not seen.body_is_json:
        reason = f"body is not JSON; {reason}"
    return ProbeResult(
        probe.name, not failed, now, observation.response_time_ms, observation.status,
        reason, category, degraded=degraded and not failed,
        children=children_of(observation.body), conditions=results, response=seen.response,
    )  # fmt: skip


async def run_probe_bounded(
    client: httpx.AsyncClient,
    probe: ProbeConfig,
    conditions: Sequence[Condition],
    *,
    allow_degraded: bool = False,
) -> ProbeResult:
    """``run_probe`` with a limit on the whole request: httpx's timeout is per read, so a
    server trickling bytes would otherwise keep the probe in flight, its state frozen."""
    try:
        async with asyncio.timeout(probe.timeout.total_seconds() + TOTAL_GRACE):
            return await run_probe(client, probe, conditions, allow_degraded=allow_degraded)
    except TimeoutError:
        return ProbeResult(
            probe.name, False, datetime.now(UTC), probe.timeout.total_seconds() * 1000,
            reason="timed out (whole response)", category="timeout",
        )  # fmt: skip


def _declares_degraded(seen: Observation) -> bool:
    body = seen.body
    if seen.status != 503 or not isinstance(body, Mapping):
        return False
    return "degraded" in (body.get("status"), body.get("mode"))


def _category(condition: Condition) -> str:
    if condition.placeholder == "STATUS":
        return "status"
    if condition.about_body:
        return "body"
    return "condition"


def _connect_category(description: str) -> str:
    for prefix, category in (
        ("timed out", "timeout"), ("connection refused", "refused"),
        ("DNS", "dns"), ("TLS", "tls"),
    ):  # fmt: skip
        if description.startswith(prefix):
            return category
    return "connect"


async def _http(client: httpx.AsyncClient, probe: ProbeConfig) -> _Seen:
    try:
        headers = await resolve_headers_off_loop(probe.headers)
    except SecretError as exc:
        return _Seen(Observation(), error=str(exc), category="secret")
    except SourceError as exc:
        return _Seen(Observation(), error=str(exc), category="connect")
    started = time.perf_counter()
    try:
        # No redirect is followed (the client's rule): a probe judges the 3xx itself.
        async with open_response(
            client,
            probe.method,
            _url(probe.url),
            headers=headers,
            timeout=probe.timeout.total_seconds(),
            tls=probe.tls,
        ) as response:
            expires = _certificate_expiry(response)
            raw = await read_body(response, BODY_READ)
    except httpx.InvalidURL as exc:
        return _Seen(Observation(), error=f"invalid URL: {exc}", category="connect")
    except TooLarge as exc:
        status = response.status_code
        return _Seen(Observation(status=status), error=str(exc), category="body")
    except SourceError as exc:  # the TLS files named in the probe's config cannot be read
        return _Seen(Observation(), error=str(exc), category="tls")
    except httpx.HTTPError as exc:
        description = describe_httpx_error(exc)
        elapsed = (time.perf_counter() - started) * 1000
        observation = Observation(response_time_ms=elapsed)
        return _Seen(observation, error=description, category=_connect_category(description))
    elapsed_ms = (time.perf_counter() - started) * 1000
    text = raw.decode(response.encoding or "utf-8", errors="replace")
    body: Any
    try:
        body = loads(text)
        is_json = True
    except ValueError:
        body, is_json = None, False
    kept = tuple(
        (name, value) for name, value in response.headers.items() if name not in HIDDEN_HEADERS
    )
    return _Seen(
        Observation(
            status=response.status_code, response_time_ms=elapsed_ms, body=body,
            certificate_expires_in=expires,
        ),
        Response(response.status_code, kept[:30], text[:BODY_KEPT]),
        body_is_json=is_json,
    )  # fmt: skip


@lru_cache(maxsize=4096)
def _url(text: str) -> httpx.URL:
    """A probe's URL parsed once, not on every request (a tenth of a probe's CPU in
    httpx's parser, issue 18); ``httpx.InvalidURL`` as before."""
    return httpx.URL(text)


def _certificate_expiry(response: httpx.Response) -> timedelta | None:
    """Time left on the server's certificate, read off the live TLS connection."""
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if not isinstance(ssl_object, ssl.SSLObject | ssl.SSLSocket):
        return None
    cert = ssl_object.getpeercert()
    not_after = cert.get("notAfter") if cert else None
    if not isinstance(not_after, str):
        return None
    return certificate_time_left(not_after, datetime.now(UTC))


def certificate_time_left(not_after: str, now: datetime) -> timedelta:
    """From the ``notAfter`` text of a certificate (``"Jun  1 12:00:00 2027 GMT"``)."""
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)
    return expires - now


async def _tcp(probe: ProbeConfig) -> _Seen:
    parts = urlsplit(probe.url)
    started = time.perf_counter()
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port),
            timeout=probe.timeout.total_seconds(),
        )
    except TimeoutError:
        return _Seen(Observation(connected=False), error="timed out", category="timeout")
    except ConnectionRefusedError:
        refused = "connection refused"
        return _Seen(Observation(connected=False), error=refused, category="refused")
    except OSError as exc:
        category = "dns" if isinstance(exc, socket.gaierror) else "connect"
        message = f"cannot connect: {exc.strerror or exc}"
        return _Seen(Observation(connected=False), error=message, category=category)
    elapsed_ms = (time.perf_counter() - started) * 1000
    writer.close()
    return _Seen(Observation(connected=True, response_time_ms=elapsed_ms))
