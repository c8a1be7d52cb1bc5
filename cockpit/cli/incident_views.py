"""`cockpit incident list|show|report|stats`: the incidents read back, and what every
incident command shares (the context a command runs in, times in the on-call zone, the
JSON shape of an incident)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from cockpit.cli.common import fail, print_json
from cockpit.exit_codes import EXIT_OK
from cockpit.model.text import visible

if TYPE_CHECKING:
    from cockpit.config import Config
    from cockpit.model.incident_record import IncidentRecord
    from cockpit.store import Notebook

TEMPLATE_NAMES = ("postmortem", "db", "redis", "deploy", "overload")


@dataclass(frozen=True)
class Context:
    notebook: Notebook
    config: Config
    now: datetime
    zone: tzinfo
    me: str


def local(value: datetime | None, zone: tzinfo) -> str:
    return "—" if value is None else f"{value.astimezone(zone):%Y-%m-%d %H:%M:%S %Z}"


def record_json(record: IncidentRecord) -> dict[str, object]:
    from dataclasses import asdict

    from cockpit.model.incident_lifecycle import postmortem_due

    data = asdict(record)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = value.isoformat()
    data["components"] = list(record.components)
    data["postmortem_due"] = postmortem_due(record)
    return data


def list_incidents(c: Context, args: argparse.Namespace) -> int:
    from cockpit.model.incident_lifecycle import postmortem_due
    from cockpit.store.incidents import list_incidents

    records = list_incidents(c.notebook, open_only=args.open)
    if args.json:
        print_json([record_json(r) for r in records], ensure_ascii=False)
        return EXIT_OK
    if not records:
        print("no open incidents" if args.open else "no incidents recorded yet")
        return EXIT_OK
    for r in records:
        flag = "  postmortem due" if postmortem_due(r) else ""
        print(
            f"{r.id:<24} {r.severity}  {r.status:<13} {local(r.detected_at, c.zone)}"
            f"  {visible(r.title)}{flag}"
        )
    return EXIT_OK


def show(c: Context, args: argparse.Namespace) -> int:
    from cockpit.model.incident_lifecycle import allowed_next, postmortem_due
    from cockpit.model.timeline import ClusterNames, event_text, with_cluster
    from cockpit.services.timeline_view import incident_clocks, incident_timeline
    from cockpit.store.incident_notes import action_items, linked_runbook_runs
    from cockpit.store.incidents import linked_alerts, require_incident

    record = require_incident(c.notebook, args.id)
    runs = linked_runbook_runs(c.notebook, record.id)
    events = incident_timeline(c.notebook, record, c.now)
    clocks = incident_clocks(c.notebook, record, c.now, c.config.severity_policies)
    items = action_items(c.notebook, record.id)
    alerts = linked_alerts(c.notebook, record.id)
    if args.json:
        data = record_json(record)
        data["allowed_next"] = list(allowed_next(record.status))
        data["clocks"] = clocks.describe() if record.is_open else None
        data["alerts"] = [
            {"fingerprint": a.fingerprint, "alertname": a.alertname, "labels": dict(a.labels),
             "cluster": a.cluster or None}
            for a in alerts
        ]
        data["runbook_runs"] = [
            {"id": r.id, "runbook": r.runbook, "status": r.status, "started_by": r.started_by,
             "started_at": r.started_at.isoformat(), "dry_run": r.dry_run} for r in runs
        ]  # fmt: skip
        data["action_items"] = [
            {"id": i.id, "what": i.what, "owner": i.owner, "due": i.due,
             "verification": i.verification, "done": i.done} for i in items
        ]  # fmt: skip
        data["timeline"] = [
            {"at": e.occurred_at.isoformat(), "kind": e.kind, "author": e.author,
             "source": e.source, "body": e.body, "cluster": e.cluster} for e in events
        ]  # fmt: skip
        print_json(data, ensure_ascii=False)
        return EXIT_OK
    print(f"{record.id} [{record.severity}] {record.status}: {visible(record.title)}")
    if record.is_open:
        print(f"  clocks: {clocks.describe()}")
    if postmortem_due(record):
        print("  postmortem due")
    for label, value in (
        ("description", record.description), ("components", ", ".join(record.components)),
        ("responder", record.responder), ("commander", record.commander),
        ("impact", record.impact), ("suspected cause", record.suspected_cause),
        ("root cause", record.root_cause), ("resolution", record.resolution),
        ("lessons", record.lessons), ("postmortem", record.postmortem_url or (
            "document kept" if record.postmortem_document else None)),
    ):  # fmt: skip
        if value:
            print(f"  {label}: {value}")
    for name, at in (
        ("detected", record.detected_at), ("acknowledged", record.acknowledged_at),
        ("mitigated", record.mitigated_at), ("resolved", record.resolved_at),
        ("closed", record.closed_at),
    ):  # fmt: skip
        print(f"  {name:<13} {local(at, c.zone)}")
    print(f"  next: {', '.join(allowed_next(record.status)) or 'nothing (closed)'}")
    clusters = ClusterNames(c.config.clusters)
    for a in alerts:
        name = with_cluster(a.alertname, clusters.of(a.cluster))
        print(f"  alert: {visible(name)} ({a.fingerprint})")
    for run in runs:
        print(f"  runbook run {run.id}: {run.runbook} ({run.status}) by {run.started_by or '—'}")
    for i in items:
        print(
            f"  action {i.id}: [{'x' if i.done else ' '}] {i.what} · {i.owner or '—'}"
            f" · due {i.due or '—'} · verified by {i.verification or '—'}"
        )
    print("timeline:")
    for e in events:
        text = event_text(e, clusters)
        body = " / ".join(line for line in text.splitlines() if line.strip())
        who = visible(e.author or e.source)
        print(f"  {local(e.occurred_at, c.zone)}  {e.kind:<16} {who}: {visible(body)}")
    return EXIT_OK


def report(c: Context, args: argparse.Namespace) -> int:
    from cockpit.model.timeline import ClusterNames
    from cockpit.services.incident_report import incident_report, save_report

    if args.template not in TEMPLATE_NAMES:
        names = ", ".join(TEMPLATE_NAMES)
        return fail(f"unknown template {args.template!r}; use one of {names}")
    text = incident_report(
        c.notebook, args.id, now=c.now, zone=c.zone, template=args.template,
        clusters=ClusterNames(c.config.clusters),
    )
    if args.output is None:
        print(text, end="")
    else:
        print(f"wrote {save_report(text, args.output)}")
    return EXIT_OK


def stats(c: Context, args: argparse.Namespace) -> int:
    from cockpit.model.durations import format_duration
    from cockpit.services.incidents import incident_stats, parse_since

    since: timedelta | None = parse_since(args.since) if args.since else None
    result = incident_stats(c.notebook, now=c.now, since=since)

    def fmt(value: timedelta | None) -> str:
        return "—" if value is None else format_duration(value)

    if args.json:
        print_json(
            {
                "since": result.since.isoformat() if result.since else None,
                "severities": [
                    {"severity": r.severity, "count": r.count, "open": r.open,
                     "acknowledged": r.acknowledged, "resolved": r.resolved,
                     "mtta_seconds": r.mtta.total_seconds() if r.mtta else None,
                     "mttr_seconds": r.mttr.total_seconds() if r.mttr else None}
                    for r in result.rows
                ],
            },
            ensure_ascii=False,
        )  # fmt: skip
        return EXIT_OK
    if result.since:
        print(f"incidents detected since {local(result.since, c.zone)}")
    else:
        print("every incident in the notebook")
    print(f"{'severity':<9} {'count':>5} {'open':>5} {'MTTA':>8} {'MTTR':>8}")
    for r in result.rows:
        print(f"{r.severity:<9} {r.count:>5} {r.open:>5} {fmt(r.mtta):>8} {fmt(r.mttr):>8}")
    return EXIT_OK
