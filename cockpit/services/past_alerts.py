"""The alert list as it was at a past moment: what Prometheus remembers of its own alerts
(the ``ALERTS`` series, pending or firing, and ``ALERTS_FOR_STATE`` for since when),
joined with what the notebook knew then (the acks and their owners, the incidents an
alert was linked to) and the silences Alertmanager still keeps that covered it then.

Prometheus keeps labels, not annotations; alerts that reached Alertmanager from
elsewhere are not in ``ALERTS``. What cannot be known is said, never guessed: a moment
where Prometheus holds no data at all (before its retention, or while it was down).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cockpit.config import Config
from cockpit.config_types import Endpoint
from cockpit.model.alerts import Alert, fingerprint_of
from cockpit.model.silences import Silence
from cockpit.services.alert_actions import load_all_silences
from cockpit.sources.clients import run_blocking
from cockpit.sources.errors import SourceError
from cockpit.sources.prometheus import PrometheusQueries
from cockpit.store import Notebook
from cockpit.store.acks import AckRecord, acks_at
from cockpit.store.incidents import links_at

HIDDEN = frozenset({"__name__", "alertstate"})

# An alert of the past: (its cluster, its fingerprint). Alertmanager's fingerprint hashes
# the labels only, and two Prometheus servers may hold the same labels: two alerts.
PastKey = tuple[str, str]


def past_key(alert: Alert) -> PastKey:
    return alert.cluster, alert.fingerprint


class PastUnknown(Exception):
    """Nothing can be said of that moment; ``str()`` says why and what to do."""


@dataclass(frozen=True)
class PastAlerts:
    at: datetime
    alerts: list[Alert]
    acks: dict[PastKey, AckRecord] = field(default_factory=dict)  # the ack then
    incidents: dict[PastKey, list[str]] = field(default_factory=dict)  # incident ids
    silences: dict[PastKey, list[Silence]] = field(default_factory=dict)  # those then
    notes: list[str] = field(default_factory=list)  # what is missing from this picture
    # Each Prometheus server asked, by name: None when it answered, else why it could not.
    servers: dict[str, str | None] = field(default_factory=dict)

    def ack_of(self, alert: Alert) -> AckRecord | None:
        return self.acks.get(past_key(alert))

    def incidents_of(self, alert: Alert) -> list[str]:
        return self.incidents.get(past_key(alert), [])

    def silences_of(self, alert: Alert) -> list[Silence]:
        return self.silences.get(past_key(alert), [])


def _alerts_then(queries: PrometheusQueries, at: float) -> list[Alert]:
    since = {
        fingerprint_of({k: v for k, v in s.labels.items() if k not in HIDDEN}): s.value
        for s in queries.query("ALERTS_FOR_STATE", at)
    }
    alerts = []
    for sample in queries.query("ALERTS", at):
        labels = {k: v for k, v in sample.labels.items() if k not in HIDDEN}
        fingerprint = fingerprint_of(labels)
        started = since.get(fingerprint)
        alerts.append(Alert(
            name=labels.get("alertname", ""), labels=labels,
            state="pending" if sample.labels.get("alertstate") == "pending" else "firing",
            starts_at=None if started is None else datetime.fromtimestamp(started, UTC),
            fingerprint=fingerprint, cluster=queries.endpoint.name,
        ))  # fmt: skip
    return alerts


def _server_then(endpoint: Endpoint, at: datetime) -> list[Alert]:
    """One Prometheus server's alerts at ``at``; PastUnknown when it cannot say."""
    queries = PrometheusQueries(endpoint)
    stamp = at.timestamp()
    try:
        if not queries.query("count(up)", stamp):
            raise PastUnknown(
                f"Prometheus holds no data at {at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC: "
                "before its retention, or it was not running then"
            )
        return _alerts_then(queries, stamp)
    except SourceError as exc:
        raise PastUnknown(f"Prometheus did not answer: {exc}") from exc


