"""What the incident screens share: the app's notebook, clock, zone and user, read the
same way everywhere, and one way to report a refused write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from cockpit.model.incident_clocks import DEFAULT_POLICIES, SeverityPolicy
from cockpit.store import Notebook


@dataclass(frozen=True)
class IncidentContext:
    notebook: Notebook | None
    now: datetime
    zone: tzinfo
    me: str | None
    policies: Mapping[str, SeverityPolicy]


def context(app: Any) -> IncidentContext:
    """From a CockpitApp (or any app with the same attributes, as tests use)."""
    clock = getattr(app, "clock", None)
    now = clock() if callable(clock) else datetime.now(UTC)
    zone = getattr(app, "timezone", None)
    config = getattr(app, "config", None)
    oncall = getattr(config, "oncall", None)
    policies = getattr(config, "severity_policies", None) or DEFAULT_POLICIES
    return IncidentContext(
        notebook=getattr(app, "notebook", None),
        now=now,
        zone=zone if isinstance(zone, tzinfo) else UTC,
        me=(getattr(oncall, "me", "") or None),
        policies=policies,
    )


NO_NOTEBOOK = "The notebook is not open (see the earlier notification); nothing was saved."


def local(value: datetime | None, zone: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if value is None else value.astimezone(zone).strftime(fmt)


def follow_incident(app: Any, incident_id: str | None) -> None:
    """Point the main screen's timeline pane at this incident (None: the most severe
    open one) and reload it."""
    from cockpit.ui.panes.timeline import TimelinePane

    stack = getattr(app, "screen_stack", [])
    if stack:
        for pane in stack[0].query(TimelinePane):
            pane.show_incident(incident_id)
