"""What the digest needs from the live sources: the alerts now, and Alertmanager's
silences. Both come from one alert poll (``AlertPoller``: ``sources.alertmanager`` and
``model.silences``), so acks are read by the alerts feature's rule. A source that fails is
named, never fatal."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.silences import Silence
from cockpit.services.alert_poll import AlertPoller
from cockpit.sources.clients import async_client


@dataclass(frozen=True)
class LiveState:
    """``None`` means not known, with the reason beside it."""

    alerts: tuple[Alert, ...] | None = None
    alerts_problem: str | None = "not fetched"
    silences: tuple[Silence, ...] | None = None
    silences_problem: str | None = "not fetched"


async def fetch_live(config: Config, client: httpx.AsyncClient) -> LiveState:
    if config.alertmanager is None:
        # Firing, silenced and inhibited alerts and silences exist only in Alertmanager.
        why = "no Alertmanager configured ([alertmanager] url)"
        return LiveState(None, why, None, why)
    snapshot = await AlertPoller(config).poll(client)
    alerts: tuple[Alert, ...] | None = None
    alerts_problem: str | None = None
    if snapshot.freshness.error is not None:
        alerts_problem = f"Alertmanager: {snapshot.freshness.error}"
    else:
        alerts = snapshot.alerts
        # Some clusters answered, not all: the alerts are known but for theirs.
        missing = snapshot.stale_clusters()
        if missing:
            alerts_problem = "; ".join(
                f"Alertmanager {name}: {why} (its alerts are missing)"
                for name, why in missing.items()
            )
    silences: tuple[Silence, ...] | None = None
    silences_problem: str | None = None
    if snapshot.silences_error is not None:
        silences_problem = f"Alertmanager: {snapshot.silences_error}"
    else:
        silences = snapshot.silences
    return LiveState(alerts, alerts_problem, silences, silences_problem)


def fetch_live_blocking(config: Config) -> LiveState:
    """For the command line: one short-lived client, every request with its timeout."""

    async def run() -> LiveState:
        async with async_client() as client:
            return await fetch_live(config, client)

    return asyncio.run(run())
