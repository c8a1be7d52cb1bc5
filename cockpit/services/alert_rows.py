"""Which rows the alerts pane shows for a snapshot: the user's filter and toggles, each
alert's shown state, grouping, and the labels every listed alert shares (left out of the
labels column). One pass over the alerts; the cells of a row are made only when it is
drawn (``ui/panes/alerts.py``), so a refresh costs little more than this pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cockpit.model.alerts import OWN_COLUMN_LABELS, Alert
from cockpit.model.matchers import AlertFilter
from cockpit.model.silences import Silence, display_state
from cockpit.model.snapshots import AlertSnapshot

GROUP_MODES = ("none", "alertname", "alertmanager")
GROUP_PREFIX = "group:"


def alert_key(alert: Alert, clustered: bool = False) -> str:
    """The row key of ``alert``: its fingerprint (Alertmanager's hash of the labels), after
    its cluster's name when several clusters may hold alerts with the same labels."""
    if clustered:
        return alert.cluster_key
    return alert.fingerprint or "pending:" + "|".join(f"{k}={v}" for k, v in alert.identity)


@dataclass
class AlertView:
    """What the pane shows of a snapshot: the user's filter, toggles and grouping."""

    filter: AlertFilter = field(default_factory=AlertFilter)
    show_silenced: bool = True
    show_inhibited: bool = True
    group: str = "none"  # one of GROUP_MODES

    def keeps(self, alert: Alert, state: str) -> bool:
        if state == "silenced" and not self.show_silenced:
            return False
        if state == "inhibited" and not self.show_inhibited:
            return False
        if self.filter.empty:
            return True
        text = " ".join([alert.name, alert.summary, *alert.labels.values()])
        return self.filter.matches(alert.labels, text, alert.cluster)

    def describe(self) -> str:
        parts = []
        if not self.filter.empty:
            parts.append(f"filter: {self.filter}")
        if not self.show_silenced:
            parts.append("silenced hidden")
        if not self.show_inhibited:
            parts.append("inhibited hidden")
        if self.group != "none":
            parts.append(f"grouped by {self.group}")
        return " · ".join(parts)

    def copy(self) -> AlertView:
        return AlertView(self.filter, self.show_silenced, self.show_inhibited, self.group)


def shared_labels(alerts: Sequence[Alert]) -> frozenset[str]:
    """The label names that tell no listed alert from another: with the same value on
    every one, plus those shown in their own columns (see ``model.alerts.differing_labels``,
    which this equals without making a dict per alert)."""
    if len(alerts) < 2:
        return OWN_COLUMN_LABELS
    common = dict(alerts[0].labels)
    for alert in alerts:
        if not common:
            break
        labels = alert.labels
        for name, value in list(common.items()):
            if labels.get(name) != value:
                del common[name]
    return OWN_COLUMN_LABELS | frozenset(common)


@dataclass(frozen=True)
class GroupRow:
    key: str
    name: str
    count: int
    firing: int


@dataclass(frozen=True)
class AlertRows:
    """The rows to show, top to bottom, and what their cells need. No object per row:
    with thousands of alerts, making them was most of a refresh (and woke the collector)."""

    keys: list[str]
    alerts: dict[str, Alert]  # by row key
    acked: frozenset[str]  # keys of the silenced alerts shown as acked
    groups: dict[str, GroupRow]  # by row key, when grouped
    hidden_labels: frozenset[str]  # not shown in the labels column
    silences: dict[str, Silence]

    def __len__(self) -> int:
        return len(self.keys)

    def alert(self, key: str) -> Alert | None:
        return self.alerts.get(key)

    def state(self, key: str, alert: Alert) -> str:
        """The state shown (``model.silences.display_state``)."""
        return "acked" if key in self.acked else alert.state

    def shown_labels(self, alert: Alert) -> dict[str, str]:
        hidden = self.hidden_labels
        return {k: v for k, v in alert.labels.items() if k not in hidden}


NO_ROWS = AlertRows([], {}, frozenset(), {}, frozenset(), {})


def alert_rows(snapshot: AlertSnapshot, view: AlertView) -> AlertRows:
    """The rows ``view`` shows of ``snapshot`` (alerts arrive ranked; groups keep it)."""
    silences = snapshot.silence_index()
    clustered = len(snapshot.clusters) > 1
    kept: list[Alert] = []
    keep = kept.append
    acked: set[str] = set()
    everything = view.filter.empty and view.show_silenced and view.show_inhibited
    # Equality matchers (the most common) compared here; the others ask the Matcher.
    equal = [(m.name, m.value) for m in view.filter.matchers if m.op == "="]
    matchers = [m for m in view.filter.matchers if m.op != "="]
    words = view.filter.words
    keeps_cluster = view.filter.keeps_cluster
    for alert in snapshot.alerts:
        state = alert.state
        if state == "silenced" and display_state(alert, silences) == "acked":
            state = "acked"
            acked.add(alert_key(alert, clustered))
        if everything:
            keep(alert)
            continue
        # AlertView.keeps, without making the searched text when no word is asked for.
        if state == "silenced" and not view.show_silenced:
            continue
        if state == "inhibited" and not view.show_inhibited:
            continue
        labels = alert.labels
        unequal = False
        for name, value in equal:
            if labels.get(name, "") != value:  # a missing label is "", as in Alertmanager
                unequal = True
                break
        if unequal or (matchers and not all(m.matches(labels) for m in matchers)):
            continue
        if not keeps_cluster(alert.cluster):
            continue
        if words:
            text = " ".join([alert.name, alert.summary, *labels.values()]).lower()
            if not all(word in text for word in words):
                continue
        keep(alert)
    # Attribute reads, not a call per alert: 10,000 rows are 10,000 keys a refresh.
    keys = [a.cluster_key for a in kept] if clustered else [alert_key(a) for a in kept]
    alerts = dict(zip(keys, kept, strict=True))
    if len(alerts) != len(keys):
        # Two alerts with one key (a plugin's alert with the labels of another): the
        # first, the higher ranked, is shown; one row per key.
        alerts = {}
        for key, alert in zip(keys, kept, strict=True):
            alerts.setdefault(key, alert)
        keys, kept = list(alerts), list(alerts.values())
    hidden = shared_labels(kept)
    if view.group == "none":
        return AlertRows(keys, alerts, frozenset(acked), {}, hidden, silences)
    groups: dict[str, GroupRow] = {}
    grouped: list[str] = []
    for name, members in _grouped(keys, alerts, snapshot, view.group).items():
        firing = sum(1 for key in members if alerts[key].state == "firing")
        group = GroupRow(GROUP_PREFIX + name, name, len(members), firing)
        groups[group.key] = group
        grouped.append(group.key)
        grouped.extend(members)
    return AlertRows(grouped, alerts, frozenset(acked), groups, hidden, silences)


def _grouped(
    keys: list[str], alerts: dict[str, Alert], snapshot: AlertSnapshot, mode: str
) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for key in keys:
        alert = alerts[key]
        if mode == "alertname":
            name = alert.name
        elif alert.state == "pending":
            name = "pending (not in Alertmanager yet)"
        else:
            name = snapshot.groups.get(alert.fingerprint, "(group not known yet)")
        groups.setdefault(name, []).append(key)
    # Alerts arrive ranked, so a group's first member is its most urgent.
    return groups
