"""What one process remembers to turn poll snapshots into notebook events, and whether
it is the process that writes them (the recording duty, ``store/recording_duty.py``).

The TUI and ``cockpit record`` both use it. Every process keeps its baselines moving
with what it sees, whether or not it records. The holder also keeps what the notebook
last said of each alert, probe and burn row (loaded when it takes the duty), and writes
an event only when it changes that: two processes never see a change at the same
instant, so a cockpit that takes over must neither write a second "down" for a probe
already recorded down, nor leave the notebook saying "down" after the probe is back up
when its own view never crossed the threshold.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.probes import UP, ProbeState
from cockpit.model.snapshots import AlertSnapshot, ProbeSnapshot, SloSnapshot
from cockpit.model.timeline import TimelineEvent
from cockpit.services import transition_writes
from cockpit.services.transitions import (
    CLOSED_BY,
    TRANSITION_KINDS,
    BurnBaseline,
    alert_key,
    alert_transitions,
    burn_baseline,
    burn_transitions,
    closing_event,
    probe_transitions,
    quiet_rows,
    subject_key,
    unclustered_key,
)
from cockpit.store import Notebook
from cockpit.store.events import events_between, record_events
from cockpit.store.probe_samples import ProbeSample, last_sampled, prune_samples, record_samples
from cockpit.store.recording_duty import DutyHolder, claim_duty, release_duty

# The duty is renewed at most this often (a write per renewal); far inside STALE_AFTER.
RENEW_EVERY = timedelta(seconds=15)
# How far back the notebook is read for what it last said of each subject.
LOOKBACK = timedelta(days=14)
# Samples older than the retention are deleted this often (by the holder).
PRUNE_EVERY = timedelta(hours=1)

Noted = dict[tuple[str, ...], TimelineEvent]


def this_process(name: str) -> DutyHolder:
    return DutyHolder(name or "cockpit", socket.gethostname(), os.getpid())


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _closes(opened: TimelineEvent | None, event: TimelineEvent) -> bool:
    return opened is not None and CLOSED_BY.get(opened.kind) == event.kind


class Recording:
    def __init__(
        self, config: Config, me: DutyHolder, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.config = config
        self.me = me
        self.clock = clock
        # Baselines: only successful answers move them.
        self.alerts: tuple[Alert, ...] | None = None
        self.probes: dict[str, ProbeState] = {}
        self.burns: BurnBaseline = {}  # SLO name -> its firing burn rows
        self.holder: DutyHolder | None = None  # who had the duty at the last look
        self._renewed_at: datetime | None = None
        self._noted: Noted | None = None  # while on duty: the notebook's last word per subject
        # While on duty: each probe's newest sample (its time and state).
        self._sampled: dict[str, tuple[datetime, str]] | None = None
        self._pruned_at: datetime | None = None

    @property
    def on_duty(self) -> bool:
        return self.holder is not None and self.holder.same_process(self.me)

    def check_duty(self, store: Notebook) -> bool:
        """Whether this process records now; takes a free or dead duty, renews its own."""
        now = self.clock()
        if self.on_duty and self._renewed_at is not None and now - self._renewed_at < RENEW_EVERY:
            return True
        holds, self.holder = claim_duty(store, self.me, now)
        self._renewed_at = now if holds else None
        if not holds:
            self._noted, self._sampled = None, None
        elif self._noted is None:
            # Taking over: what did the notebook last say? (Another holder wrote it.)
            earlier = events_between(store, now - LOOKBACK, now + LOOKBACK, kinds=TRANSITION_KINDS)
            self._noted = {subject_key(event): event for event in earlier}
        return holds

    def release(self, store: Notebook) -> None:
        if self.on_duty:
            release_duty(store, self.me)
        self.holder, self._renewed_at, self._noted, self._sampled = None, None, None, None

    def _record(self, store: Notebook, events: Iterable[TimelineEvent]) -> int:
        """Write what changes the notebook's last word on its subject; nothing else."""
        assert self._noted is not None
        noted = dict(self._noted)
        news = []
        for event in events:
            key = subject_key(event)
            last = noted.get(key)
            if last is not None and last.kind == event.kind:
                continue  # already said, by this process or the one before it
            news.append(event)
            noted[key] = event
            # Events written before the notebook kept clusters have none: the first word
            # on this alert in its cluster ends what they left open, once.
            earlier = unclustered_key(key)
            if earlier is not None and _closes(noted.get(earlier), event):
                noted[earlier] = event
        if news:
            record_events(store, news)
        self._noted = noted  # only once written: a failed write is tried again next cycle
        return len(news)

    def _still_open(self, kind: str) -> list[TimelineEvent]:
        assert self._noted is not None
        return [event for event in self._noted.values() if event.kind == kind]

    def alerts_seen(self, store: Notebook | None, snapshot: AlertSnapshot) -> int:
        if snapshot.freshness.error is not None:
            return 0  # compare only answers with answers, so a blip loses no transition
        before, self.alerts = self.alerts, snapshot.alerts
        if store is None or not self.check_duty(store):
            return 0
        now = self.clock()
        firing: set[tuple[str, ...]] = set()
        for alert in snapshot.alerts:
            if alert.state != "pending":
                key = alert_key(alert)
                # An event of no cluster is open while its alert fires in any cluster.
                firing.update((key, unclustered_key(key) or key))
        over = [
            closing_event(event, now)
            for event in self._still_open("alert_fired")
            if subject_key(event) not in firing
        ]
        return self._record(store, [*alert_transitions(before, snapshot.alerts, now), *over])

    def burns_seen(self, store: Notebook | None, snapshot: SloSnapshot) -> int:
        if snapshot.freshness.error is not None:
            return 0  # as with alerts: a failed cycle neither writes nor moves the baseline
        before, self.burns = self.burns, burn_baseline(self.burns, snapshot)
        if store is None or not self.check_duty(store):
            return 0
        now = self.clock()
        quiet = quiet_rows(snapshot)
        over = [
            closing_event(event, now)
            for event in self._still_open("burn_started")
            if (event.subject, event.labels.get("row", "")) in quiet
        ]
        return self._record(store, [*burn_transitions(before, snapshot, now), *over])

    def budgets_seen(self, store: Notebook | None, snapshot: SloSnapshot) -> bool:
        if store is None or snapshot.freshness.error is not None or not self.check_duty(store):
            return False
        return transition_writes.record_budget_snapshots(store, snapshot, self.clock())

    def probes_seen(self, store: Notebook | None, snapshot: ProbeSnapshot) -> int:
        before = self.probes
        self.probes = {state.name: state for state in snapshot.probes}
        if store is None or not self.check_duty(store):
            return 0
        now = self.clock()
        components = {p.name: p.component for p in self.config.probes}
        over = []
        for event in self._still_open("probe_down"):
            state = self.probes.get(event.subject)
            if state is not None and state.state == UP and state.last is not None:
                over.append(closing_event(event, now))
        changes = probe_transitions(dict(before), snapshot.probes, now, components)
        written = self._record(store, [*changes, *over])
        self._sample_probes(store, now)
        return written

    def _sample_probes(self, store: Notebook, now: datetime) -> None:
        """Keep each probe's answer, at most once per ``[record] probe_samples_every`` and
        whenever its state changes (so a short outage has its samples too), and delete
        samples past the retention now and then (the past view reads them)."""
        if self._sampled is None:  # just took the duty: go on from the notebook's newest
            self._sampled = last_sampled(store)
        every = self.config.record.probe_samples_every
        due = []
        for state in self.probes.values():
            answer = state.last
            newest = self._sampled.get(state.name)
            if answer is None or (
                newest is not None
                and (
                    answer.checked_at <= newest[0]
                    or (answer.checked_at - newest[0] < every and state.state == newest[1])
                )
            ):
                continue
            due.append(ProbeSample(
                state.name, answer.checked_at, state.state, answer.ok, answer.latency_ms,
                answer.reason,
            ))  # fmt: skip
        if due:
            record_samples(store, due)
            self._sampled.update({s.probe: (s.at, s.state) for s in due})
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            prune_samples(store, now - self.config.record.retention)
            self._pruned_at = now
