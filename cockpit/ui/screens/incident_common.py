"""What the incident screens share: the app's notebook, clock, zone and user, read the
same way everywhere, and one way to report a refused write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from textual.app import App

from cockpit.model.incident_clocks import DEFAULT_POLICIES, SeverityPolicy
from cockpit.model.timeline import ClusterNames
from cockpit.store import Notebook
from cockpit.ui.context import cockpit_of


@dataclass(frozen=True)
class IncidentContext:
    notebook: Notebook | None
    now: datetime
    zone: tzinfo
    me: str | None
    policies: Mapping[str, SeverityPolicy]
    # Which linked alerts name their cluster (the clusters this cockpit watches).
    clusters: ClusterNames = field(default_factory=ClusterNames)


def context(app: App[object]) -> IncidentContext:
    """Read from the cockpit app, the same way for every incident screen."""
    cockpit = cockpit_of(app)
    return IncidentContext(
        notebook=cockpit.notebook,
        now=cockpit.clock(),
        zone=cockpit.timezone,
        me=cockpit.config.oncall.me or None,
        policies=cockpit.config.severity_policies or DEFAULT_POLICIES,
        clusters=ClusterNames(cockpit.config.clusters),
    )


NO_NOTEBOOK = "The notebook is not open (see the earlier notification); nothing was saved."


def local(value: datetime | None, zone: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if value is None else value.astimezone(zone).strftime(fmt)


def follow_incident(app: App[object], incident_id: str | None) -> None:
    """Point the main screen's timeline pane at this incident (None: the most severe
    open one) and reload it."""
    cockpit_of(app).follow_incident(incident_id)
