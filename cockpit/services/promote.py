"""Promote an alert to an incident: the prefilled draft the new-incident form opens with
(``services.incidents.create_from_draft`` turns it into the linked record)."""

from __future__ import annotations

from collections.abc import Mapping

from cockpit.model.alerts import Alert
from cockpit.model.incident_draft import IncidentDraft, LinkedAlert

FALLBACK_SEVERITY = "Sev3"


def incident_severity(alert: Alert, severity_map: Mapping[str, str]) -> str:
    """The alert's ``severity`` label through the configured map; Sev3 when unmapped."""
    return severity_map.get(alert.severity, FALLBACK_SEVERITY)


def draft_from_alert(alert: Alert, severity_map: Mapping[str, str]) -> IncidentDraft:
    title = alert.annotations.get("summary") or alert.name
    description = alert.annotations.get("description", "")
    component = alert.labels.get("service") or alert.labels.get("job")
    return IncidentDraft(
        title=f"{alert.name}: {title}" if title != alert.name else title,
        severity=incident_severity(alert, severity_map),
        description=description,
        components=(component,) if component else (),
        detected_at=alert.starts_at,
        alerts=(LinkedAlert(alert.fingerprint, alert.name, dict(alert.labels)),),
    )
