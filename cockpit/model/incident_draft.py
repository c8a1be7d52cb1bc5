"""What a new incident starts from: blank, or prefilled when an alert is promoted.

The contract between the alerts pane (which fills a draft from an alert) and the
new-incident form and ``create`` service (which turn a draft into a record).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class LinkedAlert:
    """An alert an incident is linked to, as stored in incident_alerts."""

    fingerprint: str
    alertname: str
    labels: Mapping[str, str] = field(default_factory=dict)
    # The Alertmanager cluster it fires in; "": not known (linked before the notebook kept
    # clusters), which stands for this fingerprint in any cluster.
    cluster: str = ""


@dataclass(frozen=True)
class IncidentDraft:
    title: str = ""
    severity: str = "Sev3"
    description: str = ""
    components: tuple[str, ...] = ()
    # None means "now, when the form is submitted".
    detected_at: datetime | None = None
    alerts: tuple[LinkedAlert, ...] = ()
