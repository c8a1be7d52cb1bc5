"""One Alertmanager cluster's part of an alert poll: its alerts from every HA peer that
answers (one alert per fingerprint), its silences and groups from the first peer that
answers (gossip keeps a pair's silences the same), and its own freshness, so one
cluster down marks only its own alerts stale."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import datetime
from typing import Any

import httpx

from cockpit.config import Endpoint
from cockpit.model import alerts as alert_model
from cockpit.model import silences as silence_model
from cockpit.model.freshness import Freshness
from cockpit.secrets import SecretError
from cockpit.sources import alertmanager
from cockpit.sources.errors import SourceError


def problem_of(result: object) -> str | None:
    """What a failed request said, or None when ``result`` is an answer."""
    if isinstance(result, SourceError | SecretError):
        return str(result)
    if isinstance(result, Exception):
        return f"unexpected {type(result).__name__}"
    return None


class ClusterPoll:
    """The state kept between cycles for one ``[[alertmanager]]`` entry."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.name = endpoint.name
        self.freshness = Freshness()
        self.alerts: list[alert_model.Alert] = []
        self.silences: tuple[silence_model.Silence, ...] = ()
        self.groups: dict[str, str] = {}
        self.silences_error: str | None = None
        self.peer_error: str | None = None  # some peers answered, these did not
        # The last answer per fingerprint and the alert read from it: an unchanged item is
        # not read again (5,000 alerts a cycle), and an unchanged list keeps its objects.
        self._read: dict[str, tuple[Any, alert_model.Alert]] = {}

    def requests(
        self, client: httpx.AsyncClient, want_groups: bool
    ) -> dict[tuple[str, int], Awaitable[Any]]:
        """This cycle's requests, keyed by (what, peer index)."""
        tasks: dict[tuple[str, int], Awaitable[Any]] = {}
        for i, peer in enumerate(self.endpoint.each_peer):
            tasks["alerts", i] = alertmanager.fetch_alerts(client, peer)
            tasks["silences", i] = alertmanager.fetch_silences(client, peer)
            if want_groups:
                tasks["groups", i] = alertmanager.fetch_groups(client, peer)
        return tasks

    def apply(self, results: dict[tuple[str, int], Any], now: datetime, want_groups: bool) -> None:
        """Read this cycle's answers; a cluster none of whose peers answered keeps its last
        alerts, marked failed with the reason."""
        peers = self.endpoint.peers
        answers: list[list[Any]] = []
        failures: list[str] = []
        for i, url in enumerate(peers):
            result = results["alerts", i]
            wrong = (
                None
                if isinstance(result, BaseException)
                else alert_model.not_alerts(result, "Alertmanager")
            )
            if wrong is None and isinstance(result, list):
                answers.append(result)
            else:
                why = wrong or problem_of(result) or "?"
                failures.append(f"{url}: {why}" if len(peers) > 1 else why)
        if answers:
            self.alerts = self._read_alerts(answers)
            self.freshness = self.freshness.succeeded(now)
            answering = f"{len(answers)} of {len(peers)} peers answering"
            self.peer_error = f"{answering} ({'; '.join(failures)})" if failures else None
        else:
            self.freshness = self.freshness.failed(now, "; ".join(failures))
            self.peer_error = None
        self._apply_silences(results, peers)
        groups = _first_list(results, "groups", len(peers))
        if groups is not None:
            self.groups = alert_model.groups_by_fingerprint(groups)
        elif not want_groups:
            self.groups = {}

    def _apply_silences(self, results: dict[tuple[str, int], Any], peers: Sequence[str]) -> None:
        found = _first_list(results, "silences", len(peers))
        if found is None:
            self.silences_error = problem_of(results["silences", 0])
            return
        self.silences_error = None
        silences = tuple(s for item in found if (s := silence_model.from_api(item, self.name)))
        if silences != self.silences:
            self.silences = silences

    def _read_alerts(self, answers: list[list[Any]]) -> list[alert_model.Alert]:
        """The peers' items as alerts, one per fingerprint (the first peer's wins); an item
        equal to the last cycle's item of the same fingerprint gives the same object."""
        before, now = self._read, {}
        alerts = []
        for n, items in enumerate(answers):
            for item in items:
                fingerprint = item.get("fingerprint")
                keyed = isinstance(fingerprint, str) and bool(fingerprint)
                if keyed and fingerprint in now:
                    continue  # the same alert from another peer of the pair
                if not keyed and n > 0:
                    continue  # no fingerprint to match it by: the first peer's list has it
                known = before.get(fingerprint) if keyed else None
                if known is not None and known[0] == item:
                    alert = known[1]
                else:
                    alert = alert_model.from_alertmanager(item, self.name)
                if keyed:
                    now[fingerprint] = (item, alert)
                alerts.append(alert)
        self._read = now
        return alerts


def _first_list(results: dict[tuple[str, int], Any], what: str, peers: int) -> list[Any] | None:
    """The first peer's answer that is a list (what gossip shares: silences, groups)."""
    for i in range(peers):
        result = results.get((what, i))
        if isinstance(result, list):
            return result
    return None
