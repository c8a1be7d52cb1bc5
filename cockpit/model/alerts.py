"""Alerts as the on-call sees them, joined from Alertmanager (firing, silenced,
inhibited) and Prometheus (pending, which Alertmanager never sees)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

SEVERITY_RANK = {"critical": 0, "page": 0, "high": 1, "error": 1, "warning": 2, "info": 3}
STATES = ("pending", "firing", "silenced", "inhibited")


@dataclass(frozen=True)
class Alert:
    name: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str] = field(default_factory=dict)
    state: str = "firing"  # one of STATES
    starts_at: datetime | None = None
    fingerprint: str = ""
    generator_url: str = ""
    silenced_by: tuple[str, ...] = ()
    inhibited_by: tuple[str, ...] = ()
    # The Alertmanager cluster it came from (for a pending alert: its Prometheus' name).
    cluster: str = ""

    @property
    def severity(self) -> str:
        return self.labels.get("severity", "none")

    @property
    def summary(self) -> str:
        return self.annotations.get("summary") or self.annotations.get("description", "")

    @cached_property
    def cluster_key(self) -> str:
        """``cluster/fingerprint``: the alert's row key when several clusters may hold the
        same labels. Kept on the object (the poll hands back the same objects for
        unchanged alerts), so 10,000 rows do not make 10,000 strings a refresh."""
        key = self.fingerprint or "pending:" + "|".join(f"{k}={v}" for k, v in self.identity)
        return f"{self.cluster}/{key}"

    @property
    def identity(self) -> tuple[tuple[str, str], ...]:
        """Labels that tell one alert from another; stable across both sources."""
        return tuple(sorted(self.labels.items()))

    def rank(self) -> tuple[int, float]:
        """Sort key: most severe first, then oldest first."""
        started = self.starts_at.timestamp() if self.starts_at else float("inf")
        return SEVERITY_RANK.get(self.severity, 4), started


def parse_time(text: object) -> datetime | None:
    if not text or not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _str_map(raw: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _str_tuple(raw: object) -> tuple[str, ...]:
    return tuple(str(v) for v in raw) if isinstance(raw, list) else ()


def not_alerts(items: object, source: str) -> str | None:
    """Why ``items`` is not a list of alert objects, or None when it is."""
    if not isinstance(items, list):
        return f"{source} answered {type(items).__name__}, not a list of alerts"
    wrong = [item for item in items if not isinstance(item, Mapping)]
    if wrong:
        return (
            f"{source} answered {len(wrong)} item(s) that are not alerts "
            f"(the first: {type(wrong[0]).__name__} {str(wrong[0])[:40]!r})"
        )
    return None


def from_alertmanager(item: Mapping[str, Any], cluster: str = "") -> Alert:
    """One element of Alertmanager's ``GET /api/v2/alerts`` (a mapping: see ``not_alerts``)."""
    labels = _str_map(item.get("labels"))
    status = item.get("status")
    if not isinstance(status, Mapping):
        status = {}
    silenced = _str_tuple(status.get("silencedBy"))
    inhibited = _str_tuple(status.get("inhibitedBy"))
    state = "silenced" if silenced else "inhibited" if inhibited else "firing"
    return Alert(
        name=labels.get("alertname", "?"),
        labels=labels,
        annotations=_str_map(item.get("annotations")),
        state=state,
        starts_at=parse_time(item.get("startsAt")),
        fingerprint=str(item.get("fingerprint", "")),
        generator_url=str(item.get("generatorURL", "")),
        silenced_by=silenced,
        inhibited_by=inhibited,
        cluster=cluster,
    )


def pending_from_prometheus(data: Mapping[str, Any], cluster: str = "") -> list[Alert]:
    """The pending alerts of Prometheus' ``GET /api/v1/alerts``; firing ones come from
    Alertmanager, which also knows whether they are silenced."""
    alerts = []
    items = data.get("alerts") or []
    problem = not_alerts(items, "Prometheus")
    if problem is not None:
        raise ValueError(problem)
    for item in items:
        if item.get("state") != "pending":
            continue
        labels = _str_map(item.get("labels"))
        alerts.append(
            Alert(
                name=labels.get("alertname", "?"),
                labels=labels,
                annotations=_str_map(item.get("annotations")),
                state="pending",
                starts_at=parse_time(item.get("activeAt")),
                cluster=cluster,
            )
        )
    return alerts


