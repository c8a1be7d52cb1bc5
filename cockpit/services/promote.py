"""Promote an alert to an incident: the prefilled draft the new-incident form opens with
(``services.incidents.create_from_draft`` turns it into the linked record)."""

from __future__ import annotations

from collections.abc import Mapping

from cockpit.model.alerts import Alert
from cockpit.model.incident_draft import IncidentDraft, LinkedAlert
from cockpit.model.text import visible, visible_lines

FALLBACK_SEVERITY = "Sev3"


def incident_severity(alert: Alert, severity_map: Mapping[str, str]) -> str:
    """The alert's ``severity`` label through the configured map; Sev3 when unmapped."""
    return severity_map.get(alert.severity, FALLBACK_SEVERITY)


def draft_from_alert(alert: Alert, severity_map: Mapping[str, str]) -> IncidentDraft:
    # Alert text is hostile: the draft fills input fields (which pass control characters
    # to the terminal) and then the notebook, so it carries them as visible escapes.
    title = visible(alert.annotations.get("summary") or alert.name)
    description = visible_lines(alert.annotations.get("description", ""))
    component = alert.labels.get("service") or alert.labels.get("job")
    return IncidentDraft(
        title=f"{visible(alert.name)}: {title}" if title != visible(alert.name) else title,
        severity=incident_severity(alert, severity_map),
        description=description,
        components=(visible(component),) if component else (),
        detected_at=alert.starts_at,
        alerts=(LinkedAlert(alert.fingerprint, alert.name, dict(alert.labels), alert.cluster),),
    )
