"""Timeline events: the facts the cockpit writes down as they happen.

Pure data. The store persists these; panes and reports read them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

# Must match the CHECK on timeline_events.kind in store/migrations/0001_initial.sql.
EVENT_KINDS: frozenset[str] = frozenset(
    {
        "status_change",
        "severity_change",
        "note",
        "update",
        "alert_fired",
        "alert_resolved",
        "alert_acked",
        "alert_unacked",
        "silence_expired",
        "probe_down",
        "probe_up",
        "burn_started",
        "burn_stopped",
        "runbook_step",
        "incident_linked",
    }
)


class Labels(Mapping[str, str]):
    """An immutable, hashable str -> str mapping (alert/probe labels).

    A plain dict would make the frozen dataclasses that hold labels unhashable.
    """

    __slots__ = ("_data", "_items")

    def __init__(self, source: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        data = dict(source)
        for key, value in data.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"labels must map str to str, got {key!r}: {value!r}")
        self._data: dict[str, str] = data
        self._items: tuple[tuple[str, str], ...] = tuple(sorted(data.items()))

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(key for key, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Labels):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Labels({self._data!r})"


def require_aware(value: datetime, name: str) -> datetime:
    """Refuse naive datetimes: a naive time in an on-call log is a guess about the zone."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value


@dataclass(frozen=True)
class TimelineEvent:
    kind: str
    occurred_at: datetime
    source: str
    subject: str
    body: str = ""
    author: str | None = None
    incident_id: str | None = None
    component: str | None = None
    labels: Mapping[str, str] = field(default_factory=Labels)
    fingerprint: str | None = None
    # An alert event's cluster (the config's name of its Alertmanager); None: not known
    # (written before the notebook kept it, or not an alert event).
    cluster: str | None = None
    # None until the store has recorded the event.
    id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"unknown timeline event kind {self.kind!r}")
        require_aware(self.occurred_at, "occurred_at")
        if not isinstance(self.labels, Labels):
            object.__setattr__(self, "labels", Labels(self.labels))


@dataclass(frozen=True)
class ClusterNames:
    """Which alerts name their cluster where they are shown, given the Alertmanager
    clusters this cockpit watches (``watched``, the config's names). With several (or
    none), every alert that has a cluster names it; with one, only an alert of another
    (a team's notebook holds what other cockpits recorded), so a cockpit of one cluster
    shows what it always did."""

    watched: tuple[str, ...] = ()

    def of(self, cluster: str | None) -> str:
        """The cluster to name, or "" for none."""
        if not cluster or self.watched == (cluster,):
            return ""
        return cluster


def with_cluster(text: str, cluster: str) -> str:
    """``eu · text``: an alert's text named by its cluster ("" names none)."""
    return f"{cluster} · {text}" if cluster else text


_RESOLVED = " resolved: "


def event_text(event: TimelineEvent, clusters: ClusterNames | None = None) -> str:
    """What the event says, as the pane, its detail and the reports show it.

    A runbook step's body is only its outcome ("done · note"): the step's name is in the
    subject, so both are said. A resolved alert says only that it resolved: its summary
    annotation was written while it fired ("now 7.087%") and is no longer true; events
    stored before that rule still carry it, so it is cut here too. With ``clusters`` an
    alert's event starts with its cluster when that is to be named (``ClusterNames``).
    """
    if event.kind == "runbook_step" and event.subject:
        return f"{event.subject}: {event.body}" if event.body else event.subject
    text = event.body or event.subject
    if event.kind == "alert_resolved" and _RESOLVED in event.body:
        text = event.body.split(_RESOLVED, 1)[0] + " resolved"
    return with_cluster(text, clusters.of(event.cluster) if clusters else "")
