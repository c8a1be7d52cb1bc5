"""The alert writes behind the keys: ack, unack, silence, extend, expire, promote.

Kept out of app.py: the app hands messages here. Every write is refused, with the reason,
in read-only mode and while Alertmanager is unreachable (the pane is stale then). The
dialogs its keys open are imported when first opened: the first frame needs none of them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Literal

import httpx

from cockpit.model.alerts import Alert
from cockpit.model.durations import format_duration
from cockpit.model.silences import Silence, ack_of, ended_since, expiring_acks, live_acks
from cockpit.model.snapshots import AlertSnapshot
from cockpit.services import alert_actions
from cockpit.services.runbook_catalog import find_for_alert
from cockpit.sources.clients import async_client
from cockpit.store import Notebook
from cockpit.store.incidents import get_incident, incidents_for_alert
from cockpit.ui.context import CockpitContext
from cockpit.ui.header import OnCallHeader
from cockpit.ui.notices import notebook_trouble
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.silences_controller import SilenceController
from cockpit.ui.writes import OneAtATime


def _with_status(store: Notebook, incident_id: str) -> str:
    """``INC-… (closed)``: a linked incident that is over is history, not where to work."""
    record = get_incident(store, incident_id)
    return f"{incident_id} ({record.status})" if record is not None else incident_id


WRITE_ERRORS = alert_actions.WRITE_ERRORS
AlertWrite = Literal["ack", "renew", "unack"]


def write_key(alert: Alert) -> str:
    """The key of an alert's ack, renewal and unack: one at a time per alert."""
    return f"alert {alert.cluster}/{alert.fingerprint or repr(alert.identity)}"


