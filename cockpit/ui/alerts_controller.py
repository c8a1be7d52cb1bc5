"""The alert writes behind the keys: ack, unack, silence, extend, expire, promote.

Kept out of app.py: the app hands messages here. Every write is refused, with the reason,
in read-only mode and while Alertmanager is unreachable (the pane is stale then).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import httpx

from cockpit import locations
from cockpit.model.alerts import Alert
from cockpit.model.durations import format_duration
from cockpit.model.matchers import exact
from cockpit.model.silences import Silence, ack_of, ended_since, expiring_acks, is_ack_comment
from cockpit.model.snapshots import AlertSnapshot
from cockpit.secrets import SecretError
from cockpit.services import alert_actions
from cockpit.services.promote import draft_from_alert
from cockpit.services.runbook_catalog import RunbookEntry, find_for_alert, load_catalog
from cockpit.sources.clients import async_client
from cockpit.sources.errors import SourceError
from cockpit.store import Store, StoreError
from cockpit.store.acks import record_ack, record_extend, record_silences_expired, record_unack
from cockpit.store.incidents import get_incident, incidents_for_alert
from cockpit.ui.header import OnCallHeader
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.screens.alert_detail import AlertDetailScreen, describe_alert
from cockpit.ui.screens.incident_form import IncidentFormScreen
from cockpit.ui.screens.silence_form import ExtendScreen, SilenceFormScreen, SilenceRequest
from cockpit.ui.screens.silences import SilencesScreen

if TYPE_CHECKING:
    from cockpit.ui.app import CockpitApp

EXTEND_BY = timedelta(hours=1)


def _with_status(store: Store, incident_id: str) -> str:
    """``INC-… (closed)``: a linked incident that is over is history, not where to work."""
    record = get_incident(store, incident_id)
    return f"{incident_id} ({record.status})" if record is not None else incident_id


WRITE_ERRORS = (alert_actions.ActionRefused, SourceError, SecretError)


class AlertController:
    def __init__(self, app: CockpitApp) -> None:
        self.app = app
        # Tests hand in a client on a MockTransport; the app's shared client otherwise.
        self.client_factory: Callable[[], httpx.AsyncClient] | None = None
        self._silences_before: tuple[Silence, ...] | None = None
        self._catalog: list[RunbookEntry] | None = None

    # -- state ---------------------------------------------------------------
    @property
    def pane(self) -> AlertsPane:
        return self.app.query_one(AlertsPane)

    def snapshot(self) -> AlertSnapshot | None:
        return self.pane.snapshot

    def blocked(self) -> str | None:
        """Why writes are off now, or None."""
        if self.app.config.read_only:
            return alert_actions.READ_ONLY_REASON
        if self.app.config.alertmanager is None:
            return "no Alertmanager configured: add [alertmanager] url = ... first"
        error = self.pane.freshness.error
        if error is not None:
            return f"Alertmanager unreachable ({error}): writes are off until it answers"
        return None

    def _refuse_if_blocked(self) -> bool:
        reason = self.blocked()
        if reason is not None:
            self.app.notify(f"Not sent: {reason}", severity="warning", markup=False)
        return reason is not None

    def _client(self) -> tuple[httpx.AsyncClient, bool]:
        if self.client_factory is not None:
            return self.client_factory(), True
        if self.app.http is not None:
            return self.app.http, False
        return async_client(), True

    def _notify_error(self, what: str, exc: Exception) -> None:
        self.app.notify(f"{what}: {exc}", severity="error", timeout=10, markup=False)

    def _store_write(self, write: Callable[[], object]) -> None:
        if self.app.store is None:
            return
        try:
            write()
        except (sqlite3.Error, StoreError) as exc:
            self.app.notify(f"Not noted in the notebook: {exc}", severity="error", markup=False)
            return
        self.app.refresh_timeline()

    # -- after each poll cycle -------------------------------------------------
    def after_snapshot(self, snapshot: AlertSnapshot) -> None:
        """Warn about acks about to end; note silences that ended since the last cycle."""
        config = self.app.config
        now = self.app.clock()
        expiring = expiring_acks(
            [a for a in snapshot.alerts if a.state != "pending"],
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
        if ended and self.app.store is not None:
            store = self.app.store
            self._store_write(lambda: record_silences_expired(store, ended, now))

    # -- the alerts pane and detail ------------------------------------------------
    def open_detail(self, alert: Alert) -> None:
        snapshot = self.snapshot()
        silences = snapshot.silence_index() if snapshot else {}
        rules = snapshot.rules if snapshot else ()
        incidents: list[str] = []
        if self.app.store is not None and alert.fingerprint:
            try:
                incidents = [
                    _with_status(self.app.store, incident_id)
                    for incident_id in incidents_for_alert(self.app.store, alert.fingerprint)
                ]
            except sqlite3.Error:
                incidents = ["(notebook unreadable)"]
        now, zone = self.app.clock(), self.app.timezone
        runbook = self._runbook(alert)
        body = describe_alert(alert, silences, rules, incidents, now, zone, runbook)
        self.app.push_screen(AlertDetailScreen(alert, body))

    def _runbook(self, alert: Alert) -> str:
        """The runbook the alert names (or that lists it), as the catalog knows it."""
        if self._catalog is None:
            folders = [locations.user_runbooks_dir(), *self.app.config.runbook_dirs]
            self._catalog = load_catalog(folders)
        entry = find_for_alert(self._catalog, alert.name, alert.annotations)
        if entry is None:
            return ""
        steps = f"{len(entry.runbook.steps)} steps" if entry.runbook else "broken"
        return f"{entry.title or entry.name} [{entry.origin}, {steps}]"

    def handle(self, action: str, alert: Alert | None) -> None:
        if action == "promote":
            self.promote(alert)
            return
        if action == "silence":
            self.new_silence(alert)
            return
        if alert is None:
            self.app.notify("No alert selected.", severity="warning")
            return
        if self._refuse_if_blocked():
            return
        work = self.ack(alert) if action == "ack" else self.unack(alert)
        self.app.run_worker(work, group="alert-write", exit_on_error=False)

    async def ack(self, alert: Alert) -> None:
        if alert.state == "pending":
            self.app.notify(
                f"{alert.name} is pending: Alertmanager does not have it yet; "
                "ack it once it fires.",
                severity="warning",
                markup=False,
            )
            return
        now = self.app.clock()
        client, own = self._client()
        try:
            silence, silence_id = await alert_actions.ack(client, self.app.config, alert, now)
        except WRITE_ERRORS as exc:
            self._notify_error(f"Not acked ({alert.name})", exc)
            return
        finally:
            if own:
                await client.aclose()
        if self.app.store is not None:
            store = self.app.store
            self._store_write(lambda: record_ack(store, alert, silence, silence_id, now))
        self.app.notify(
            f"Acked {alert.name} until {silence.ends_at.astimezone(self.app.timezone):%H:%M} "
            f"(silence {silence_id[:8]})",
            markup=False,
        )
        self.app.action_refresh_now()

    def _ack_silences(self, alert: Alert) -> list[Silence]:
        snapshot = self.snapshot()
        if snapshot is None:
            return []
        silences = snapshot.silence_index()
        own = ack_of(alert, silences)
        found = [
            s
            for s in snapshot.silences
            if s.state != "expired" and is_ack_comment(s.comment) and s.matches(alert.labels)
        ]
        if own is not None and own.silence_id not in {s.id for s in found}:
            found.append(silences[own.silence_id])
        return found

    async def unack(self, alert: Alert) -> None:
        acks = self._ack_silences(alert)
        if not acks:
            self.app.notify(f"{alert.name} is not acked.", severity="warning", markup=False)
            return
        now = self.app.clock()
        client, own = self._client()
        try:
            for silence in acks:
                await alert_actions.expire(client, self.app.config, silence.id)
                self._note_unack(silence, alert, now)
        except WRITE_ERRORS as exc:
            self._notify_error(f"Not un-acked ({alert.name})", exc)
            return
        finally:
            if own:
                await client.aclose()
        self.app.notify(f"Un-acked {alert.name}", markup=False)
        self.app.action_refresh_now()

    def _note_unack(self, silence: Silence, alert: Alert | None, now: datetime) -> None:
        store = self.app.store
        if store is not None:
            who = alert_actions.who(self.app.config)
            self._store_write(lambda: record_unack(store, silence, who, now, alert))

    # -- silences ------------------------------------------------------------
    def new_silence(self, alert: Alert | None) -> None:
        if self._refuse_if_blocked():
            return
        prefill = ", ".join(str(m) for m in exact(alert.labels)) if alert else ""

        def created(request: SilenceRequest | None) -> None:
            if request is not None:
                self.app.run_worker(self.create(request), group="alert-write", exit_on_error=False)

        duration = self.app.config.alerts.ack_duration
        self.app.push_screen(SilenceFormScreen(prefill, duration), created)

    async def create(self, request: SilenceRequest) -> None:
        client, own = self._client()
        try:
            silence_id = await alert_actions.create_silence(
                client, self.app.config, request.matchers, request.duration, request.comment,
                self.app.clock(),
            )  # fmt: skip
        except WRITE_ERRORS as exc:
            self._notify_error("No silence created", exc)
            return
        finally:
            if own:
                await client.aclose()
        self.app.notify(f"Silence {silence_id[:8]} created", markup=False)
        await self.reload_silences()
        self.app.action_refresh_now()

    def open_silences(self) -> None:
        screen = SilencesScreen()
        self.app.push_screen(screen)
        self._show_on(screen)
        if self.app.config.alertmanager is not None:
            self.app.run_worker(self.reload_silences(), group="silences", exit_on_error=False)

    def _show_on(self, screen: SilencesScreen, note: str = "") -> None:
        snapshot = self.snapshot()
        silences: Sequence[Silence] = snapshot.silences if snapshot else ()
        alerts: Sequence[Alert] = snapshot.alerts if snapshot else ()
        if self.app.config.alertmanager is None:
            note = "Alertmanager is not configured: add [alertmanager] url = ... to the config."
        elif self.blocked() is not None and not note:
            note = f"writes off: {self.blocked()}"
        screen.show_silences(silences, alerts, self.app.clock(), note)

    async def reload_silences(self) -> None:
        """Ask Alertmanager again so the silences view shows the change at once."""
        client, own = self._client()
        note = ""
        try:
            fresh = await alert_actions.load_silences(client, self.app.config)
        except WRITE_ERRORS as exc:
            fresh = None
            note = f"could not reload: {exc}"
        finally:
            if own:
                await client.aclose()
        pane = self.pane
        if fresh is not None and pane.snapshot is not None:
            pane.snapshot = replace(pane.snapshot, silences=tuple(fresh))
        screen = self.app.screen
        if isinstance(screen, SilencesScreen):
            self._show_on(screen, note)

    def on_silences_request(self, action: str, silence: Silence | None) -> None:
        if action == "reload":
            self.app.run_worker(self.reload_silences(), group="silences", exit_on_error=False)
            return
        if self._refuse_if_blocked():
            return
        if action == "new":
            self.new_silence(None)
        elif action == "extend" and silence is not None:

            def chosen(by: timedelta | None) -> None:
                if by is not None:
                    work = self.change("extend", silence, by)
                    self.app.run_worker(work, group="alert-write", exit_on_error=False)

            self.app.push_screen(ExtendScreen(f"silence {silence.id[:8]}", EXTEND_BY), chosen)
        elif silence is not None:
            self.app.run_worker(
                self.change(action, silence), group="alert-write", exit_on_error=False
            )

    async def change(self, action: str, silence: Silence, by: timedelta = EXTEND_BY) -> None:
        client, own = self._client()
        now = self.app.clock()
        try:
            if action == "extend":
                new_id, ends = await alert_actions.extend(client, self.app.config, silence, by, now)
                done = f"Silence {new_id[:8]} now ends {format_duration(by)} later"
                store = self.app.store
                if silence.is_ack and store is not None:
                    self._store_write(lambda: record_extend(store, silence.id, new_id, ends))
            else:
                await alert_actions.expire(client, self.app.config, silence.id)
                done = f"Silence {silence.id[:8]} expired"
                if silence.is_ack:
                    self._note_unack(silence, None, now)
        except WRITE_ERRORS as exc:
            self._notify_error(f"Silence {silence.id[:8]} unchanged", exc)
            return
        finally:
            if own:
                await client.aclose()
        self.app.notify(done, markup=False)
        await self.reload_silences()
        self.app.action_refresh_now()

    # -- promote -----------------------------------------------------------------
    def promote(self, alert: Alert | None) -> None:
        if alert is None:
            self.app.notify("No alert selected.", severity="warning")
            return
        if self.app.store is None:
            self.app.notify(
                "The notebook is not open: no incident can be created.", severity="error"
            )
            return
        draft = draft_from_alert(alert, self.app.config.alerts.severity_map)
        # The new-incident form, prefilled and editable; it creates and links the record.
        self.app.push_screen(IncidentFormScreen(draft))
