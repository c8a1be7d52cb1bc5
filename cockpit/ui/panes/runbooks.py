"""The runbooks the cockpit knows: bundled ones and the user's own. Enter runs the one
under the cursor (or resumes its paused run), ``d`` starts a dry run."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from cockpit.services.runbook_catalog import RunbookEntry
from cockpit.store.runbook_runs import RunSummary
from cockpit.ui.columns import Column
from cockpit.ui.outside_text import markup_text
from cockpit.ui.panes.base import Pane
from cockpit.ui.table_sync import Row


class RunbooksPane(Pane):
    TITLE = "Runbooks"
    KEY = "4"
    COLUMNS = (
        Column("runbook", 25, least=14, flex=2), Column("steps", 5),
        Column("applies to", 20, least=10, flex=1, drop=1), Column("from", 7, drop=2),
    )  # fmt: skip
    BINDINGS = [Binding("d", "dry_run", "Dry run")]

    class Selected(Message):
        """Run a runbook (Enter), or show it without running anything (``d``)."""

        def __init__(self, name: str, dry_run: bool = False) -> None:
            super().__init__()
            self.name = name
            self.dry_run = dry_run

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catalog_shown = False  # the catalogue's read has landed here

    def show_runs_then(self, runs: Sequence[RunSummary] | None) -> None:
        """Time travel: the runs under way at the moment shown (None: live again)."""
        if runs is None:
            self.border_subtitle = ""
            return
        if not runs:
            self.border_subtitle = "no run under way then"
            return
        names = ", ".join(
            f"#{r.run_id} {r.runbook}" + (f" ({r.started_by})" if r.started_by else "")
            for r in runs
        )
        self.border_subtitle = markup_text(f"under way then: {names}")

    def show_reading(self) -> None:
        self.show([], "Reading the runbooks…")

    def update_catalog(self, entries: Sequence[RunbookEntry], problem: str = "") -> None:
        self.catalog_shown = True
        rows: list[Row] = []
        for entry in entries:
            if entry.runbook is None:
                problem = entry.problems[0].message if entry.problems else "unreadable"
                rows.append(
                    (
                        entry.name,
                        (entry.title or entry.name, "—", f"broken: {problem}", entry.origin),
                    )
                )
                continue
            applies = ", ".join(entry.runbook.alerts) or "—"
            rows.append(
                (entry.name, (entry.title, str(len(entry.runbook.steps)), applies, entry.origin))
            )
        self.show(rows, f"No runbooks: {problem}." if problem else "No runbooks found.")

    def selected_runbook(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None else str(key)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Selected(str(event.row_key.value)))

    def action_dry_run(self) -> None:
        name = self.selected_runbook()
        if name is not None:
            self.post_message(self.Selected(name, dry_run=True))
