"""Prometheus over HTTP: PromQL instant and range queries, alert and rule state.

Every call goes through ``clients.fetch`` (the endpoint's TLS, headers and auth, a
deadline on the whole answer, no redirect to another origin). ``PrometheusQueries`` is
the blocking face for thread workers; it replaced prometheus-api-client, whose calls
read the body inside the library with per-read timeouts only, so a trickling server held
them for as long as it trickled (see docs/internals.md, "Deadlines").
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import httpx

from cockpit.config import Endpoint
from cockpit.sources.clients import BlockingClient, loads, run_blocking
from cockpit.sources.endpoint import get_json, send
from cockpit.sources.errors import SourceError


class QueryRefused(SourceError):
    """Prometheus answered 400 or 422: this query is wrong, not the server."""


def refused(status: int, body: bytes) -> SourceError:
    """A non-200 answer to a query: a 400/422 is a bad query (try the SLOs one by one);
    a 401, 429 or 503 is the server (stop asking)."""
    if status in (400, 422):
        return QueryRefused(f"query refused: {_error_text(body)[:200]}")
    return SourceError(f"request failed (HTTP {status})")


def _error_text(body: bytes) -> str:
    """Prometheus' own words for a refusal: ``errorType: error`` from its JSON."""
    try:
        answer = loads(body)
    except ValueError:
        return body.decode("utf-8", errors="replace").strip()
    if isinstance(answer, dict) and answer.get("error"):
        return f"{answer.get('errorType', 'error')}: {answer['error']}"
    return str(answer)


# Above this many characters a query goes in a POST body: proxies commonly refuse request
# lines over 8 KiB, and the batched query for 100 SLOs is about 28 KB. Shorter queries stay
# GETs, which read-only proxies in front of Prometheus are sure to let through.
LONG_QUERY = 4000


@dataclass(frozen=True)
class Sample:
    labels: dict[str, str]
    value: float


class PrometheusQueries:
    """Blocking PromQL client for thread workers (each call runs its own event loop).

    ``deadline`` (a ``time.monotonic()`` value, or None) bounds a whole poll cycle: each
    request gets the endpoint's timeout or what is left of the cycle, whichever is less.
    """

    def __init__(self, endpoint: Endpoint, *, kept: BlockingClient | None = None) -> None:
        self.endpoint = endpoint
        # One loop and client kept for every call (the TUI's poll), instead of one each.
        self.kept = kept
        self.deadline: float | None = None
        self.cycle_seconds = 0.0  # for the message when the cycle's time runs out

    def _path(self, path: str, params: Mapping[str, str | float], *, post: bool = False) -> Any:
        limit: float | None = None
        if self.deadline is not None:
            limit = self.deadline - time.monotonic()
            if limit <= 0:
                raise SourceError(f"no complete answer within {self.cycle_seconds:g} s")
        run = self.kept.run if self.kept is not None else run_blocking
        return run(lambda client: self._ask(client, path, params, post, limit))

    async def _ask(
        self,
        client: httpx.AsyncClient,
        path: str,
        params: Mapping[str, str | float],
        post: bool,
        limit: float | None,
    ) -> Any:
        endpoint = self.endpoint
        if limit is not None and limit < endpoint.timeout.total_seconds():
            endpoint = replace(endpoint, timeout=timedelta(seconds=limit))
        if post:
            answer = await send(client, endpoint, "POST", path, form=params)
        else:
            answer = await send(client, endpoint, "GET", path, params=params)
        if answer.status != 200:
            raise refused(answer.status, answer.body)
        try:
            body = answer.json()
            result = body["data"]["result"]
        except (ValueError, KeyError, TypeError):
            raise SourceError("the answer was not a query result; is this Prometheus?") from None
        if not isinstance(result, list):
            raise SourceError("the answer was not a query result; is this Prometheus?")
        return result

    def query(self, expr: str, at: float | None = None) -> list[Sample]:
        """Instant query; ``at`` (Unix seconds) pins the evaluation time, so the parts of a
        ratio asked in separate requests see the same data."""
        params: dict[str, str | float] = {"query": expr}
        if at is not None:
            params["time"] = at
        result = self._path("/api/v1/query", params, post=len(expr) > LONG_QUERY)
        samples = []
        for item in result:
            if not isinstance(item, dict):
                raise SourceError("the answer was not a query result; is this Prometheus?")
            try:
                value = float(item["value"][1])
            except (KeyError, IndexError, TypeError, ValueError, OverflowError):
                value = math.nan
            metric = item.get("metric")
            labels = {str(k): str(v) for k, v in metric.items()} if isinstance(metric, dict) else {}
            samples.append(Sample(labels, value))
        return samples

    def range(self, expr: str, start: float, end: float, step: float) -> list[tuple[float, float]]:
        """``query_range`` of a single-series expression: (unix time, value) points."""
        params: dict[str, str | float] = {
            "query": expr, "start": start, "end": end, "step": f"{max(step, 1):.0f}s",
        }  # fmt: skip
        result = self._path("/api/v1/query_range", params, post=len(expr) > LONG_QUERY)
        if not result or not isinstance(result[0], dict):
            return []
        try:
            return [(float(t), float(v)) for t, v in result[0].get("values", [])]
        except (TypeError, ValueError, OverflowError):
            raise SourceError("the answer was not a range result; is this Prometheus?") from None

    def scalar(self, expr: str, at: float | None = None) -> float | None:
        """The single value of ``expr``; None when it returns nothing or NaN."""
        samples = self.query(expr, at)
        if not samples or math.isnan(samples[0].value):
            return None
        return samples[0].value


async def fetch_alerts(client: httpx.AsyncClient, endpoint: Endpoint) -> dict[str, Any]:
    """``GET /api/v1/alerts``: the only place pending alerts exist."""
    return await _get_json(client, endpoint, "/api/v1/alerts")


async def fetch_rules(client: httpx.AsyncClient, endpoint: Endpoint) -> dict[str, Any]:
    """``GET /api/v1/rules?type=alert``: each alerting rule's health and last error."""
    body = await get_json(client, endpoint, "/api/v1/rules", "Prometheus", type="alert")
    if not isinstance(body, dict) or body.get("status") != "success":
        raise SourceError("/api/v1/rules answered without status=success; is this Prometheus?")
    data = body.get("data")
    return data if isinstance(data, dict) else {}


async def fetch_buildinfo(client: httpx.AsyncClient, endpoint: Endpoint) -> dict[str, Any]:
    # `/` answers for any web server (Alertmanager too); buildinfo is Prometheus' own.
    return await _get_json(client, endpoint, "/api/v1/status/buildinfo")


async def _get_json(client: httpx.AsyncClient, endpoint: Endpoint, path: str) -> dict[str, Any]:
    body = await get_json(client, endpoint, path, "Prometheus")
    if not isinstance(body, dict) or body.get("status") != "success":
        raise SourceError(f"{path} answered without status=success; is this Prometheus?")
    data = body.get("data")
    return data if isinstance(data, dict) else {}