class AlertController:
    def __init__(self, app: CockpitContext) -> None:
        self.app = app
        # Tests hand in a client on a MockTransport; the app's shared client otherwise.
        self.client_factory: Callable[[], httpx.AsyncClient] | None = None
        self._silences_before: tuple[Silence, ...] | None = None
        # One ack or unack per alert on its way: a second press waits for the first.
        self.writes = OneAtATime(app)
        self.silences = SilenceController(self)

    # -- state ---------------------------------------------------------------
    @property
    def pane(self) -> AlertsPane:
        return self.app.query_one(AlertsPane)

    def snapshot(self) -> AlertSnapshot | None:
        return self.pane.snapshot

    def blocked(self, cluster: str | None = None) -> str | None:
        """Why writes (to ``cluster``, when named) are off now, or None."""
        if self.app.config.read_only:
            return alert_actions.READ_ONLY_REASON
        if self.app.config.alertmanager is None:
            return alert_actions.NO_ALERTMANAGER
        error = self.pane.freshness.error
        snapshot = self.snapshot()
        if error is None and cluster is not None and snapshot is not None:
            fresh = snapshot.clusters.get(cluster)
            if fresh is not None and fresh.error is not None and len(snapshot.clusters) > 1:
                return (
                    f"{cluster} unreachable ({fresh.error}): writes to it are off until it answers"
                )
        if error is not None:
            return f"Alertmanager unreachable ({error}): writes are off until it answers"
        return None

    def _refuse_if_blocked(self, cluster: str | None = None) -> bool:
        reason = self.blocked(cluster)
        if reason is not None:
            self.app.notify(f"Not sent: {reason}", severity="warning", markup=False)
        return reason is not None

    def client(self) -> tuple[httpx.AsyncClient, bool]:
        if self.client_factory is not None:
            return self.client_factory(), True
        if self.app.http is not None:
            return self.app.http, False
        return async_client(), True

    def _notify_error(self, what: str, exc: Exception) -> None:
        self.app.notify(f"{what}: {exc}", severity="error", timeout=10, markup=False)

    def noted(self, unnoted: Exception | None) -> None:
        """Say how a service's notebook write went (it wrote to ``app.notebook``)."""
        if self.app.notebook is None:
            return
        if unnoted is not None:
            why = notebook_trouble(unnoted, self.app.notebook_target)
            self.app.notices.trouble("notebook", f"Not noted in the notebook: {why}")
            return
        self.app.notices.recovered("notebook")
        self.app.refresh_timeline()

    # -- after each poll cycle -------------------------------------------------
    def after_snapshot(self, snapshot: AlertSnapshot) -> None:
        """Warn about acks about to end; note silences that ended since the last cycle."""
        config = self.app.config
        now = self.app.clock()
        # Only a silenced alert can be acked (model.silences.ack_of): the rest are skipped
        # here, not asked one by one (5,000 alerts every cycle).
        expiring = expiring_acks(
            [a for a in snapshot.alerts if a.silenced_by and a.state != "pending"],
            snapshot.silence_index(),
            now,
            config.alerts.ack_warning,
        )
        header = self.app.query_one(OnCallHeader)
        if expiring:
            alert, info = expiring[0]
            more = f" (+{len(expiring) - 1} more)" if len(expiring) > 1 else ""
            header.warning = (
                f"⚠ ack of {alert.name} by {info.owner} ends in "
                f"{format_duration(info.ends_at - now)}{more}"
            )
        else:
            header.warning = ""
        if snapshot.silences_error is not None or snapshot.freshness.error is not None:
            return
        before, self._silences_before = self._silences_before, snapshot.silences
        if before is None:
            return
        ended = ended_since(before, snapshot.silences)
        if ended and self.app.notebook is not None:
            self.noted(alert_actions.note_silences_expired(self.app.notebook, ended, now))

    # -- the alerts pane and detail ------------------------------------------------
    def open_detail(self, alert: Alert) -> None:
        snapshot = self.snapshot()
        silences = snapshot.silence_index() if snapshot else {}
        rules = snapshot.rules if snapshot else ()
        incidents: list[str] = []
        if self.app.notebook is not None and alert.fingerprint:
            try:
                incidents = [
                    _with_status(self.app.notebook, incident_id)
                    for incident_id in incidents_for_alert(
                        self.app.notebook, alert.fingerprint, alert.cluster
                    )
                ]
            except sqlite3.Error:
                incidents = ["(notebook unreadable)"]
        now, zone = self.app.clock(), self.app.timezone
        runbook = self._runbook(alert)
        from cockpit.ui.screens.alert_detail import AlertDetailScreen, describe_alert

        body = describe_alert(alert, silences, rules, incidents, now, zone, runbook)
        self.app.push_screen(AlertDetailScreen(alert, body))

    def _runbook(self, alert: Alert) -> str:
        """The runbook the alert names (or that lists it), as the catalog knows it."""
        entry = find_for_alert(self.app.runbook_entries(), alert.name, alert.annotations)
        if entry is None:
            return ""
        steps = f"{len(entry.runbook.steps)} steps" if entry.runbook else "broken"
        return f"{entry.title or entry.name} [{entry.origin}, {steps}]"

    def ack_key(self, alert: Alert | None) -> None:
        self._write_key(alert, "ack")

    def unack_key(self, alert: Alert | None) -> None:
        self._write_key(alert, "unack")

    def _write_key(self, alert: Alert | None, action: AlertWrite) -> None:
        if alert is None:
            self.app.notify("No alert selected.", severity="warning")
            return
        if self._refuse_if_blocked(alert.cluster):
            return
        self._write(alert, action)

    def _write(self, alert: Alert, action: AlertWrite) -> None:
        """Start an ack, renewal or unack, unless one for this alert is still on its way."""
        write = {"ack": self.ack, "renew": self.renew, "unack": self.unack}[action]
        self.writes.start(
            write_key(alert),
            lambda: write(alert),
            f"{alert.name}: the last ack or unack is still being sent; wait for it.",
        )

    async def renew(self, alert: Alert) -> None:
        await self.ack(alert, renew=True)

    async def ack(self, alert: Alert, renew: bool = False) -> None:
        if alert.state == "pending":
            self.app.notify(
                f"{alert.name} is pending: Alertmanager does not have it yet; "
                "ack it once it fires.",
                severity="warning",
                markup=False,
            )
            return
        now = self.app.clock()
        client, own = self.client()
        try:
            done = await alert_actions.ack(
                client, self.app.config, alert, now, renew=renew, notebook=self.app.notebook
            )
        except WRITE_ERRORS as exc:
            self._notify_error(f"Not acked ({alert.name})", exc)
            return
        finally:
            if own:
                await client.aclose()
        if not done.created:
            self._ask_renew(alert, done)
            return
        silence, silence_id = done.silence, done.silence_id
        self.noted(done.unnoted)
        for problem in done.problems:
            self.app.notify(problem, severity="error", timeout=10, markup=False)
        self.app.notify(
            f"{'Renewed the ack of' if done.replaced else 'Acked'} {alert.name} until "
            f"{silence.ends_at.astimezone(self.app.timezone):%H:%M} (silence {silence_id[:8]})",
            markup=False,
        )
        self.app.action_refresh_now()

    def _ask_renew(self, alert: Alert, done: alert_actions.AckOutcome) -> None:
        """Already acked: nothing was sent; renewing it is a question, not a second press."""
        from cockpit.ui.screens.confirm import AskScreen

        length = format_duration(self.app.config.alerts.ack_duration)

        def answered(yes: bool | None) -> None:
            if yes and not self._refuse_if_blocked(alert.cluster):
                self._write(alert, "renew")

        self.app.push_screen(
            AskScreen(
                f"{alert.name} is {done.already(self.app.timezone)}. Renew the ack?",
                done.silence.comment,
                f"y renews it: your ack for {length} from now, the old one expired"
                " · n or Esc keeps it as it is",
            ),
            answered,
        )

    def _ack_silences(self, alert: Alert) -> list[Silence]:
        snapshot = self.snapshot()
        if snapshot is None:
            return []
        silences = snapshot.silence_index()
        own = ack_of(alert, silences)
        found = live_acks(alert, snapshot.silences, self.app.clock())
        if own is not None and own.silence_id not in {s.id for s in found}:
            found.append(silences[own.silence_id])
        return found

    async def unack(self, alert: Alert) -> None:
        acks = self._ack_silences(alert)
        if not acks:
            self.app.notify(f"{alert.name} is not acked.", severity="warning", markup=False)
            return
        now = self.app.clock()
        client, own = self.client()
        try:
            done = await alert_actions.unack(
                client, self.app.config, alert, acks, now, notebook=self.app.notebook
            )
        except WRITE_ERRORS as exc:
            self._notify_error(f"Not un-acked ({alert.name})", exc)
            return
        finally:
            if own:
                await client.aclose()
        if done.expired:
            self.noted(done.unnoted)
        if done.failed is not None:
            self._notify_error(f"Not un-acked ({alert.name})", done.failed)
            return
        self.app.notify(f"Un-acked {alert.name}", markup=False)
        self.app.action_refresh_now()

    # -- silences (in silences_controller) ------------------------------------------
    def new_silence(self, alert: Alert | None) -> None:
        self.silences.new_silence(alert)

    def open_silences(self) -> None:
        self.silences.open_silences()

    async def reload_silences(self) -> None:
        await self.silences.reload_silences()

    # -- promote -----------------------------------------------------------------
    def promote(self, alert: Alert | None) -> None:
        if alert is None:
            self.app.notify("No alert selected.", severity="warning")
            return
        if self.app.notebook is None:
            self.app.notify(
                "The notebook is not open: no incident can be created.", severity="error"
            )
            return
        from cockpit.services.promote import draft_from_alert
        from cockpit.ui.screens.incident_form import IncidentFormScreen

        draft = draft_from_alert(alert, self.app.config.alerts.severity_map)
        # The new-incident form, prefilled and editable; it creates and links the record.
        self.app.push_screen(IncidentFormScreen(draft))
