"""The chosen (or most severe open) incident's timeline, oldest first, or the latest
recorded events when no incident is open.

Keys while the pane is focused: ``n`` add a note, ``u`` add a structured update, ``t``
cycle the event-type filter, ``e`` show earlier events (an incident's timeline shows its
newest ones first), ``enter`` show the event whole (enter there opens the incident). The
border says how long since detection against the response target and counts down to the
next status update; it turns to a warning when the update is due and to an alarm when it
is late. A followed incident that closes gives the pane back to the most severe open one,
or to the recent events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual.binding import Binding
from textual.widgets import DataTable

from cockpit.model.text import visible, visible_lines
from cockpit.model.timeline import ClusterNames, TimelineEvent, event_text
from cockpit.services.incident_notes import StatusUpdate, add_note, add_update
from cockpit.services.timeline_view import TIMELINE_WINDOW, TimelineView
from cockpit.ui.columns import Column
from cockpit.ui.outside_text import markup_text
from cockpit.ui.panes.base import Pane
from cockpit.ui.read_only import OffWhenReadOnly
from cockpit.ui.screens.incident_common import NO_NOTEBOOK, context
from cockpit.ui.table_sync import Row

# (label, kinds); None shows every kind.
FILTERS: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("all", None),
    ("status", frozenset({"status_change", "severity_change", "incident_linked"})),
    ("notes & updates", frozenset({"note", "update"})),
    ("alerts", frozenset({"alert_fired", "alert_resolved", "alert_acked", "alert_unacked",
                          "silence_expired"})),
    ("probes & burn", frozenset({"probe_down", "probe_up", "burn_started", "burn_stopped"})),
    ("runbooks", frozenset({"runbook_step"})),
)  # fmt: skip
TICK = 5.0  # seconds between clock refreshes while polling


class TimelinePane(Pane, OffWhenReadOnly):
    WRITE_ACTIONS = frozenset({"add_note", "add_update"})
    TITLE = "Timeline"
    KEY = "3"
    # "by" last: the first three columns keep the places they had before authors were shown.
    # The event takes every cell left (maximised too); "by" fits "alertmanager".
    COLUMNS = (
        Column("time", 8), Column("type", 15, least=11), Column("event", 43, least=16, flex=1),
        Column("by", 12, drop=1),
    )  # fmt: skip
    BINDINGS = [
        Binding("n", "add_note", "Note"),
        Binding("u", "add_update", "Status update"),
        Binding("t", "cycle_filter", "Filter type"),
        # Not in the footer: the border says "e for earlier" when there are earlier events.
        Binding("e", "earlier", "Earlier events", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # None follows the most severe open incident.
        self.incident_id: str | None = None
        self.shown_incident: str | None = None
        self.filter_index = 0
        # The rows' events by row key, for enter (the whole event).
        self.events_by_key: dict[str, TimelineEvent] = {}
        # Whether the followed incident was seen open: once it closes, the pane lets go.
        self._followed_open = False
        # How many of the incident's newest events to show; ``e`` asks for more.
        self.window = TIMELINE_WINDOW
        self._earlier = False  # the last view left earlier events out

    def on_mount(self) -> None:
        if self.cockpit.poll:
            self.set_interval(TICK, self._tick)

    @property
    def kinds(self) -> frozenset[str] | None:
        return FILTERS[self.filter_index][1]

    def _tick(self) -> None:
        """Keep the clocks current, and tell notifiers when a status update falls due. The
        notebook work runs on the app's notebook thread, never on the UI thread."""
        self.cockpit.refresh_timeline_later(announce=True)

    def _reload(self) -> None:
        self.cockpit.refresh_timeline()

    def show_incident(self, incident_id: str | None) -> None:
        """Follow this incident (None: the most severe open one) and reload."""
        self.incident_id = incident_id
        self._followed_open = False
        self.window = TIMELINE_WINDOW
        self._reload()

    def update_view(self, view: TimelineView, now: datetime) -> None:
        followed = view.incident if view.incident and view.incident.id == self.incident_id else None
        if followed is not None:
            if followed.status != "closed":
                self._followed_open = True
            elif self._followed_open:
                # It closed while followed: back to the most severe open one, or recent events.
                # (One followed on purpose after its close, from the list, stays shown.)
                self.show_incident(None)
                return
        self.shown_incident = view.incident.id if view.incident else None
        label = FILTERS[self.filter_index][0]
        heading = view.heading if label == "all" else f"{view.heading} · showing {label}"
        self._earlier = view.earlier
        if view.earlier:
            heading += f" · newest {len(view.events)}, e for earlier"
        update = view.clocks.update if view.clocks else None
        state = update.state if update else "ok"
        self.set_class(state == "due", "-update-due")
        self.set_class(state == "late", "-update-late")
        self.update_events(heading, view.events, now, view.empty)
        if view.incident is not None and view.events:
            # Oldest first: keep the newest row in sight.
            self.table.scroll_end(animate=False)

    def update_events(
        self, heading: str, events: Sequence[TimelineEvent], now: datetime, empty: str
    ) -> None:
        # A border title is markup; the heading quotes an incident title. Set only when it
        # changes: setting it repaints the whole pane, and the clock tick comes every 5 s.
        title = f"{self.KEY} {self.TITLE}: {markup_text(heading)}"
        if title != self.border_title:
            self.border_title = title
        zone = self.app_timezone()
        clusters = ClusterNames(self.cockpit.config.clusters)
        rows: list[Row] = []
        self.events_by_key = {}
        for event in events:
            local = event.occurred_at.astimezone(zone)
            lines = visible_lines(event_text(event, clusters)).splitlines()
            text = " / ".join(line for line in lines if line)
            self.events_by_key[str(event.id)] = event
            rows.append(
                (
                    str(event.id),
                    (
                        f"{local:%H:%M:%S}",
                        event.kind.replace("_", " "),
                        text,
                        visible(event.author or event.source),
                    ),
                )
            )
        self.show(rows, empty)

    # -- actions -------------------------------------------------------------
    def _target(self) -> str | None:
        if self.shown_incident is None:
            self.notify(
                "No incident to write on: open one from the incident list (i) or create one.",
                severity="warning",
            )
        return self.shown_incident

    def action_add_note(self) -> None:
        incident_id = self._target()
        if incident_id is None:
            return

        def save(text: str) -> None:
            ctx = context(self.app)
            if ctx.notebook is None:
                raise ValueError(NO_NOTEBOOK)
            add_note(ctx.notebook, incident_id, text, at=ctx.now, author=ctx.me)
            self._reload()

        from cockpit.ui.screens.incident_editors import NoteEditor  # at the first note

        self.app.push_screen(NoteEditor(incident_id, save))

    def action_add_update(self) -> None:
        incident_id = self._target()
        if incident_id is None:
            return

        def save(update: StatusUpdate) -> None:
            ctx = context(self.app)
            if ctx.notebook is None:
                raise ValueError(NO_NOTEBOOK)
            add_update(ctx.notebook, incident_id, update, at=ctx.now, author=ctx.me)
            self._reload()

        from cockpit.ui.screens.incident_editors import UpdateEditor

        self.app.push_screen(UpdateEditor(incident_id, save))

    def action_cycle_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self._reload()

    def action_earlier(self) -> None:
        if not self._earlier:
            self.notify("Every event of this timeline is shown.")
            return
        self.window += TIMELINE_WINDOW
        self._reload()

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        """Enter on a row shows that event whole; enter there opens the incident."""
        from cockpit.ui.screens.timeline_event import TimelineEventScreen

        event = self.events_by_key.get(str(message.row_key.value))
        if event is None:
            return
        self.app.push_screen(
            TimelineEventScreen(
                event, self.app_timezone(), self.shown_incident, self._open_incident,
                ClusterNames(self.cockpit.config.clusters),
            )
        )

    def _open_incident(self, incident_id: str) -> None:
        from cockpit.ui.screens.incident_detail import IncidentDetailScreen

        self.app.push_screen(IncidentDetailScreen(incident_id))

    def action_open_incident(self) -> None:
        incident_id = self._target()
        if incident_id is None:
            return
        from cockpit.ui.screens.incident_detail import IncidentDetailScreen

        self.app.push_screen(IncidentDetailScreen(incident_id))
