"""Promote an alert to an incident: a prefilled draft, and (until the new-incident form
lands) a minimal record linked to the alert."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from cockpit.model.alerts import Alert
from cockpit.model.incident_draft import IncidentDraft, LinkedAlert
from cockpit.model.incident_record import IncidentRecord
from cockpit.model.timeline import TimelineEvent
from cockpit.services import notify
from cockpit.store.alert_links import link_alerts
from cockpit.store.db import Store, utc_now
from cockpit.store.events import insert_event
from cockpit.store.incidents import create_incident

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


def create_from_draft(
    store: Store, draft: IncidentDraft, author: str | None, now: datetime
) -> IncidentRecord:
    """The incident, its alert links and an ``incident_linked`` event, in one transaction;
    then ``incident_created`` is published for notifier plugins."""
    with store.transaction() as conn:
        record = create_incident(
            store,
            title=draft.title,
            severity=draft.severity,
            detected_at=draft.detected_at or now,
            components=draft.components,
            author=author,
            description=draft.description,
        )
        link_alerts(conn, record.id, draft.alerts, now)
        for alert in draft.alerts:
            insert_event(
                conn,
                TimelineEvent(
                    kind="incident_linked",
                    occurred_at=now,
                    source="user",
                    subject=alert.alertname,
                    body=f"{alert.alertname} linked to {record.id}",
                    author=author,
                    incident_id=record.id,
                    labels=alert.labels,
                    fingerprint=alert.fingerprint or None,
                ),
                utc_now(),
            )
    # After the commit: plugins hear of the incident only once it exists.
    notify.publish(
        notify.Notification(
            kind="incident_created",
            subject=record.id,
            title=f"{record.id} {record.severity}: {record.title}",
            at=now,
            text=record.description,
            severity=record.severity,
            fields={"alerts": ", ".join(a.alertname for a in draft.alerts), "by": author or ""},
        )
    )
    return record
