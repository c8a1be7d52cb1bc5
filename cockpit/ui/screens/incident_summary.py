"""The summary at the top of an incident's detail: status, clocks, times, linked alerts
and runbook runs, the postmortem. Read from the notebook (on the notebook thread for the
clock's tick, ``screens/incident_detail.py``)."""

from __future__ import annotations

from cockpit.model.incident_lifecycle import postmortem_due
from cockpit.model.incident_record import IncidentRecord
from cockpit.model.timeline import with_cluster
from cockpit.services.timeline_view import incident_clocks
from cockpit.store import Notebook
from cockpit.store.incident_notes import linked_runbook_runs
from cockpit.store.incidents import linked_alerts
from cockpit.ui.screens.incident_common import IncidentContext, local


def summary_lines(store: Notebook, record: IncidentRecord, ctx: IncidentContext) -> list[str]:
    """The summary at the top of the detail: status, clocks, times, links, postmortem."""
    lines = [f"{record.id}  {record.severity}  {record.status}  ·  {record.title}"]
    if record.is_open:
        lines.append(incident_clocks(store, record, ctx.now, ctx.policies).describe())
    stamps = [
        ("detected", record.detected_at), ("acknowledged", record.acknowledged_at),
        ("mitigated", record.mitigated_at), ("resolved", record.resolved_at),
        ("closed", record.closed_at),
    ]  # fmt: skip
    lines.append("  ".join(f"{n} {local(at, ctx.zone, '%m-%d %H:%M')}" for n, at in stamps))
    alerts = linked_alerts(store, record.id)
    if alerts:
        names = (with_cluster(a.alertname, ctx.clusters.of(a.cluster)) for a in alerts)
        lines.append("alerts: " + ", ".join(names))
    runs = linked_runbook_runs(store, record.id)
    if runs:
        lines.append("runbook runs: " + ", ".join(f"{r.runbook} ({r.status})" for r in runs))
    if postmortem_due(record):
        lines.append("postmortem due (required for Sev1 and Sev2)")
    elif record.postmortem_done:
        lines.append(f"postmortem done {local(record.postmortem_at, ctx.zone)}")
    return lines
