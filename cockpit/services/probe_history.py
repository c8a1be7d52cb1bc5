"""What the probes did between two moments, as the notebook recorded it: their up/down
changes (timeline events) and their sampled answers (``store/probe_samples.py``), with
what is missing said: before the first sample, and gaps where no cockpit recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cockpit.model.timeline import TimelineEvent
from cockpit.store import Notebook
from cockpit.store.events import events_between
from cockpit.store.probe_samples import ProbeSample, first_sample_at, samples_between

# Samples further apart than this many sampling intervals: nobody recorded in between.
GAP_FACTOR = 3


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime


@dataclass
class ProbeRecord:
    name: str
    transitions: list[TimelineEvent] = field(default_factory=list)
    samples: list[ProbeSample] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True)
class ProbeHistory:
    since: datetime
    until: datetime
    recorded_since: datetime | None  # the oldest sample kept; None: nothing recorded yet
    probes: list[ProbeRecord]


def gaps_in(times: list[datetime], every: timedelta, start: datetime, end: datetime) -> list[Gap]:
    """Stretches of [start, end] with no sample where one was due (every ``every``);
    ``times`` sorted. The span before the first and after the last count too."""
    allowed = every * GAP_FACTOR
    gaps = []
    previous = start
    for at in [*times, end]:
        if at - previous > allowed:
            gaps.append(Gap(previous, at))
        previous = max(previous, at)
    return gaps


def probe_history(
    store: Notebook,
    since: datetime,
    until: datetime,
    every: timedelta,
    names: list[str],
) -> ProbeHistory:
    """Each probe in ``names`` (and any other the notebook holds in the span, when
    ``names`` is every configured probe) between ``since`` and ``until``."""
    recorded_since = first_sample_at(store)
    samples = samples_between(store, since, until)
    events = events_between(
        store, since, until + timedelta(microseconds=1), kinds=("probe_down", "probe_up")
    )
    records = {name: ProbeRecord(name) for name in names}
    for sample in samples:
        if sample.probe in records:
            records[sample.probe].samples.append(sample)
    for event in events:
        if event.subject in records:
            records[event.subject].transitions.append(event)
    start = max(since, recorded_since) if recorded_since is not None else until
    for record in records.values():
        if recorded_since is not None:
            times = [s.at for s in record.samples]
            record.gaps = gaps_in(times, every, start, until)
    return ProbeHistory(since, until, recorded_since, list(records.values()))
