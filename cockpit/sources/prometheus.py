"""Prometheus over HTTP: PromQL instant queries through prometheus-api-client
(synchronous: call it from a thread worker) and alert/rule state through httpx.

The client is imported lazily (about 175 ms) and built with an explicit timeout and
no retries: its defaults wait forever on a hung server and stall about 6 s retrying.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from cockpit.config import Endpoint
from cockpit.sources.endpoint import get_json, request_settings
from cockpit.sources.errors import SourceError


class QueryRefused(SourceError):
    """Prometheus answered 400 or 422: this query is wrong, not the server."""


def _refused(exc: Exception) -> SourceError:
    """prometheus-api-client raises one type for every non-200 answer: a 400/422 is a bad
    query (try the SLOs one by one); a 401, 429 or 503 is the server (stop asking)."""
    text = str(exc)
    status = re.search(r"HTTP Status Code (\d+)", text)
    code = int(status.group(1)) if status else 0
    if code in (400, 422):
        return QueryRefused(f"query refused: {text[:200]}")
    return SourceError(f"request failed (HTTP {code})" if code else "request failed")


@contextmanager
def _as_source_errors() -> Iterator[None]:
    """Every way a prometheus-api-client call fails, as a SourceError with a short reason."""
    import requests
    from prometheus_api_client.exceptions import PrometheusApiClientException

    try:
        yield
    except requests.Timeout:
        raise SourceError("timed out") from None
    except requests.ConnectionError as exc:
        reason = "connection refused" if "refused" in str(exc).lower() else "cannot connect"
        raise SourceError(reason) from None
    except PrometheusApiClientException as exc:
        raise _refused(exc) from None
    except requests.RequestException as exc:
        # Only the type: requests quotes invalid header values, and so tokens.
        raise SourceError(f"request failed ({type(exc).__name__})") from None
    except (ValueError, KeyError, TypeError):
        raise SourceError("the answer was not a query result; is this Prometheus?") from None


# Above this many characters a query goes in a POST body: proxies commonly refuse request
# lines over 8 KiB, and the batched query for 100 SLOs is about 28 KB. Shorter queries stay
# GETs, which read-only proxies in front of Prometheus are sure to let through.
LONG_QUERY = 4000


def _post_query(client: Any, expr: str, params: dict[str, float]) -> Any:
    """``/api/v1/query`` as a form POST, which Prometheus answers like the GET.

    prometheus-api-client always puts the query in the URL, even with ``method="POST"``."""
    from prometheus_api_client.exceptions import PrometheusApiClientException

    response = client._session.post(
        f"{client.url}/api/v1/query",
        data={"query": expr, **params},
        headers=client.headers,
        auth=client.auth,
        verify=client._session.verify,
        timeout=client._timeout,
    )
    if response.status_code != 200:
        # The same text as the library's, so _refused reads the status the same way.
        raise PrometheusApiClientException(
            f"HTTP Status Code {response.status_code} ({response.content!r})"
        )
    return response.json()["data"]["result"]


@dataclass(frozen=True)
class Sample:
    labels: dict[str, str]
    value: float


class PrometheusQueries:
    """Blocking PromQL client; one per poll loop, used from one thread at a time."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._client: Any = None

    def _connect(self) -> Any:
        if self._client is None:
            from prometheus_api_client import PrometheusConnect
            from urllib3.util.retry import Retry

            settings = request_settings(self.endpoint)
            client = PrometheusConnect(
                url=self.endpoint.url,
                headers=settings.headers,
                disable_ssl=settings.verify is False,
                retry=Retry(total=0, raise_on_status=False),
                auth=settings.basic_auth,
                timeout=settings.timeout,
            )
            if isinstance(settings.verify, str):
                client._session.verify = settings.verify
            self._client = client
        return self._client

    def query(self, expr: str, at: float | None = None) -> list[Sample]:
        """Instant query; ``at`` (Unix seconds) pins the evaluation time, so the parts of a
        ratio asked in separate requests see the same data."""
        client = self._connect()
        params = {"time": at} if at is not None else {}
        with _as_source_errors():
            if len(expr) > LONG_QUERY:
                result = _post_query(client, expr, params)
            else:
                result = client.custom_query(expr, params=params)
        samples = []
        for item in result:
            try:
                value = float(item["value"][1])
            except (KeyError, IndexError, TypeError, ValueError):
                value = math.nan
            samples.append(Sample(dict(item.get("metric", {})), value))
        return samples

    def range(self, expr: str, start: float, end: float, step: float) -> list[tuple[float, float]]:
        """``query_range`` of a single-series expression: (unix time, value) points."""
        client = self._connect()
        with _as_source_errors():
            result = client.custom_query_range(
                expr,
                start_time=datetime.fromtimestamp(start, UTC),
                end_time=datetime.fromtimestamp(end, UTC),
                step=f"{max(step, 1):.0f}s",
            )
        if not result:
            return []
        return [(float(t), float(v)) for t, v in result[0].get("values", [])]

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
