"""Run one health probe: an HTTP request (or a TCP connect) judged by its conditions."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from cockpit.config import ProbeConfig
from cockpit.model.conditions import Condition, Observation, evaluate
from cockpit.model.probes import ProbeResult
from cockpit.secrets import SecretError
from cockpit.sources.endpoint import resolve_headers
from cockpit.sources.errors import describe_httpx_error


async def run_probe(
    client: httpx.AsyncClient, probe: ProbeConfig, conditions: Sequence[Condition]
) -> ProbeResult:
    """Never raises for a failing target: the failure is the result, with its reason.
    ``conditions`` are the probe's parsed conditions."""
    now = datetime.now(UTC)
    if probe.url.startswith("tcp://"):
        seen, error = await _tcp(probe)
    else:
        seen, error = await _http(client, probe)
    if error is not None:
        return ProbeResult(probe.name, False, now, seen.response_time_ms, seen.status, error)
    failures = [
        reason for condition in conditions if (reason := evaluate(condition, seen)) is not None
    ]
    return ProbeResult(
        probe.name,
        not failures,
        now,
        seen.response_time_ms,
        seen.status,
        "; ".join(failures),
    )


async def _http(client: httpx.AsyncClient, probe: ProbeConfig) -> tuple[Observation, str | None]:
    try:
        headers = resolve_headers(probe.headers)
    except SecretError as exc:
        return Observation(), str(exc)
    started = time.perf_counter()
    try:
        response = await client.request(
            probe.method, probe.url, headers=headers, timeout=probe.timeout.total_seconds()
        )
    except httpx.HTTPError as exc:
        return Observation(), describe_httpx_error(exc)
    elapsed_ms = (time.perf_counter() - started) * 1000
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    return Observation(status=response.status_code, response_time_ms=elapsed_ms, body=body), None


async def _tcp(probe: ProbeConfig) -> tuple[Observation, str | None]:
    parts = urlsplit(probe.url)
    started = time.perf_counter()
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port),
            timeout=probe.timeout.total_seconds(),
        )
    except TimeoutError:
        return Observation(connected=False), "timed out"
    except ConnectionRefusedError:
        return Observation(connected=False), "connection refused"
    except OSError as exc:
        return Observation(connected=False), f"cannot connect: {exc.strerror or exc}"
    elapsed_ms = (time.perf_counter() - started) * 1000
    writer.close()
    return Observation(connected=True, response_time_ms=elapsed_ms), None
