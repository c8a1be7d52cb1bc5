"""The alert list as it was at a past moment: what Prometheus remembers of its own alerts
(the ``ALERTS`` series, pending or firing, and ``ALERTS_FOR_STATE`` for since when),
joined with what the notebook knew then (the acks and their owners, the incidents an
alert was linked to) and the silences Alertmanager still keeps that covered it then.

Prometheus keeps labels, not annotations; alerts that reached Alertmanager from
elsewhere are not in ``ALERTS``. What cannot be known is said, never guessed: a moment
where Prometheus holds no data at all (before its retention, or while it was down).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from cockpit.config import Config
from cockpit.model.alerts import Alert, fingerprint_of
from cockpit.model.silences import Silence, from_api
from cockpit.sources.alertmanager import fetch_silences
from cockpit.sources.clients import run_blocking
from cockpit.sources.errors import SourceError
from cockpit.sources.prometheus import PrometheusQueries
from cockpit.store import Notebook
from cockpit.store.acks import AckRecord, acks_at
from cockpit.store.incidents import links_at

HIDDEN = frozenset({"__name__", "alertstate"})


class PastUnknown(Exception):
    """Nothing can be said of that moment; ``str()`` says why and what to do."""


@dataclass(frozen=True)
class PastAlerts:
    at: datetime
    alerts: list[Alert]
    acks: dict[str, AckRecord] = field(default_factory=dict)  # fingerprint -> ack then
    incidents: dict[str, list[str]] = field(default_factory=dict)  # fingerprint -> ids
    silences: dict[str, list[Silence]] = field(default_factory=dict)  # fingerprint -> those then
    notes: list[str] = field(default_factory=list)  # what is missing from this picture


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
            fingerprint=fingerprint,
        ))  # fmt: skip
    return sorted(alerts, key=lambda a: a.rank())


def _silences(config: Config, at: datetime) -> tuple[list[Silence], str | None]:
    endpoint = config.alertmanager
    if endpoint is None:
        return [], "no [alertmanager]: silences unknown"
    try:
        raw = run_blocking(lambda client: fetch_silences(client, endpoint))
    except SourceError as exc:
        return [], f"Alertmanager did not answer, silences unknown: {exc}"
    found = [s for item in raw if (s := from_api(item)) is not None]
    return [s for s in found if s.starts_at <= at < s.ends_at], None


def past_alerts(config: Config, at: datetime, notebook: Notebook | None) -> PastAlerts:
    if config.prometheus is None:
        raise PastUnknown(
            "the past alert list comes from Prometheus's ALERTS series: set [prometheus] url"
        )
    queries = PrometheusQueries(config.prometheus)
    stamp = at.timestamp()
    try:
        if not queries.query("count(up)", stamp):
            raise PastUnknown(
                f"Prometheus holds no data at {at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC: "
                "before its retention, or it was not running then"
            )
        alerts = _alerts_then(queries, stamp)
    except SourceError as exc:
        raise PastUnknown(f"Prometheus did not answer: {exc}") from exc
    silences, why = _silences(config, at)
    notes = ["annotations are not kept by Prometheus: summaries are empty",
             "only alerts of this Prometheus's own rules are known"]  # fmt: skip
    if why:
        notes.append(why)
    found = PastAlerts(at, alerts, notes=notes)
    for alert in alerts:
        covering = [s for s in silences if s.matches(alert.labels)]
        if covering:
            found.silences[alert.fingerprint] = covering
    if notebook is None:
        notes.append("no notebook: acks and incident links unknown")
        return found
    for ack in acks_at(notebook, at):
        found.acks.setdefault(ack.fingerprint, ack)
    found.incidents.update(links_at(notebook, at))
    return found
