"""What the main screen opens, and where its write messages go: the help, incidents,
silences, the handoff, the review, runbooks and the demo's fault switches, and the typed
write messages (``ui/messages.py``) handed to the alert controller. ``CockpitApp``
inherits these; they read the app only through its ``CockpitContext`` and the three
fields named here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.widget import Widget

from cockpit.ui.context import CockpitContext
from cockpit.ui.messages import (
    AckRequested,
    ExpireSilenceRequested,
    ExtendSilenceRequested,
    NewSilenceRequested,
    PromoteRequested,
    ReloadSilencesRequested,
    SilenceRequested,
    UnackRequested,
)
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.base import Pane
from cockpit.ui.panes.probes import ProbesPane
from cockpit.ui.panes.runbooks import RunbooksPane
from cockpit.ui.panes.slo import SloPane

if TYPE_CHECKING:
    from cockpit.services.probe_poll import ProbePoller
    from cockpit.services.slo_history import BudgetHistory
    from cockpit.services.slo_poll import SloPoller
    from cockpit.services.transition_recorder import Recording
    from cockpit.ui.alerts_controller import AlertController

# The screens (and the services only they use) are imported when first opened: the first
# frame needs none of them (issue 18: importing the app against `textual.app`).


@dataclass(frozen=True)
class DemoInfo:
    service_url: str
    note: str = ""


class OpensDialogs(CockpitContext):
    demo: DemoInfo | None  # set in `cockpit demo` only: the fault switches need it
    _slo: SloPoller  # the SLOs last polled, for their detail screen
    _probes: ProbePoller  # the probes' states, for theirs
    alert_control: AlertController
    recording: Recording  # the alerts last seen, for the handoff's live state

    def action_show_help(self) -> None:
        from cockpit.ui.screens.help import HelpScreen, help_rows

        if isinstance(self.screen, HelpScreen):
            return
        node = self.focused
        while node is not None and not isinstance(node, Pane):
            node = node.parent if isinstance(node.parent, Widget) else None
        self.push_screen(HelpScreen(*help_rows(self, node)))

    def action_incident_list(self) -> None:
        from cockpit.ui.screens.incident_list import IncidentListScreen

        self.push_screen(IncidentListScreen())

    def action_new_incident(self) -> None:
        from cockpit.ui.screens.incident_form import IncidentFormScreen

        self.push_screen(IncidentFormScreen())

    def on_alerts_pane_selected(self, message: AlertsPane.Selected) -> None:
        self.alert_control.open_detail(message.alert)

    def on_ack_requested(self, message: AckRequested) -> None:
        self.alert_control.ack_key(message.alert)

    def on_unack_requested(self, message: UnackRequested) -> None:
        self.alert_control.unack_key(message.alert)

    def on_silence_requested(self, message: SilenceRequested) -> None:
        self.alert_control.new_silence(message.alert)

    def on_promote_requested(self, message: PromoteRequested) -> None:
        self.alert_control.promote(message.alert)

    def on_new_silence_requested(self, message: NewSilenceRequested) -> None:
        self.alert_control.silences.new_key()

    def on_reload_silences_requested(self, message: ReloadSilencesRequested) -> None:
        self.alert_control.silences.reload_key()

    def on_extend_silence_requested(self, message: ExtendSilenceRequested) -> None:
        self.alert_control.silences.extend_key(message.silence)

    def on_expire_silence_requested(self, message: ExpireSilenceRequested) -> None:
        self.alert_control.silences.expire_key(message.silence)

    def action_silences(self) -> None:
        self.alert_control.open_silences()

    def action_demo_fault(self) -> None:
        from cockpit.ui.screens.fault import FaultScreen

        if self.demo is None:
            self.notify("Fault switches exist only in `cockpit demo`.", severity="warning")
            return
        self.push_screen(FaultScreen(self.demo.service_url))

    def action_open_handoff(self, focus: str = "") -> None:
        from cockpit.services.handoff_live import LiveState, fetch_live
        from cockpit.ui.screens.handoff import HandoffScreen

        if isinstance(self.screen, HandoffScreen):
            return
        if self.notebook_target is None:
            self.notify("Handoffs need the notebook, and it is not available.", severity="error")
            return
        alerts = self.recording.alerts
        live = LiveState(alerts, None if alerts is not None else "no alert poll has answered yet",
                         None, "loading…" if self.http else "live refresh is off")  # fmt: skip
        http, config = self.http, self.config
        fetch = (lambda: fetch_live(config, http)) if http is not None else None
        target = self.notebook_target
        self.push_screen(
            HandoffScreen(config, target, self.clock, live, fetch_live=fetch, focus=focus)
        )

    def action_open_review(self) -> None:
        from cockpit.ui.screens.review import ReviewScreen

        if isinstance(self.screen, ReviewScreen):
            return
        if self.notebook_target is None:
            self.notify("The review needs the notebook, and it is not available.", severity="error")
            return
        self.push_screen(ReviewScreen(self.config, self.notebook_target, self.clock))

    def on_runbooks_pane_selected(self, message: RunbooksPane.Selected) -> None:
        if self.read_only is not None:  # a run, even a dry one, is kept in the notebook
            self.notify(f"No runbook runs here: {self.read_only}.", markup=False)
            return
        from cockpit.ui.screens import runbook_open

        runbook_open.open_runbook(self, message.name, dry_run=message.dry_run)

    def action_alert_runbook(self) -> None:
        from cockpit.ui.screens import runbook_open

        runbook_open.open_for_alert(self)

    def action_pick_runbook(self) -> None:
        from cockpit.ui.screens import runbook_open

        runbook_open.pick_runbook(self)

    def on_slo_pane_selected(self, message: SloPane.Selected) -> None:
        from cockpit.services.slo_history import budget_history
        from cockpit.sources.prometheus import PrometheusQueries
        from cockpit.ui.screens.slo_detail import SloDetailScreen

        status = next(s for s in self._slo.last.slos if s.slo.name == message.name)
        history = None
        server = self.config.prometheus_named(status.slo.prometheus)  # the SLO's own
        if server is not None:
            # Its own client: the poll cycle's may be busy in another thread.
            queries = PrometheusQueries(server)
            now = self.clock()

            def history() -> BudgetHistory:
                return budget_history(queries, status.slo, now)

        self.push_screen(SloDetailScreen(status, history))

    def on_probes_pane_selected(self, message: ProbesPane.Selected) -> None:
        from cockpit.ui.screens.probe_detail import ProbeDetailScreen

        probe = next(p for p in self.config.probes if p.name == message.name)
        state = self._probes.states[message.name]
        self.push_screen(ProbeDetailScreen(probe, state, self.timezone))
