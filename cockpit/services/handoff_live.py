"""What the digest needs from the live sources: the alerts now, and Alertmanager's
silences (``GET /api/v2/silences``). A source that fails is named, never fatal."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from cockpit.config import Config, Endpoint
from cockpit.model.alerts import Alert, parse_time
from cockpit.secrets import SecretError
from cockpit.services.alert_poll import AlertPoller
from cockpit.sources.endpoint import get_json
from cockpit.sources.errors import SourceError

# The karma convention: an ack is a short silence whose comment says so.
ACK_MARKERS = ("ack!", "ack:", "acked", "acknowledged")


@dataclass(frozen=True)
class Silence:
    id: str
    created_by: str
    comment: str
    starts_at: datetime
    ends_at: datetime
    state: str  # active, pending or expired
    matchers: tuple[str, ...]

    @property
    def is_ack(self) -> bool:
        text = self.comment.strip().lower()
        return any(text.startswith(marker) for marker in ACK_MARKERS)


def parse_silence(item: Mapping[str, Any]) -> Silence | None:
    starts, ends = parse_time(item.get("startsAt")), parse_time(item.get("endsAt"))
    if starts is None or ends is None:
        return None
    matchers = []
    for m in item.get("matchers") or ():
        if not isinstance(m, dict):
            continue
        op = ("=~" if m.get("isRegex") else "=") if m.get("isEqual", True) else (
            "!~" if m.get("isRegex") else "!=")  # fmt: skip
        matchers.append(f"{m.get('name')}{op}{m.get('value')}")
    status = item.get("status") or {}
    return Silence(
        id=str(item.get("id", "")),
        created_by=str(item.get("createdBy", "")),
        comment=str(item.get("comment", "")),
        starts_at=starts,
        ends_at=ends,
        state=str(status.get("state", "")) if isinstance(status, dict) else "",
        matchers=tuple(matchers),
    )


async def fetch_silences(client: httpx.AsyncClient, endpoint: Endpoint) -> list[Silence]:
    body = await get_json(client, endpoint, "/api/v2/silences", "Alertmanager")
    if not isinstance(body, list):
        raise SourceError("/api/v2/silences did not answer a list; is this Alertmanager?")
    return [s for item in body if isinstance(item, dict) and (s := parse_silence(item))]


@dataclass(frozen=True)
class LiveState:
    """``None`` means not known, with the reason beside it."""

    alerts: tuple[Alert, ...] | None = None
    alerts_problem: str | None = "not fetched"
    silences: tuple[Silence, ...] | None = None
    silences_problem: str | None = "not fetched"


async def fetch_live(config: Config, client: httpx.AsyncClient) -> LiveState:
    alerts: tuple[Alert, ...] | None = None
    alerts_problem: str | None = None
    if config.alertmanager is None:
        # Firing, silenced and inhibited alerts exist only in Alertmanager.
        alerts_problem = "no Alertmanager configured ([alertmanager] url)"
    else:
        poller = AlertPoller(config)
        snapshot = await poller.poll(client)
        if snapshot.freshness.error is not None:
            alerts_problem = f"Alertmanager: {snapshot.freshness.error}"
        else:
            alerts = snapshot.alerts
    silences: tuple[Silence, ...] | None = None
    silences_problem: str | None = None
    if config.alertmanager is None:
        silences_problem = "no Alertmanager configured ([alertmanager] url)"
    else:
        try:
            silences = tuple(await fetch_silences(client, config.alertmanager))
        except (SourceError, SecretError) as exc:
            silences_problem = f"Alertmanager: {exc}"
    return LiveState(alerts, alerts_problem, silences, silences_problem)


def fetch_live_blocking(config: Config) -> LiveState:
    """For the command line: one short-lived client, every request with its timeout."""

    async def run() -> LiveState:
        async with httpx.AsyncClient() as client:
            return await fetch_live(config, client)

    return asyncio.run(run())
