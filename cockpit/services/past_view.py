"""The main screen's sources at a past moment, for time travel (`cockpit --at`): each
pane's snapshot as it was then, in the shapes the live panes take, and what is missing.

- SLOs: the same batched queries, evaluated by each SLO's Prometheus at that time.
- Alerts: ``services/past_alerts.py`` (Prometheus's ALERTS, the notebook's acks and
  incident links, the silences Alertmanager still keeps), an ack shown as the ack
  silence it was, so the pane marks it with its owner as it would live.
- Probes: the newest sample each probe had then (``store/probe_samples.py``), if it was
  recent enough to stand for that moment; a probe with none says "nothing recorded".

Nothing here is live data: a source that cannot say what was so at that moment fails
with the reason (the pane shows it), never with today's answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.matchers import exact
from cockpit.model.probes import ProbeResult, ProbeState
from cockpit.model.silences import ACK_MARKER, Silence
from cockpit.model.snapshots import AlertSnapshot, ProbeSnapshot, SloSnapshot
from cockpit.services.past_alerts import PastAlerts, PastUnknown, past_alerts
from cockpit.services.slo_poll import SloPoller
from cockpit.services.timeline_view import TimelineView
from cockpit.store import Notebook
from cockpit.store.acks import AckRecord
from cockpit.store.events import events_before, first_event_at
from cockpit.store.probe_samples import first_sample_at, samples_between
from cockpit.store.runbook_runs import RunSummary, list_runs

# A sample stands for the moment if it is at most this many sampling intervals older.
SAMPLE_REACH = 3
# How far back a probe's latencies are read for its sparkline.
LATENCY_SPAN = timedelta(minutes=30)
# How many of the events before the moment the timeline shows.
TIMELINE_EVENTS = 200


@dataclass(frozen=True)
class PastView:
    at: datetime
    slo: SloSnapshot
    alerts: AlertSnapshot
    probes: ProbeSnapshot
    timeline: TimelineView
    runs: tuple[RunSummary, ...] = ()  # runbook runs under way then


def slo_at(config: Config, at: datetime) -> SloSnapshot:
    poller = SloPoller(config)
    snapshot = poller.poll(at)
    if snapshot.freshness.error is None and config.prometheus is not None:
        # Of that moment; a server that did not answer keeps its error (its SLOs say it).
        servers = {
            name: fresh if fresh.error is not None else Freshness().succeeded(at)
            for name, fresh in snapshot.servers.items()
        }
        snapshot = replace(snapshot, freshness=Freshness().succeeded(at), servers=servers)
    return snapshot


def _ack_silence(ack: AckRecord, alert: Alert, at: datetime) -> Silence:
    ends = ack.expires_at or at + timedelta(hours=1)
    return Silence(
        id=ack.silence_id or f"notebook-ack-{ack.id}",
        matchers=exact(alert.labels),
        starts_at=ack.created_at,
        ends_at=ends,
        created_by=ack.created_by or "",
        comment=f"{ACK_MARKER} (as the notebook recorded it)",
    )


def alert_snapshot(found: PastAlerts) -> AlertSnapshot:
    """``found`` in the live pane's shape: an acked or silenced alert is "silenced" by its
    silences, an ack being an ack silence with its owner."""
    silences: dict[str, Silence] = {}
    alerts = []
    for alert in found.alerts:
        covering = list(found.silences_of(alert))
        ack = found.ack_of(alert)
        if ack is not None:
            covering.append(_ack_silence(ack, alert, found.at))
        for silence in covering:
            silences[silence.id] = silence
        if covering and alert.state == "firing":
            alert = replace(alert, state="silenced", silenced_by=tuple(s.id for s in covering))
        alerts.append(alert)
    # Each Prometheus server as the live pane has each cluster: one that could not say
    # marks only its own (missing) part; with several, the rows' keys carry the cluster.
    fresh = Freshness().succeeded(found.at)
    servers = {
        name: fresh if why is None else Freshness().failed(found.at, why)
        for name, why in found.servers.items()
    }
    return AlertSnapshot(
        tuple(alerts), fresh, silences=tuple(silences.values()), clusters=servers
    )


def alerts_at(config: Config, at: datetime, notebook: Notebook | None) -> AlertSnapshot:
    try:
        return alert_snapshot(past_alerts(config, at, notebook))
    except PastUnknown as exc:
        configured = bool(config.prometheus_servers)
        freshness = Freshness() if configured else Freshness.not_configured()
        return AlertSnapshot((), freshness.failed(at, str(exc)))


def probes_at(config: Config, at: datetime, notebook: Notebook | None) -> ProbeSnapshot:
    if not config.probes:
        return ProbeSnapshot((), Freshness.not_configured())
    if notebook is None:
        return ProbeSnapshot(
            tuple(ProbeState(p.name) for p in config.probes),
            Freshness().failed(at, "no notebook: the probes' past is kept there"),
        )
    every = config.record.probe_samples_every
    samples = samples_between(notebook, at - max(LATENCY_SPAN, every * SAMPLE_REACH), at)
    states = []
    found = 0
    for probe in config.probes:
        mine = [s for s in samples if s.probe == probe.name]
        reach = max(every, probe.interval) * SAMPLE_REACH
        if not mine or at - mine[-1].at > reach:
            states.append(ProbeState(probe.name))
            continue
        newest = mine[-1]
        found += 1
        answer = ProbeResult(
            probe.name, newest.ok, newest.at, latency_ms=newest.latency_ms, reason=newest.reason
        )
        latencies = tuple(s.latency_ms for s in mine if s.latency_ms is not None)
        states.append(ProbeState(probe.name, state=newest.state, last=answer, latencies=latencies))
    if not found:
        first = first_sample_at(notebook)
        if first is None:
            why = "nothing recorded yet: the cockpit holding the recording duty keeps probes"
        elif at < first:
            why = f"nothing recorded before {first:%Y-%m-%d %H:%M} UTC (the first probe sample)"
        else:
            why = "nothing recorded then: no cockpit held the recording duty"
        return ProbeSnapshot(tuple(states), Freshness().failed(at, why))
    return ProbeSnapshot(tuple(states), Freshness().succeeded(at))


def timeline_at(at: datetime, notebook: Notebook | None) -> TimelineView:
    """The newest events that had happened by ``at``, newest first."""
    heading = "as it stood then"
    if notebook is None:
        return TimelineView(heading, (), "No notebook: the timeline is kept there.")
    events = events_before(notebook, at, TIMELINE_EVENTS)
    first = first_event_at(notebook)
    if first is None or at < first:
        since = "" if first is None else f" before {first:%Y-%m-%d %H:%M} UTC"
        return TimelineView(heading, (), f"Nothing recorded{since}.")
    return TimelineView(heading, tuple(events), "No events by then.")


def view_at(config: Config, at: datetime, notebook: Notebook | None) -> PastView:
    """Every source at ``at`` (blocking: run it off the UI thread)."""
    runs = tuple(list_runs(notebook, open_at=at)) if notebook is not None else ()
    return PastView(
        at, slo_at(config, at), alerts_at(config, at, notebook),
        probes_at(config, at, notebook), timeline_at(at, notebook), runs,
    )  # fmt: skip
