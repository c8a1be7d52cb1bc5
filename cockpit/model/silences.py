"""Alertmanager silences, and acks: short silences marked the way karma marks them.

Alertmanager has no acknowledge. karma's convention (its ``alertAcknowledgement``
setting) is a silence for exactly the alert's labels, ``createdBy`` the person, and a
comment that starts with ``ACK!`` (karma writes "ACK! This alert was acknowledged using
karma on <date>"). The cockpit writes the same shape, so karma shows the cockpit's acks as
acks and the cockpit shows karma's: any silence whose comment starts with ``ACK!`` is an ack.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any

from cockpit.model.alerts import Alert, parse_time
from cockpit.model.matchers import Matcher, exact, matches_all

ACK_MARKER = "ACK!"
SILENCE_STATES = ("active", "pending", "expired")


def ack_comment(now: datetime, note: str = "") -> str:
    """karma's ack comment, naming the cockpit; a note from the user follows it."""
    text = f"{ACK_MARKER} This alert was acknowledged using cockpit on {format_datetime(now, True)}"
    return f"{text}: {note.strip()}" if note.strip() else text


def is_ack_comment(comment: str) -> bool:
    return comment.lstrip().startswith(ACK_MARKER)


@dataclass(frozen=True)
class Silence:
    id: str
    matchers: tuple[Matcher, ...]
    starts_at: datetime
    ends_at: datetime
    created_by: str = ""
    comment: str = ""
    state: str = "active"  # one of SILENCE_STATES
    updated_at: datetime | None = None
    cluster: str = ""  # the Alertmanager cluster that holds it

    @property
    def is_ack(self) -> bool:
        return is_ack_comment(self.comment)

    @property
    def matcher_text(self) -> str:
        return ", ".join(str(m) for m in self.matchers)

    def matches(self, labels: Mapping[str, str]) -> bool:
        return matches_all(self.matchers, labels)

    def ends_in(self, now: datetime) -> timedelta:
        return self.ends_at - now

    def to_api(self) -> dict[str, Any]:
        """The body of ``POST /api/v2/silences`` (with ``id`` set, it updates this one)."""
        body: dict[str, Any] = {
            "matchers": [m.to_api() for m in self.matchers],
            "startsAt": self.starts_at.isoformat(),
            "endsAt": self.ends_at.isoformat(),
            "createdBy": self.created_by,
            "comment": self.comment,
        }
        if self.id:
            body["id"] = self.id
        return body


def from_api(item: object, cluster: str = "") -> Silence | None:
    """One element of ``GET /api/v2/silences``; None when it is not a silence at all."""
    if not isinstance(item, Mapping):
        return None
    starts, ends = parse_time(item.get("startsAt")), parse_time(item.get("endsAt"))
    if starts is None or ends is None or not item.get("id"):
        return None
    try:
        matchers = tuple(
            Matcher.from_api(m) for m in _list(item.get("matchers")) if isinstance(m, dict)
        )
    except ValueError:
        matchers = ()
    status = item.get("status") or {}
    return Silence(
        id=str(item["id"]),
        matchers=matchers,
        starts_at=starts,
        ends_at=ends,
        created_by=str(item.get("createdBy", "")),
        comment=str(item.get("comment", "")),
        state=str(status.get("state", "active")) if isinstance(status, dict) else "active",
        updated_at=parse_time(item.get("updatedAt")),
        cluster=cluster,
    )


def _list(raw: object) -> list[Any]:
    return raw if isinstance(raw, list) else []


def new_ack(alert: Alert, who: str, now: datetime, duration: timedelta, note: str = "") -> Silence:
    """The silence that acks ``alert``: exactly its labels, for ``duration`` from now."""
    return Silence(
        id="",
        matchers=exact(alert.labels),
        starts_at=now,
        ends_at=now + duration,
        created_by=who,
        comment=ack_comment(now, note),
        state="pending",
        cluster=alert.cluster,
    )


@dataclass(frozen=True)
class AckInfo:
    """Who acked an alert, when, and until when (from its ack silence)."""

    silence_id: str
    owner: str
    since: datetime
    ends_at: datetime

    def expiring(self, now: datetime, within: timedelta) -> bool:
        return self.ends_at - now <= within


def ack_of(alert: Alert, silences: Mapping[str, Silence]) -> AckInfo | None:
    """The ack silence that silences ``alert``, if any (the latest one wins)."""
    acks = [
        s
        for sid in alert.silenced_by
        if (s := silences.get(sid)) is not None and s.is_ack and s.state == "active"
    ]
    if not acks:
        return None
    latest = max(acks, key=lambda s: s.ends_at)
    return AckInfo(latest.id, latest.created_by, latest.starts_at, latest.ends_at)


def live_acks(alert: Alert, silences: Iterable[Silence], now: datetime) -> list[Silence]:
    """Every ack silence (karma's too) that covers ``alert`` and has not ended, latest end
    first: an alert with one is acked, and a second ack would only duplicate it."""
    found = [
        s
        for s in silences
        if s.is_ack and s.state != "expired" and s.ends_at > now and s.matches(alert.labels)
    ]
    return sorted(found, key=lambda s: s.ends_at, reverse=True)


def is_ack_for(silence: Silence, alert: Alert) -> bool:
    """An ack silence for exactly this alert's labels (not a wider one that covers it)."""
    return silence.is_ack and set(silence.matchers) == set(exact(alert.labels))


def display_state(alert: Alert, silences: Mapping[str, Silence]) -> str:
    """pending, firing, acked, silenced or inhibited."""
    if alert.state == "silenced" and ack_of(alert, silences) is not None:
        return "acked"
    return alert.state


def matches_no_alert(silence: Silence, alerts: Iterable[Alert]) -> bool:
    """A live silence that silences nothing any more: a candidate to expire."""
    return silence.state != "expired" and not any(
        a.state != "pending" and silence.matches(a.labels) for a in alerts
    )


def expiring_acks(
    alerts: Iterable[Alert], silences: Mapping[str, Silence], now: datetime, within: timedelta
) -> list[tuple[Alert, AckInfo]]:
    """Acked alerts still firing whose ack ends within ``within``: the header warns."""
    found = []
    for alert in alerts:
        info = ack_of(alert, silences)
        if info is not None and info.expiring(now, within):
            found.append((alert, info))
    return found


def index(silences: Iterable[Silence]) -> dict[str, Silence]:
    return {s.id: s for s in silences}


def ended_since(before: Iterable[Silence], after: Iterable[Silence]) -> list[Silence]:
    """Silences live in ``before`` and expired (or gone) in ``after``."""
    now_by_id = {s.id: s for s in after}
    ended = []
    for old in before:
        if old.state == "expired":
            continue
        new = now_by_id.get(old.id)
        if new is None or new.state == "expired":
            ended.append(new or old)
    return ended
