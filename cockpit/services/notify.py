"""Outgoing notifications: what happened, handed to whoever listens (notifier plugins).

Services publish; the plugin loader subscribes sinks at start-up. Publishing never
raises: a sink that fails is reported through ``on_error`` and the others still run,
so a broken notifier can never stop an incident from being written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

NOTIFICATION_KINDS: frozenset[str] = frozenset(
    {
        "incident_created",
        "incident_severity_changed",
        "incident_status_update_due",
        "incident_resolved",
        "handoff_signed",
    }
)


@dataclass(frozen=True)
class Notification:
    kind: str  # one of NOTIFICATION_KINDS
    subject: str  # the incident id, or "handoff-<id>"
    title: str  # one line a person reads first
    at: datetime
    text: str = ""
    severity: str | None = None  # Sev1..Sev4 for incident events
    fields: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in NOTIFICATION_KINDS:
            raise ValueError(f"unknown notification kind {self.kind!r}")


Sink = Callable[[Notification], None]
_sinks: list[tuple[str, Sink]] = []


def _ignore(name: str, exc: Exception) -> None:
    del name, exc


on_error: Callable[[str, Exception], None] = _ignore


def subscribe(name: str, sink: Sink) -> None:
    _sinks.append((name, sink))


def unsubscribe(name: str) -> None:
    """Remove the sinks subscribed under ``name`` (a plugin being stopped)."""
    _sinks[:] = [(n, s) for n, s in _sinks if n != name]


def unsubscribe_all() -> None:
    _sinks.clear()


def publish(notification: Notification) -> None:
    for name, sink in list(_sinks):
        try:
            sink(notification)
        except Exception as exc:  # a notifier must never break the caller
            on_error(name, exc)
