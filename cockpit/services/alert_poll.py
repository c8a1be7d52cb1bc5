"""One alert poll cycle: Alertmanager's alerts joined with Prometheus' pending ones."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import httpx

from cockpit.config import Config
from cockpit.model import alerts as alert_model
from cockpit.model.freshness import Freshness
from cockpit.secrets import SecretError
from cockpit.services.snapshots import AlertSnapshot
from cockpit.sources import alertmanager, prometheus
from cockpit.sources.errors import SourceError

# Alert sources from plugins, by name (the plugin host registers them at start-up). Each
# is called in a thread once per cycle; its alerts join Alertmanager's.
ALERT_SOURCES: dict[str, Callable[[], Sequence[alert_model.Alert]]] = {}
ALERT_SOURCE_TIMEOUT = 30.0  # seconds


class AlertPoller:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.freshness = (
            Freshness() if config.alertmanager is not None else Freshness.not_configured()
        )
        self._last: tuple[alert_model.Alert, ...] = ()
        self._from_plugins: dict[str, tuple[alert_model.Alert, ...]] = {}

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
        if ALERT_SOURCES:
            extra, errors = await self._plugin_alerts()
            alerts = tuple(sorted((*self._last, *extra), key=alert_model.Alert.rank))
            pending_error = "; ".join(e for e in (pending_error, *errors) if e) or None
            return AlertSnapshot(alerts, self.freshness, pending_error)
        return AlertSnapshot(self._last, self.freshness, pending_error)

    async def _plugin_alerts(self) -> tuple[list[alert_model.Alert], list[str]]:
        """Every plugin source's alerts; a failing source keeps its last ones, named."""
        alerts: list[alert_model.Alert] = []
        errors: list[str] = []
        for name, fetch in list(ALERT_SOURCES.items()):
            try:
                fetched = await asyncio.wait_for(asyncio.to_thread(fetch), ALERT_SOURCE_TIMEOUT)
                self._from_plugins[name] = tuple(fetched)
            except TimeoutError:
                errors.append(f"{name}: no answer in {ALERT_SOURCE_TIMEOUT:g} s")
            except Exception as exc:  # the host has already judged and reported it
                errors.append(f"{name}: {exc}")
            alerts.extend(self._from_plugins.get(name, ()))
        return alerts, errors

    def failed(self, at: datetime, reason: str) -> AlertSnapshot:
        """The last alerts, kept on screen, marked as failed for ``reason``."""
        self.freshness = self.freshness.failed(at, reason)
        return AlertSnapshot(self._last, self.freshness)