def _every_server_then(config: Config, at: datetime) -> tuple[list[Alert], dict[str, str | None]]:
    """Every Prometheus server asked at once (each in its own thread: the client blocks),
    and what each said (None: it answered; else why not). A server that cannot say leaves
    its alerts out while another can; when none can, PastUnknown."""
    servers = config.prometheus_servers
    if len(servers) == 1:
        return _server_then(servers[0], at), {servers[0].name: None}
    with ThreadPoolExecutor(len(servers), thread_name_prefix="past-alerts") as pool:
        asked = [pool.submit(_server_then, server, at) for server in servers]
    alerts: list[Alert] = []
    said: dict[str, str | None] = {}
    for server, future in zip(servers, asked, strict=True):
        try:
            alerts.extend(future.result())
            said[server.name] = None
        except PastUnknown as exc:
            said[server.name] = str(exc)
    if all(why is not None for why in said.values()):
        raise PastUnknown("; ".join(f"{name}: {why}" for name, why in said.items()))
    return alerts, said


def _silences(config: Config, at: datetime) -> tuple[list[Silence], list[str]]:
    """The silences in force at ``at`` (every cluster's, read as the live view reads them),
    and a note for each cluster that did not answer."""
    if not config.alertmanagers:
        return [], ["no [alertmanager]: silences unknown"]
    try:
        found, problems = run_blocking(lambda client: load_all_silences(client, config))
    except SourceError as exc:
        return [], [f"Alertmanager did not answer, silences unknown: {exc}"]
    notes = [f"Alertmanager {name} did not answer, silences unknown: {why}"
             for name, why in problems.items()]  # fmt: skip
    return [s for s in found if s.starts_at <= at < s.ends_at], notes


def _same_cluster(config: Config, alert: Alert, cluster: str) -> bool:
    """Whether a silence or link of Alertmanager ``cluster`` may be about ``alert``, which
    a Prometheus server tagged with its own name: the Alertmanager of that name's, or any
    one's when none has it (the names need not line up). "" (a link made before the
    notebook kept clusters) is any cluster's."""
    names = config.clusters
    return not cluster or cluster == alert.cluster or alert.cluster not in names


def past_alerts(config: Config, at: datetime, notebook: Notebook | None) -> PastAlerts:
    if not config.prometheus_servers:
        raise PastUnknown(
            "the past alert list comes from Prometheus's ALERTS series: set [prometheus] url"
        )
    alerts, servers = _every_server_then(config, at)
    alerts.sort(key=lambda a: a.rank())
    silences, why = _silences(config, at)
    unknown = [f"Prometheus {name}: {no}: its alerts are missing"
               for name, no in servers.items() if no is not None]  # fmt: skip
    notes = ["annotations are not kept by Prometheus: summaries are empty",
             "only alerts of this Prometheus's own rules are known", *unknown, *why]  # fmt: skip
    found = PastAlerts(at, alerts, notes=notes, servers=servers)
    for alert in alerts:
        covering = [
            s for s in silences
            if _same_cluster(config, alert, s.cluster) and s.matches(alert.labels)
        ]  # fmt: skip
        if covering:
            found.silences[past_key(alert)] = covering
    if notebook is None:
        notes.append("no notebook: acks and incident links unknown")
        return found
    # Acks are noted by fingerprint only (the ack store keeps no cluster).
    acks: dict[str, AckRecord] = {}
    for ack in acks_at(notebook, at):
        acks.setdefault(ack.fingerprint, ack)
    links: dict[str, list[tuple[str, list[str]]]] = {}
    for (cluster, fingerprint), incidents in links_at(notebook, at).items():
        links.setdefault(fingerprint, []).append((cluster, incidents))
    for alert in alerts:
        acked = acks.get(alert.fingerprint)
        if acked is not None:
            found.acks[past_key(alert)] = acked
        ids = [
            incident
            for cluster, incidents in links.get(alert.fingerprint, [])
            if _same_cluster(config, alert, cluster)
            for incident in incidents
        ]
        if ids:
            found.incidents[past_key(alert)] = list(dict.fromkeys(ids))
    return found
