"""One alert poll cycle: Alertmanager's alerts and silences joined with Prometheus' pending
alerts and rule health. Alertmanager's groups are asked for only while the pane groups by them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from cockpit.config import Config
from cockpit.model import alerts as alert_model
from cockpit.model import silences as silence_model
from cockpit.model.freshness import Freshness
from cockpit.model.snapshots import AlertSnapshot
from cockpit.secrets import SecretError
from cockpit.sources import alertmanager, prometheus
from cockpit.sources.errors import SourceError

# Alert sources from plugins, by name (the plugin host registers them at start-up). Each
# is called in a thread once per cycle; its alerts join Alertmanager's.
ALERT_SOURCES: dict[str, Callable[[], Sequence[alert_model.Alert]]] = {}
ALERT_SOURCE_TIMEOUT = 30.0  # seconds, at most; never longer than the cycle's deadline
# A cycle may take this many times the longest endpoint timeout; each request is bounded
# by its own endpoint's timeout already, so this catches what lies between them.
CYCLE_FACTOR = 2.0


def _problem(result: object) -> str | None:
    if isinstance(result, SourceError | SecretError):
        return str(result)
    if isinstance(result, Exception):
        return f"unexpected {type(result).__name__}"
    return None


class AlertPoller:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.freshness = (
            Freshness() if config.alertmanager is not None else Freshness.not_configured()
        )
        self.want_groups = False
        self._last: tuple[alert_model.Alert, ...] = ()
        # Alertmanager's last answer per fingerprint, and the alert read from it: an
        # unchanged item is not read again, and an unchanged list is the same tuple.
        self._read: dict[str, tuple[Any, alert_model.Alert]] = {}
        self._joined: tuple[list[alert_model.Alert], list[alert_model.Alert]] = ([], [])
        self._from_plugins: dict[str, tuple[alert_model.Alert, ...]] = {}
        self._extra: tuple[alert_model.Alert, ...] = ()
        self._silences: tuple[silence_model.Silence, ...] = ()
        self._groups: dict[str, str] = {}
        self._rules: tuple[alert_model.RuleHealth, ...] = ()

    def cycle_seconds(self) -> float:
        """The deadline of one cycle: a cycle that passes it is abandoned, marked stale."""
        endpoints = (self.config.alertmanager, self.config.prometheus)
        timeouts = [e.timeout.total_seconds() for e in endpoints if e is not None]
        return CYCLE_FACTOR * max(timeouts, default=5.0)

    async def poll(self, client: httpx.AsyncClient) -> AlertSnapshot:
        """One cycle; past ``cycle_seconds()`` it is abandoned and the last alerts are kept,
        marked with the reason."""
        seconds = self.cycle_seconds()
        try:
            async with asyncio.timeout(seconds):
                results = await self._ask(client)
        except TimeoutError:
            reason = f"no complete answer within {seconds:g} s"
            self.freshness = self.freshness.failed(datetime.now(UTC), reason)
            return self.snapshot(reason, reason)
        return await self._apply(results)

    async def _ask(self, client: httpx.AsyncClient) -> dict[str, Any]:
        am, prom = self.config.alertmanager, self.config.prometheus
        tasks: dict[str, Awaitable[Any]] = {}
        if am is not None:
            tasks["alerts"] = alertmanager.fetch_alerts(client, am)
            tasks["silences"] = alertmanager.fetch_silences(client, am)
            if self.want_groups:
                tasks["groups"] = alertmanager.fetch_groups(client, am)
        if prom is not None:
            tasks["pending"] = prometheus.fetch_alerts(client, prom)
            tasks["rules"] = prometheus.fetch_rules(client, prom)
        answers = await asyncio.gather(*tasks.values(), return_exceptions=True)
        results = dict(zip(tasks, answers, strict=True))
        for result in results.values():
            # A bug (not a source failure) surfaces as the cycle's internal error.
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result
        return results

    async def _apply(self, results: dict[str, Any]) -> AlertSnapshot:
        now = datetime.now(UTC)
        am = self.config.alertmanager
        pending: list[alert_model.Alert] = []
        pending_result = results.get("pending")
        pending_error = _problem(pending_result)
        if isinstance(pending_result, dict):
            try:
                pending = alert_model.pending_from_prometheus(pending_result)
            except ValueError as exc:  # the answer's items are not alerts
                pending_error = str(exc)
        rules_result = results.get("rules")
        if isinstance(rules_result, dict):
            self._rules = tuple(alert_model.rules_from_prometheus(rules_result))

        silences_error = None
        if am is None:
            self._join([], pending)
        else:
            firing_result = results["alerts"]
            wrong = (
                None
                if isinstance(firing_result, BaseException)
                else alert_model.not_alerts(firing_result, "Alertmanager")
            )
            if wrong is None and isinstance(firing_result, list):
                firing = self._read_alerts(firing_result)
                self._join(firing, pending)
                self.freshness = self.freshness.succeeded(now)
            else:
                # Stale data stays on screen, marked stale: keep the last good list.
                why = wrong or _problem(firing_result) or "?"
                self.freshness = self.freshness.failed(now, why)
            silences_result = results["silences"]
            if isinstance(silences_result, list):
                silences = tuple(
                    s for item in silences_result if (s := silence_model.from_api(item))
                )
                if silences != self._silences:
                    self._silences = silences
            else:
                silences_error = _problem(silences_result)
            groups_result = results.get("groups")
            if isinstance(groups_result, list):
                self._groups = alert_model.groups_by_fingerprint(groups_result)
            elif not self.want_groups:
                self._groups = {}
        if ALERT_SOURCES:
            extra, errors = await self._plugin_alerts()
            self._extra = tuple(extra)
            pending_error = "; ".join(e for e in (pending_error, *errors) if e) or None
        return self.snapshot(pending_error, silences_error)

    def _read_alerts(self, items: list[Any]) -> list[alert_model.Alert]:
        """Alertmanager's items as alerts; an item equal to the last answer's item of the
        same fingerprint gives the same Alert object (not read again)."""
        before, now = self._read, {}
        alerts = []
        for item in items:
            fingerprint = item.get("fingerprint")
            known = before.get(fingerprint) if isinstance(fingerprint, str) else None
            if known is not None and known[0] == item:
                alert = known[1]
            else:
                alert = alert_model.from_alertmanager(item)
            if isinstance(fingerprint, str) and fingerprint:
                now[fingerprint] = (item, alert)
            alerts.append(alert)
        self._read = now
        return alerts

    def _join(self, firing: list[alert_model.Alert], pending: list[alert_model.Alert]) -> None:
        """The alerts of this cycle, ranked; the same tuple as the last cycle's when equal,
        so the pane sees an unchanged list at the cost of comparing object identities (and
        unchanged alerts are not ranked and merged again)."""
        if firing == self._joined[0] and pending == self._joined[1]:
            return
        self._joined = (firing, pending)
        joined = tuple(alert_model.merge(firing, pending))
        if joined != self._last:
            self._last = joined

    def snapshot(
        self, pending_error: str | None = None, silences_error: str | None = None
    ) -> AlertSnapshot:
        alerts = self._last
        if self._extra:
            alerts = tuple(sorted((*self._last, *self._extra), key=alert_model.Alert.rank))
        return AlertSnapshot(
            alerts,
            self.freshness,
            pending_error,
            silences=self._silences,
            groups=dict(self._groups),
            rules=self._rules,
            silences_error=silences_error,
        )

    async def _plugin_alerts(self) -> tuple[list[alert_model.Alert], list[str]]:
        """Every plugin source's alerts; a failing source keeps its last ones, named."""
        alerts: list[alert_model.Alert] = []
        errors: list[str] = []
        wait = min(ALERT_SOURCE_TIMEOUT, self.cycle_seconds())
        for name, fetch in list(ALERT_SOURCES.items()):
            try:
                fetched = await asyncio.wait_for(asyncio.to_thread(fetch), wait)
                self._from_plugins[name] = tuple(fetched)
            except TimeoutError:
                errors.append(f"{name}: no answer in {wait:g} s")
            except Exception as exc:  # the host has already judged and reported it
                errors.append(f"{name}: {exc}")
            alerts.extend(self._from_plugins.get(name, ()))
        return alerts, errors

    def failed(self, at: datetime, reason: str) -> AlertSnapshot:
        """The last alerts, kept on screen, marked as failed for ``reason``."""
        self.freshness = self.freshness.failed(at, reason)
        return self.snapshot()
