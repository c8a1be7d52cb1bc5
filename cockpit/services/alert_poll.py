"""One alert poll cycle: every Alertmanager cluster's alerts and silences (each cluster
read by ``cluster_poll.ClusterPoll``) joined with every Prometheus' pending alerts and rule
health, all asked at once. Alertmanager's groups are asked for only while the pane groups
by them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from cockpit.config import Config
from cockpit.model import alerts as alert_model
from cockpit.model import silences as silence_model
from cockpit.model.alerts import RuleHealth
from cockpit.model.freshness import Freshness
from cockpit.model.snapshots import AlertSnapshot
from cockpit.services.cluster_poll import ClusterPoll, problem_of
from cockpit.sources import prometheus

# Alert sources from plugins, by name (the plugin host registers them at start-up). Each
# is called in a thread once per cycle; its alerts join Alertmanager's.
ALERT_SOURCES: dict[str, Callable[[], Sequence[alert_model.Alert]]] = {}
ALERT_SOURCE_TIMEOUT = 30.0  # seconds, at most; never longer than the cycle's deadline
# A cycle may take this many times the longest endpoint timeout; each request is bounded
# by its own endpoint's timeout already, so this catches what lies between them.
CYCLE_FACTOR = 2.0


class AlertPoller:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.clusters = [ClusterPoll(endpoint) for endpoint in config.alertmanagers]
        self.freshness = Freshness() if self.clusters else Freshness.not_configured()
        self.want_groups = False
        self._last: tuple[alert_model.Alert, ...] = ()
        self._joined: tuple[list[alert_model.Alert], list[alert_model.Alert]] = ([], [])
        self._from_plugins: dict[str, tuple[alert_model.Alert, ...]] = {}
        self._extra: tuple[alert_model.Alert, ...] = ()
        self._silences: tuple[silence_model.Silence, ...] = ()
        self._rules: tuple[alert_model.RuleHealth, ...] = ()

    def cycle_seconds(self) -> float:
        """The deadline of one cycle: a cycle that passes it is abandoned, marked stale."""
        endpoints = (*self.config.alertmanagers, *self.config.prometheus_servers)
        timeouts = [e.timeout.total_seconds() for e in endpoints]
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
            return self.failed(datetime.now(UTC), reason, pending_error=reason)
        return await self._apply(results)

    async def _ask(self, client: httpx.AsyncClient) -> dict[tuple[str, str, int], Any]:
        """Every request of the cycle at once: each cluster's peers and each Prometheus."""
        tasks: dict[tuple[str, str, int], Awaitable[Any]] = {}
        for cluster in self.clusters:
            for (what, i), task in cluster.requests(client, self.want_groups).items():
                tasks[cluster.name, what, i] = task
        for i, prom in enumerate(self.config.prometheus_servers):
            tasks[prom.name, "pending", i] = prometheus.fetch_alerts(client, prom)
            tasks[prom.name, "rules", i] = prometheus.fetch_rules(client, prom)
        answers = await asyncio.gather(*tasks.values(), return_exceptions=True)
        results = dict(zip(tasks, answers, strict=True))
        for result in results.values():
            # A bug (not a source failure) surfaces as the cycle's internal error.
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result
        return results

    async def _apply(self, results: dict[tuple[str, str, int], Any]) -> AlertSnapshot:
        now = datetime.now(UTC)
        pending, pending_errors, rules = self._read_prometheus(results)
        if rules is not None:
            self._rules = rules
        for cluster in self.clusters:
            mine = {(what, i): r for (name, what, i), r in results.items() if name == cluster.name}
            cluster.apply(mine, now, self.want_groups)
        if self.clusters:
            self._join([a for c in self.clusters for a in c.alerts], pending)
            self.freshness = self._overall(now)
            silences = tuple(s for c in self.clusters for s in c.silences)
            if silences != self._silences:
                self._silences = silences
        else:
            self._join([], pending)
        if ALERT_SOURCES:
            extra, errors = await self._plugin_alerts()
            self._extra = tuple(extra)
            pending_errors.extend(errors)
        silences_error = self._named(
            # A cluster down is said once, as stale: not again for its silences.
            [
                (c.name, c.silences_error)
                for c in self.clusters
                if c.silences_error is not None and c.freshness.error is None
            ]
        )
        return self.snapshot(self._named(pending_errors), silences_error)

    def _read_prometheus(
        self, results: dict[tuple[str, str, int], Any]
    ) -> tuple[list[alert_model.Alert], list[tuple[str, str] | str], tuple[RuleHealth, ...] | None]:
        """Pending alerts and rule health from every Prometheus; None for the rules when no
        server answered them (the last ones are kept)."""
        pending: list[alert_model.Alert] = []
        errors: list[tuple[str, str] | str] = []
        rules: list[RuleHealth] = []
        answered = False
        for i, prom in enumerate(self.config.prometheus_servers):
            result = results.get((prom.name, "pending", i))
            error = problem_of(result)
            if isinstance(result, dict):
                try:
                    pending.extend(alert_model.pending_from_prometheus(result, prom.name))
                except ValueError as exc:  # the answer's items are not alerts
                    error = str(exc)
            if error is not None:
                errors.append((prom.name, error))
            rules_result = results.get((prom.name, "rules", i))
            if isinstance(rules_result, dict):
                rules.extend(alert_model.rules_from_prometheus(rules_result))
                answered = True
        return pending, errors, (tuple(rules) if answered else None)

    def _named(self, problems: Sequence[tuple[str, str] | str]) -> str | None:
        """Problems joined into one line, each named by its server when there are several."""
        several = len(self.clusters) > 1 or len(self.config.prometheus_servers) > 1
        parts = [
            f"{p[0]}: {p[1]}" if isinstance(p, tuple) and several else
            p[1] if isinstance(p, tuple) else p
            for p in problems
        ]  # fmt: skip
        return "; ".join(parts) or None

    def _overall(self, now: datetime) -> Freshness:
        """The pane's freshness: failed only when every cluster failed (one cluster down
        marks only its own rows, see ``AlertSnapshot.clusters``)."""
        failed = [c for c in self.clusters if c.freshness.error is not None]
        if len(failed) < len(self.clusters):
            return self.freshness.succeeded(now)
        return self.freshness.failed(
            now, self._named([(c.name, c.freshness.error or "?") for c in failed]) or "?"
        )

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
        groups = {k: v for c in self.clusters for k, v in c.groups.items()}
        return AlertSnapshot(
            alerts,
            self.freshness,
            pending_error,
            silences=self._silences,
            groups=groups,
            rules=self._rules,
            silences_error=silences_error,
            clusters={c.name: c.freshness for c in self.clusters},
            peer_errors={c.name: c.peer_error for c in self.clusters if c.peer_error},
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

    def failed(
        self, at: datetime, reason: str, *, pending_error: str | None = None
    ) -> AlertSnapshot:
        """The last alerts, kept on screen, marked as failed for ``reason`` (every cluster:
        the cycle as a whole failed)."""
        self.freshness = self.freshness.failed(at, reason)
        for cluster in self.clusters:
            cluster.freshness = cluster.freshness.failed(at, reason)
        return self.snapshot(pending_error, pending_error)
