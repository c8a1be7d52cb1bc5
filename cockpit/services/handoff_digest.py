"""The digest of a shift, computed from the notebook and the live sources.

The digest itself is plain data in ``model/handoff_digest.py``: the report renders it as
Markdown, the screen as text, ``--json`` as JSON. Nothing is remembered in memory:
alert transitions, acks, incidents, runbook runs, probe changes and SLO budgets are all
rows other parts of the cockpit wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.handoff_digest import AckedAlert, BudgetLine, Digest, FiringAlert, IncidentLine
from cockpit.model.incident_record import FINISHED_STATUSES
from cockpit.model.shift_history import ResolvedAlert
from cockpit.model.silences import Silence, ack_of, index
from cockpit.services.handoff_live import LiveState
from cockpit.store import Notebook
from cockpit.store.acks import acks_for, active_acks
from cockpit.store.digest_queries import (
    budget_at_or_after,
    incidents_touching,
    last_update,
    probe_flaps,
    resolved_alerts,
    runbook_runs,
    snapshot_slos,
)
from cockpit.store.handoffs import Handoff

EXPIRING_WITHIN = timedelta(hours=12)


def _firing(alert: Alert) -> bool:
    return alert.state in ("firing", "silenced", "inhibited")


def _live_acks(
    alerts: Sequence[Alert], silences: Sequence[Silence], end: datetime
) -> tuple[AckedAlert, ...]:
    """Acks as Alertmanager has them (the alerts feature's rule, ``ack_of``): whoever
    acked, in the cockpit, in karma or from another notebook."""
    by_id = index(silences)
    acked = []
    for alert in alerts:
        info = ack_of(alert, by_id) if _firing(alert) else None
        if info is not None:
            acked.append(
                AckedAlert(
                    alert.name,
                    alert.labels,
                    info.owner or None,
                    info.since,
                    end - info.since,
                    info.ends_at,
                    True,
                    alert.cluster,
                )
            )
    return tuple(sorted(acked, key=lambda a: (a.acked_at, a.name)))


def _notebook_acks(
    store: Notebook, firing_prints: set[str] | None, end: datetime
) -> tuple[AckedAlert, ...]:
    """Acks as this notebook noted them: the fallback when Alertmanager's silences or
    alerts are not known."""
    acks = sorted(
        (a for a in active_acks(store, end) if a.created_at <= end),
        key=lambda a: (a.created_at, a.id),
    )
    return tuple(
        AckedAlert(
            a.alertname,
            a.labels,
            a.created_by,
            a.created_at,
            end - a.created_at,
            a.expires_at,
            None if firing_prints is None else a.fingerprint in firing_prints,
        )
        for a in acks
        # An ack on an alert that has resolved is history: it shows on the resolved line.
        if firing_prints is None or a.fingerprint in firing_prints
    )


def _acked_by(
    store: Notebook, live: LiveState, alert: ResolvedAlert, start: datetime
) -> tuple[str, ...]:
    """Who acked a resolved alert between its firing and its resolution: the notebook's
    acks, and the ack silences Alertmanager still keeps for its labels."""
    since = alert.fired_at or start
    owners: list[str] = []
    if alert.fingerprint:
        owners += [
            a.created_by or "someone"
            for a in reversed(acks_for(store, alert.fingerprint))
            if since <= a.created_at <= alert.resolved_at
        ]
    for s in sorted(live.silences or (), key=lambda s: s.starts_at):
        if s.is_ack and since <= s.starts_at <= alert.resolved_at and s.matches(alert.labels):
            owners.append(s.created_by or "someone")
    return tuple(dict.fromkeys(owners))


def _alert_sections(
    store: Notebook, live: LiveState, start: datetime, end: datetime
) -> tuple[tuple[FiringAlert, ...] | None, tuple[AckedAlert, ...], tuple[ResolvedAlert, ...]]:
    firing_prints = None
    if live.alerts is not None:
        firing_prints = {a.fingerprint for a in live.alerts if _firing(a) and a.fingerprint}
    if live.alerts is not None and live.silences is not None:
        acked = _live_acks(live.alerts, live.silences, end)
    else:
        acked = _notebook_acks(store, firing_prints, end)
    unacked = None
    if live.alerts is not None:
        # With Alertmanager's silences known, a firing alert is unacked (an ack silences
        # it); without them, the notebook's acks say which ones someone took.
        noted = (
            set()
            if live.silences is not None
            else {a.fingerprint for a in active_acks(store, end) if a.created_at <= end}
        )
        unacked = tuple(
            FiringAlert(a.name, a.severity, a.labels, a.starts_at, a.summary, a.cluster)
            for a in live.alerts
            # A silenced alert is handled (silence or ack-silence); pending is not news yet.
            if a.state == "firing" and a.fingerprint not in noted
        )
    resolved = tuple(
        replace(r, acked_by=_acked_by(store, live, r, start))
        for r in resolved_alerts(store, start, end)
    )
    return unacked, acked, resolved


def _silence_sections(
    live: LiveState, start: datetime, end: datetime
) -> tuple[tuple[Silence, ...] | None, tuple[Silence, ...] | None]:
    if live.silences is None:
        return None, None
    # Alertmanager keeps no creation time; a silence starts when it is created unless it
    # was scheduled ahead, so its start inside the shift is the best available answer.
    created = tuple(
        sorted((s for s in live.silences if start <= s.starts_at < end), key=lambda s: s.starts_at)
    )
    expiring = tuple(
        sorted(
            (
                s
                for s in live.silences
                if s.state != "expired" and end < s.ends_at <= end + EXPIRING_WITHIN
            ),
            key=lambda s: s.ends_at,
        )
    )
    return created, expiring


def _incidents(store: Notebook, start: datetime, end: datetime) -> tuple[IncidentLine, ...]:
    lines = []
    for inc in incidents_touching(store, start, end):
        finished = None
        if inc.status in FINISHED_STATUSES:
            finished = inc.resolved_at or inc.closed_at or inc.updated_at
        lines.append(
            IncidentLine(
                id=inc.id,
                title=inc.title,
                severity=inc.severity,
                status=inc.status,
                detected_at=inc.detected_at,
                finished_at=finished,
                responder=inc.responder or inc.commander,
                opened_in_shift=start <= inc.detected_at < end,
                closed_in_shift=finished is not None and start <= finished <= end,
                last_update=last_update(store, inc.id, end),
                closed_at=inc.closed_at,
            )
        )
    return tuple(lines)


def _budgets(
    store: Notebook, slo_names: Sequence[str], start: datetime, end: datetime
) -> tuple[BudgetLine, ...]:
    lines = []
    for name in slo_names:
        first = budget_at_or_after(store, name, start, end)
        last = budget_at_or_after(store, name, end, end)
        lines.append(
            BudgetLine(
                name,
                first.budget_remaining if first else None,
                first.taken_at if first else None,
                last.budget_remaining if last else None,
                last.taken_at if last else None,
            )
        )
    return tuple(lines)


def build_digest(
    store: Notebook, config: Config, handoff: Handoff, live: LiveState, now: datetime
) -> Digest:
    """The digest of ``handoff``'s shift: up to ``now`` for a draft, up to its signature
    for a signed one. A late draft stops at its scheduled time: from then on the incoming
    engineer was on call, and what happened is theirs."""
    start = handoff.shift_start
    if handoff.signed:
        end = handoff.shift_end
    elif handoff.scheduled_at is not None and handoff.kind == "handoff":
        end = max(start, min(now, handoff.scheduled_at))
    else:
        end = now
    unacked, acked, resolved = _alert_sections(store, live, start, end)
    created, expiring = _silence_sections(live, start, end)
    names = list(dict.fromkeys([s.name for s in config.slos] + snapshot_slos(store)))
    problems = tuple(
        f"{what}: {why}"
        for what, why in (("alerts", live.alerts_problem), ("silences", live.silences_problem))
        if why
    )
    return Digest(
        handoff_id=handoff.id,
        outgoing=handoff.outgoing,
        incoming=handoff.incoming,
        start=start,
        end=end,
        generated_at=now,
        timezone=config.oncall.timezone,
        firing_unacked=unacked,
        acked=acked,
        resolved=resolved,
        silences_created=created,
        silences_expiring=expiring,
        incidents=_incidents(store, start, end),
        budgets=_budgets(store, names, start, end),
        runbook_runs=tuple(runbook_runs(store, start, end)),
        probe_flaps=tuple(probe_flaps(store, start, end)),
        time_critical=handoff.time_critical,
        at_risk=handoff.at_risk,
        notes=handoff.notes,
        checklist=handoff.checklist,
        signed_by=handoff.signed_by,
        signed_at=handoff.signed_at,
        problems=problems,
        scheduled_at=handoff.scheduled_at,
        swap=handoff.kind == "swap",
        clusters=config.clusters,
    )
