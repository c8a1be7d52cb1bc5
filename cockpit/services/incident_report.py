"""Gather what an incident report needs from the notebook and render it."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from cockpit.locations import write_private_text
from cockpit.model.timeline import ClusterNames
from cockpit.reports.incident import ReportInput, render
from cockpit.services.timeline_view import incident_timeline
from cockpit.store import Notebook
from cockpit.store.incident_notes import action_items
from cockpit.store.incidents import linked_alerts, require_incident


def report_input(
    store: Notebook,
    incident_id: str,
    now: datetime,
    zone: tzinfo,
    clusters: ClusterNames | None = None,
) -> ReportInput:
    record = require_incident(store, incident_id)
    items = [
        (i.what, i.owner, i.due.isoformat() if i.due else None, i.verification, i.done)
        for i in action_items(store, record.id)
    ]
    return ReportInput(
        record=record,
        events=incident_timeline(store, record, now),
        action_items=items,
        alerts=linked_alerts(store, record.id),
        zone=zone,
        clusters=clusters,
    )


def incident_report(
    store: Notebook,
    incident_id: str,
    *,
    now: datetime,
    zone: tzinfo,
    template: str = "postmortem",
    clusters: ClusterNames | None = None,
) -> str:
    """The report; with ``clusters``, alerts name their cluster as ``ClusterNames`` says."""
    return render(report_input(store, incident_id, now, zone, clusters), template)


def save_report(text: str, path: Path) -> Path:
    """Write the report to a file; a folder or a missing parent folder is refused."""
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give a file name like {path / 'report.md'}")
    if not path.parent.exists():
        raise ValueError(f"folder {path.parent} does not exist; create it or pick another path")
    write_private_text(path, text)
    return path
