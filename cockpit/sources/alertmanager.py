"""Alertmanager API v2 over httpx (async)."""

from __future__ import annotations

from typing import Any

import httpx

from cockpit.config import Endpoint
from cockpit.sources.endpoint import get_json
from cockpit.sources.errors import SourceError


async def fetch_alerts(client: httpx.AsyncClient, endpoint: Endpoint) -> list[dict[str, Any]]:
    """Active, silenced and inhibited alerts; the pane decides what to show."""
    body = await get_json(
        client, endpoint, "/api/v2/alerts", "Alertmanager",
        active="true", silenced="true", inhibited="true",
    )  # fmt: skip
    if not isinstance(body, list):
        raise SourceError("/api/v2/alerts did not answer a list; is this Alertmanager?")
    return [item for item in body if isinstance(item, dict)]


async def fetch_status(client: httpx.AsyncClient, endpoint: Endpoint) -> dict[str, Any]:
    body = await get_json(client, endpoint, "/api/v2/status", "Alertmanager")
    if not isinstance(body, dict) or "versionInfo" not in body:
        raise SourceError("/api/v2/status has no versionInfo; is this Alertmanager?")
    return body
