"""One alert poll cycle: Alertmanager's alerts joined with Prometheus' pending ones."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from cockpit.config import Config
from cockpit.model import alerts as alert_model
from cockpit.model.freshness import Freshness
from cockpit.secrets import SecretError
from cockpit.services.snapshots import AlertSnapshot
from cockpit.sources import alertmanager, prometheus
from cockpit.sources.errors import SourceError


class AlertPoller:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.freshness = (
            Freshness() if config.alertmanager is not None else Freshness.not_configured()
        )
        self._last: tuple[alert_model.Alert, ...] = ()

    async def poll(self, client: httpx.AsyncClient) -> AlertSnapshot:
        now = datetime.now(UTC)
        am, prom = self.config.alertmanager, self.config.prometheus
        firing_task = alertmanager.fetch_alerts(client, am) if am else None
        pending_task = prometheus.fetch_alerts(client, prom) if prom else None
        results = await asyncio.gather(
            *(t for t in (firing_task, pending_task) if t is not None), return_exceptions=True
        )
        firing_result = results[0] if firing_task is not None else None
        pending_result = results[-1] if pending_task is not None else None

        pending: list[alert_model.Alert] = []
        pending_error = None
        if isinstance(pending_result, dict):
            pending = alert_model.pending_from_prometheus(pending_result)
        elif isinstance(pending_result, SourceError | SecretError):
            pending_error = str(pending_result)
        elif isinstance(pending_result, Exception):
            # Pending alerts are extra; an odd failure there must not cost the firing ones.
            pending_error = f"unexpected {type(pending_result).__name__}"

        if firing_task is None:
            self._last = tuple(alert_model.merge([], pending))
        elif isinstance(firing_result, list):
            firing = [alert_model.from_alertmanager(item) for item in firing_result]
            self._last = tuple(alert_model.merge(firing, pending))
            self.freshness = self.freshness.succeeded(now)
        elif isinstance(firing_result, SourceError | SecretError):
            # Stale data stays on screen, marked stale: keep the last good list.
            self.freshness = self.freshness.failed(now, str(firing_result))
        elif isinstance(firing_result, BaseException):
            raise firing_result
        return AlertSnapshot(self._last, self.freshness, pending_error)

    def failed(self, at: datetime, reason: str) -> AlertSnapshot:
        """The last alerts, kept on screen, marked as failed for ``reason``."""
        self.freshness = self.freshness.failed(at, reason)
        return AlertSnapshot(self._last, self.freshness)