def merge(firing: list[Alert], pending: list[Alert]) -> list[Alert]:
    """Both lists, ranked; a pending alert already known to Alertmanager is dropped."""
    if not pending:  # nothing to drop: no identities to compute (5,000 sorts of labels)
        return sorted(firing, key=Alert.rank)
    known = {a.identity for a in firing}
    joined = firing + [a for a in pending if a.identity not in known]
    return sorted(joined, key=Alert.rank)


@dataclass(frozen=True)
class RuleHealth:
    """One alerting rule as Prometheus evaluates it (``GET /api/v1/rules``)."""

    name: str
    group: str
    health: str  # ok, err, unknown
    last_error: str = ""


def rules_from_prometheus(data: Mapping[str, Any]) -> list[RuleHealth]:
    rules = []
    groups = data.get("groups")
    for group in groups if isinstance(groups, list) else ():
        if not isinstance(group, dict):
            continue
        listed = group.get("rules")
        for rule in listed if isinstance(listed, list) else ():
            if isinstance(rule, dict) and rule.get("type", "alerting") == "alerting":
                rules.append(
                    RuleHealth(
                        name=str(rule.get("name", "?")),
                        group=str(group.get("name", "")),
                        health=str(rule.get("health", "unknown")),
                        last_error=str(rule.get("lastError", "")),
                    )
                )
    return rules


def groups_by_fingerprint(groups: list[dict[str, Any]]) -> dict[str, str]:
    """Alertmanager's groups (``GET /api/v2/alerts/groups``) as fingerprint -> group name.

    The name is the group's labels (its route's ``group_by``); an alert routed to several
    receivers keeps the first group it is seen in.
    """
    found: dict[str, str] = {}
    for group in groups:
        if not isinstance(group, Mapping):
            continue
        labels = _str_map(group.get("labels"))
        name = " ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "(no group labels)"
        items = group.get("alerts")
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and item.get("fingerprint"):
                found.setdefault(str(item["fingerprint"]), name)
    return found


# Shown in their own columns (name, sev), so never in the labels column.
OWN_COLUMN_LABELS = frozenset({"alertname", "severity"})


def differing_labels(alerts: Sequence[Alert]) -> list[dict[str, str]]:
    """Per alert (in the same order), the labels that tell it from the other listed alerts.

    A label with the same value on every listed alert says nothing about any one row and
    is dropped, and so are the labels with their own columns (alertname, severity). A
    label only some alerts carry is shown where present. A lone alert keeps all its
    labels but those two: there is nothing to tell it from, and they say what it is.
    """
    if len(alerts) < 2:
        return [{k: v for k, v in a.labels.items() if k not in OWN_COLUMN_LABELS} for a in alerts]
    names: set[str] = set().union(*(a.labels for a in alerts))
    common = {n for n in names if len({a.labels.get(n) for a in alerts}) == 1}
    hidden = common | OWN_COLUMN_LABELS
    return [{k: v for k, v in a.labels.items() if k not in hidden} for a in alerts]


_FNV_OFFSET, _FNV_PRIME, _MASK = 14695981039346656037, 1099511628211, (1 << 64) - 1


def fingerprint_of(labels: Mapping[str, str]) -> str:
    """Alertmanager's fingerprint of a label set (Prometheus' labelSetToFingerprint:
    FNV-1a 64 over the names in order, each name and value followed by the byte 0xff), as
    16 hex digits: what ties an alert Prometheus remembers (ALERTS) to the notebook's acks
    and incident links."""
    digest = _FNV_OFFSET
    for name in sorted(labels):
        for part in (name, labels[name]):
            for byte in (*part.encode(), 0xFF):
                digest = ((digest ^ byte) * _FNV_PRIME) & _MASK
    return f"{digest:016x}"
