"""The silence writes behind the silences screen and the silence form: create (asking
first when it would catch several alert names or everything), extend, expire (asking
first, naming the silence), reload."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Literal, Protocol

import httpx

from cockpit.model.alerts import Alert
from cockpit.model.durations import format_duration
from cockpit.model.matchers import exact
from cockpit.model.silence_scope import BlastRadius
from cockpit.model.silences import Silence
from cockpit.model.snapshots import AlertSnapshot
from cockpit.model.text import visible
from cockpit.services import alert_actions
from cockpit.ui.context import CockpitContext
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.writes import OneAtATime

if TYPE_CHECKING:
    # The silence screens are imported when first opened (issue 18: start-up imports).
    from cockpit.ui.screens.silence_form import SilenceRequest
    from cockpit.ui.screens.silences import SilencesScreen


class AlertControl(Protocol):
    """What the silences use of the alert controller (a protocol, so no import cycle)."""

    @property
    def app(self) -> CockpitContext: ...

    @property
    def pane(self) -> AlertsPane: ...

    @property
    def writes(self) -> OneAtATime: ...

    def snapshot(self) -> AlertSnapshot | None: ...
    def blocked(self, cluster: str | None = None) -> str | None: ...
    def _refuse_if_blocked(self, cluster: str | None = None) -> bool: ...
    def client(self) -> tuple[httpx.AsyncClient, bool]: ...
    def _notify_error(self, what: str, exc: Exception) -> None: ...
    def noted(self, unnoted: Exception | None) -> None: ...


EXTEND_BY = timedelta(hours=1)
WRITE_ERRORS = alert_actions.WRITE_ERRORS
SilenceChange = Literal["extend", "expire"]


class SilenceController:
    def __init__(self, control: AlertControl) -> None:
        self.control = control
        self.app = control.app
        self.writes = control.writes  # one write per alert or silence at a time

    def new_silence(self, alert: Alert | None) -> None:
        if self.control._refuse_if_blocked(alert.cluster if alert else None):
            return
        # An input field passes control characters to the terminal: a label holding one
        # is prefilled as visible escapes (the preview then shows it catches nothing).
        prefill = visible(", ".join(str(m) for m in exact(alert.labels))) if alert else ""

        def created(request: SilenceRequest | None) -> None:
            if request is not None:
                self._start_create(request)

        from cockpit.ui.screens.silence_form import SilenceFormScreen

        duration = self.app.config.alerts.ack_duration
        snapshot = self.control.snapshot()
        alerts = snapshot.alerts if snapshot else ()
        clusters = self.app.config.clusters if len(self.app.config.clusters) > 1 else ()
        cluster = alert.cluster if alert is not None and clusters else ""
        form = SilenceFormScreen(prefill, duration, alerts, clusters=clusters, cluster=cluster)
        self.app.push_screen(form, created)

    def _start_create(self, request: SilenceRequest) -> None:
        """One create per set of matchers at a time: the same silence submitted again
        while the first is on its way is not sent twice."""
        matchers = ", ".join(str(m) for m in request.matchers)
        self.writes.start(
            f"new silence {request.cluster}/{matchers}",
            lambda: self.create(request),
            f"A silence for {matchers} is still being created; wait for it.",
        )

    async def create(self, request: SilenceRequest) -> None:
        client, own = self.control.client()
        try:
            silence_id, radius = await alert_actions.create_silence(
                client, self.app.config, request.matchers, request.duration, request.comment,
                self.app.clock(), confirmed=request.confirmed, cluster=request.cluster,
            )  # fmt: skip
        except alert_actions.NeedsConfirmation as asked:
            # Alertmanager's alerts now differ from what the form showed: ask again.
            self._ask_wide_silence(request, asked.radius)
            return
        except WRITE_ERRORS as exc:
            self.control._notify_error("No silence created", exc)
            return
        finally:
            if own:
                await client.aclose()
        self.app.notify(f"Silence {silence_id[:8]} created: {radius.describe()}", markup=False)
        await self.reload_silences()
        self.app.action_refresh_now()

    def _ask_wide_silence(self, request: SilenceRequest, radius: BlastRadius) -> None:
        def answered(yes: bool | None) -> None:
            if yes and not self.control._refuse_if_blocked(request.cluster or None):
                self._start_create(replace(request, confirmed=True))

        from cockpit.ui.screens.confirm import AskScreen

        question = f"Create this silence? {radius.reason().capitalize()}."
        self.app.push_screen(AskScreen(question, radius.describe()), answered)

    def open_silences(self) -> None:
        from cockpit.ui.screens.silences import SilencesScreen

        screen = SilencesScreen(clustered=len(self.app.config.alertmanagers) > 1)
        self.app.push_screen(screen)
        self._show_on(screen)
        if self.app.config.alertmanager is not None:
            self.app.run_worker(self.reload_silences(), group="silences", exit_on_error=False)

    def _show_on(self, screen: SilencesScreen, note: str = "") -> None:
        snapshot = self.control.snapshot()
        silences: Sequence[Silence] = snapshot.silences if snapshot else ()
        alerts: Sequence[Alert] = snapshot.alerts if snapshot else ()
        if self.app.config.alertmanager is None:
            note = "Alertmanager is not configured: add [alertmanager] url = ... to the config."
        elif self.control.blocked() is not None and not note:
            note = f"writes off: {self.control.blocked()}"
        screen.show_silences(silences, alerts, self.app.clock(), note)

    async def reload_silences(self) -> None:
        """Ask Alertmanager again so the silences view shows the change at once."""
        client, own = self.control.client()
        note = ""
        try:
            fresh, problems = await alert_actions.load_all_silences(client, self.app.config)
            if problems:  # the clusters that answered are shown; the others are named
                note = "could not reload " + "; ".join(f"{n}: {w}" for n, w in problems.items())
                kept = self.control.snapshot()
                fresh += [s for s in (kept.silences if kept else ()) if s.cluster in problems]
        except WRITE_ERRORS as exc:
            fresh = None
            note = f"could not reload: {exc}"
        finally:
            if own:
                await client.aclose()
        pane = self.control.pane
        if fresh is not None and pane.snapshot is not None:
            pane.snapshot = replace(pane.snapshot, silences=tuple(fresh))
        from cockpit.ui.screens.silences import SilencesScreen

        screen = self.app.screen
        if isinstance(screen, SilencesScreen):
            self._show_on(screen, note)

    def reload_key(self) -> None:
        self.app.run_worker(self.reload_silences(), group="silences", exit_on_error=False)

    def new_key(self) -> None:
        if not self.control._refuse_if_blocked():
            self.new_silence(None)

    def extend_key(self, silence: Silence) -> None:
        if self.control._refuse_if_blocked(silence.cluster):
            return

        from cockpit.ui.screens.silence_form import ExtendScreen

        def chosen(by: timedelta | None) -> None:
            if by is not None:
                self._start_change("extend", silence, by)

        self.app.push_screen(ExtendScreen(f"silence {silence.id[:8]}", EXTEND_BY), chosen)

    def expire_key(self, silence: Silence) -> None:
        if self.control._refuse_if_blocked(silence.cluster):
            return
        if silence.state == "expired":
            self.app.notify(f"Silence {silence.id[:8]} has already expired.", markup=False)
            return

        from cockpit.ui.screens.confirm import AskScreen

        def answered(yes: bool | None) -> None:
            if yes and not self.control._refuse_if_blocked(silence.cluster):
                self._start_change("expire", silence)

        self.app.push_screen(AskScreen(*self._expire_question(silence)), answered)

    def _start_change(
        self, action: SilenceChange, silence: Silence, by: timedelta = EXTEND_BY
    ) -> None:
        """One change per silence at a time: a second one waits for the first's answer."""
        self.writes.start(
            f"silence {silence.cluster}/{silence.id}",
            lambda: self.change(action, silence, by),
            f"Silence {silence.id[:8]}: the last change is still being sent; wait for it.",
        )

    def _expire_question(self, silence: Silence) -> tuple[str, str]:
        kind = "the ack" if silence.is_ack else "silence"
        ends = format_duration(silence.ends_in(self.app.clock()))
        detail = (f"{silence.matcher_text}\nby {silence.created_by or '?'}, ends in {ends}: "
                  f"{silence.comment}")  # fmt: skip
        return f"Expire {kind} {silence.id[:8]} now? What it silences will notify again.", detail

    async def change(
        self, action: SilenceChange, silence: Silence, by: timedelta = EXTEND_BY
    ) -> None:
        client, own = self.control.client()
        now = self.app.clock()
        try:
            notebook = self.app.notebook
            if action == "extend":
                extended = await alert_actions.extend(
                    client, self.app.config, silence, by, now, notebook=notebook
                )
                done = f"Silence {extended.silence_id[:8]} now ends {format_duration(by)} later"
                unnoted = extended.unnoted
            else:
                unnoted = await alert_actions.expire_silence(
                    client, self.app.config, silence, now, notebook=notebook
                )
                done = f"Silence {silence.id[:8]} expired"
            if silence.is_ack:
                self.control.noted(unnoted)
        except WRITE_ERRORS as exc:
            self.control._notify_error(f"Silence {silence.id[:8]} unchanged", exc)
            return
        finally:
            if own:
                await client.aclose()
        self.app.notify(done, markup=False)
        await self.reload_silences()
        self.app.action_refresh_now()
