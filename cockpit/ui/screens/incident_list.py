"""Every incident: open ones first (most severe, newest), then the recently finished.

Enter opens one in full (all fields editable), ``n`` starts a new one, ``f`` makes the
timeline pane follow the selected one, Esc goes back.
"""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from cockpit.model.incident_lifecycle import postmortem_due
from cockpit.model.incident_record import IncidentRecord
from cockpit.model.text import visible
from cockpit.services.timeline_view import IncidentClocks, incident_clocks
from cockpit.store.incidents import list_incidents
from cockpit.ui.read_only import OffWhenReadOnly
from cockpit.ui.screens.incident_common import NO_NOTEBOOK, IncidentContext, context, local
from cockpit.ui.table_sync import Cell, Row, sync_rows

COLUMNS = (("id", 22), ("sev", 5), ("status", 13), ("detected", 17), ("title", 40),
           ("attention", 30))  # fmt: skip


def attention(record: IncidentRecord, clocks: IncidentClocks | None) -> str:
    flags = []
    if clocks is not None:
        if clocks.response.state == "overdue":
            flags.append("not acknowledged in time")
        update = clocks.update
        if update is not None and update.state != "ok":
            flags.append(f"status update {update.state}")
    if postmortem_due(record):
        flags.append("postmortem due")
    return ", ".join(flags)


class IncidentListScreen(Screen[None], OffWhenReadOnly):
    WRITE_ACTIONS = frozenset({"new"})
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "new", "New incident"),
        Binding("f", "follow", "Follow in timeline"),
        Binding("r", "reload", "Reload"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="incident-list", classes="pane"):
            yield Static("", classes="pane-message")
            table: DataTable[Cell] = DataTable(cursor_type="row", id="incident-table")
            for label, width in COLUMNS:
                table.add_column(label, width=width)
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#incident-list").border_title = "Incidents: open first, then recent"
        self.reload()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def _rows(self, ctx: IncidentContext) -> list[Row]:
        assert ctx.notebook is not None
        rows: list[Row] = []
        for r in list_incidents(ctx.notebook):
            clocks = incident_clocks(ctx.notebook, r, ctx.now, ctx.policies) if r.is_open else None
            flag = attention(r, clocks)
            rows.append(
                (
                    r.id,
                    (
                        r.id, r.severity, r.status, local(r.detected_at, ctx.zone), r.title,
                        Text(flag, style="bold") if flag else "",
                    ),
                )
            )  # fmt: skip
        return rows

    def notebook_changed(self) -> None:
        """Another cockpit wrote (ReloadsOnChange): the list as the notebook has it now."""
        self.reload()

    def reload(self) -> None:
        ctx = context(self.app)
        message = self.query_one(".pane-message", Static)
        table = self.query_one(DataTable)
        rows: list[Row] = []
        if ctx.notebook is None:
            text = NO_NOTEBOOK.replace("; nothing was saved", "")
        else:
            try:
                rows = self._rows(ctx)
                text = "No incidents recorded yet: press n to open one, or promote an alert."
            except sqlite3.Error as exc:
                text = f"The notebook could not be read: {exc}; press r to try again."
        sync_rows(table, rows)
        message.update(Text(visible(text)))
        message.display = not rows

    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            from cockpit.ui.screens.incident_detail import IncidentDetailScreen

            self.app.push_screen(IncidentDetailScreen(str(event.row_key.value)))

    def action_new(self) -> None:
        from cockpit.ui.screens.incident_form import IncidentFormScreen

        self.app.push_screen(IncidentFormScreen(), lambda _: self.reload())

    def action_follow(self) -> None:
        from cockpit.ui.screens.incident_common import follow_incident

        incident_id = self.selected()
        if incident_id is None:
            self.notify("No incident selected.", severity="warning")
            return
        follow_incident(self.app, incident_id)
        self.notify(f"The timeline pane now follows {incident_id}.", markup=False)

    def action_reload(self) -> None:
        self.reload()
