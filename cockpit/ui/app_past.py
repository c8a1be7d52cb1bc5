"""The app's side of time travel (ui/time_travel.py reads the moments): the keys that step
and return, and what the main screen shows on entering the past, at each moment, and on
leaving it. ``CockpitApp`` builds on it, as on the dialogs and the live notebook."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cockpit.model.snapshots import AlertSnapshot, ProbeSnapshot, SloSnapshot
from cockpit.ui.header import OnCallHeader
from cockpit.ui.live_notebook import LiveNotebook
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.probes import ProbesPane
from cockpit.ui.panes.runbooks import RunbooksPane
from cockpit.ui.panes.slo import SloPane
from cockpit.ui.panes.timeline import TimelinePane
from cockpit.ui.time_travel import FAR, STEP, TimeTravel

if TYPE_CHECKING:
    from cockpit.services.past_view import PastView


class ShowsThePast(LiveNotebook):
    travel: TimeTravel

    def redraw_ages(self) -> None:
        """The header's clock and the panes' age lines, now (the app's one-second tick)."""
        raise NotImplementedError

    def live_snapshots(self) -> tuple[SloSnapshot, AlertSnapshot, ProbeSnapshot]:
        """The last live answers of each source (shown again on leaving the past)."""
        raise NotImplementedError

    def action_travel_back(self) -> None:
        self.travel.step(-STEP)

    def action_travel_forward(self) -> None:
        self.travel.step(STEP)

    def action_travel_back_far(self) -> None:
        self.travel.step(-FAR)

    def action_travel_forward_far(self) -> None:
        self.travel.step(FAR)

    def action_travel_to(self) -> None:
        from cockpit.ui.screens.moment import MomentScreen

        self.push_screen(MomentScreen(self.clock, self.timezone), self._travel_to)

    def _travel_to(self, moment: datetime | None) -> None:
        if moment is not None:
            self.travel.go(moment)

    def action_live(self) -> None:
        self.travel.live()

    def travel_to(self, moment: datetime) -> None:
        while len(self.screen_stack) > 1:  # the past is shown on the main screen
            self.pop_screen()
        self.travel.go(moment)

    def entered_past(self, at: datetime) -> None:
        self.viewing = at
        self.query_one(OnCallHeader).past = at
        self.redraw_ages()
        self.refresh_bindings()  # the keys that would write go dim

    def show_past(self, view: PastView) -> None:
        self.query_one(SloPane).update_snapshot(view.slo, view.at)
        self.query_one(AlertsPane).update_snapshot(view.alerts, view.at)
        self.query_one(ProbesPane).update_snapshot(view.probes, view.at)
        self.query_one(TimelinePane).update_view(view.timeline, view.at)
        self.query_one(RunbooksPane).show_runs_then(view.runs)
        self.redraw_ages()

    def left_past(self) -> None:
        self.viewing = None
        self.query_one(OnCallHeader).past = None
        self.query_one(RunbooksPane).show_runs_then(None)
        self.refresh_bindings()
        now = self.clock()
        # The last live answers, at once; the next cycles bring newer ones.
        slo, alerts, probes = self.live_snapshots()
        self.query_one(SloPane).update_snapshot(slo, now)
        self.query_one(ProbesPane).update_snapshot(probes, now)
        self.query_one(AlertsPane).update_snapshot(alerts, now)
        self.refresh_timeline()
        self.action_refresh_now()
