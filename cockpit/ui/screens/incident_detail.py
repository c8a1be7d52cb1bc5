"""One incident in full, every field editable.

Keys (they work while typing in a field): Ctrl+S save the fields, Ctrl+T move to the
status chosen under "Move to", Ctrl+K record the postmortem link, Ctrl+R copy the report
(chosen template) to the clipboard via OSC 52, Ctrl+O save it to the file named below,
Enter in "New action item" adds it, Esc back. Every write commits before the key
returns; a refused one is said and changes nothing.

Edits are never lost or scrambled: a key acts on everything typed before it (see
``unsaved.settle``), Tab moves the focus before the next key is handed out, a save never
moves the cursor, and Esc (or quitting) with unsaved edits asks: save, discard, or keep
editing.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static, TextArea

from cockpit.model.incident_lifecycle import allowed_next
from cockpit.model.incident_record import SEVERITIES, IncidentRecord
from cockpit.model.text import visible_lines
from cockpit.reports.incident import TEMPLATES
from cockpit.services import incidents as service
from cockpit.services.incident_notes import add_action_item, record_postmortem, set_action_done
from cockpit.services.incident_report import incident_report, save_report
from cockpit.store import Notebook, NotebookError
from cockpit.store.incident_notes import action_items
from cockpit.store.incidents import require_incident
from cockpit.ui.context import cockpit_of
from cockpit.ui.read_only import OffWhenReadOnly
from cockpit.ui.screens.incident_common import NO_NOTEBOOK, context
from cockpit.ui.screens.incident_fields import LINE_FIELDS, TEXT_AREAS, FormFields, record_values
from cockpit.ui.screens.incident_summary import summary_lines
from cockpit.ui.screens.unsaved import DISCARD, SAVE, UnsavedEdits, settle
from cockpit.ui.table_sync import Cell, Row, sync_rows

_ERRORS = (ValueError, LookupError, sqlite3.Error, NotebookError, OSError)
TICK = 1.0  # seconds between clock refreshes; the time itself comes from the app's clock
LABELS = {**dict(LINE_FIELDS), **dict(TEXT_AREAS), "components": "Components",
          "severity": "Severity"}  # fmt: skip


class IncidentDetailScreen(Screen[None], OffWhenReadOnly):
    WRITE_ACTIONS = frozenset({"move", "postmortem", "runbook", "save"})
    BINDINGS = [
        Binding("ctrl+s", "save", "Save fields", priority=True),
        Binding("ctrl+t", "move", "Move status", priority=True),
        Binding("ctrl+k", "postmortem", "Postmortem link", priority=True),
        Binding("ctrl+r", "copy_report", "Copy report", priority=True),
        Binding("ctrl+o", "save_report", "Save report", priority=True),
        Binding("ctrl+b", "runbook", "Run a runbook", priority=True),
        Binding("ctrl+g", "detection", "Go to detection (the past)", priority=True),
        # Run by the app as the key arrives, so the keys typed after Tab (or Esc) go where
        # the focus went, even when a field has not yet handled the keys before it.
        Binding("escape", "back", "Back", priority=True),
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.fields = FormFields(self)
        self._moves_for: str | None = None  # the status the "Move to" options are for

    def _record(self) -> IncidentRecord:
        ctx = context(self.app)
        if ctx.notebook is None:
            raise ValueError(NO_NOTEBOOK)
        return require_incident(ctx.notebook, self.incident_id)

    def compose(self) -> ComposeResult:
        record = self._record()
        shown = record_values(record)  # control characters made visible
        with VerticalScroll(id="incident-detail", classes="pane"):
            yield Static(id="incident-summary")
            for name, label in LINE_FIELDS:
                yield Label(label, classes="field-label")
                yield Input(shown[name], id=f"field-{name}")
            with Horizontal(classes="form-row"):
                yield Label("Severity", classes="field-label")
                yield Select(
                    [(s, s) for s in SEVERITIES], value=record.severity, allow_blank=False,
                    id="field-severity",
                )  # fmt: skip
                yield Label("Move to", classes="field-label")
                yield Select([], id="move-to", prompt="(no move)")
            yield Label("Note with the move", classes="field-label")
            yield Input(placeholder="optional: why", id="move-note")
            yield Label("Components (comma-separated)", classes="field-label")
            yield Input(shown["components"], id="field-components")
            for name, label in TEXT_AREAS:
                yield Label(label, classes="field-label")
                yield TextArea(shown[name], id=f"field-{name}", soft_wrap=True,
                               classes="detail-text")  # fmt: skip
            yield Label("Action items (Enter on one marks it done or open)", classes="field-label")
            items: DataTable[Cell] = DataTable(cursor_type="row", id="action-items")
            for label, width in (("done", 4), ("what", 40), ("owner", 12), ("due", 10),
                                 ("verified by", 30)):  # fmt: skip
                items.add_column(label, width=width)
            yield items
            with Horizontal(classes="form-row"):
                yield Input(placeholder="New action item: what (Enter adds)", id="action-what")
                yield Input(placeholder="owner", id="action-owner")
                yield Input(placeholder="due YYYY-MM-DD", id="action-due")
                yield Input(placeholder="verified by", id="action-verify")
            yield Label("Postmortem link (Ctrl+K records it)", classes="field-label")
            yield Input(record.postmortem_url or "", placeholder="https://...", id="postmortem")
            with Horizontal(classes="form-row"):
                yield Label("Report", classes="field-label")
                yield Select([(t, t) for t in TEMPLATES], value="postmortem", allow_blank=False,
                             id="report-template")  # fmt: skip
                yield Input(f"{record.id}.md", id="report-path")
        yield Footer()

    def on_mount(self) -> None:
        # One line per field: the whole form fits on a 48-line terminal.
        for widget in self.query("Input, Select, TextArea"):
            widget.compact = True  # type: ignore[attr-defined]
        for field in self.query(Input):
            # Typing after Tab adds to the text: a field selected on focus would be
            # replaced by the first key.
            field.select_on_focus = False
        self.query_one("#incident-detail").border_title = f"Incident {self.incident_id}"
        self.refresh_summary()
        self.query_one("#field-title", Input).focus()
        # The clocks ("next update in 4m") count down while the screen is open.
        self.set_interval(TICK, self.tick)

    def tick(self) -> None:
        """Count the clocks down: the notebook is read on the app's notebook thread, never
        on the UI thread (a busy notebook would hold every key for seconds)."""
        notebook = cockpit_of(self.app).notebook_reads
        if notebook is None:
            return
        ctx = context(self.app)
        incident_id = self.incident_id

        def job(store: Notebook) -> list[str]:
            try:
                return summary_lines(store, require_incident(store, incident_id), ctx)
            except (ValueError, LookupError) as exc:
                return [f"not refreshed: {exc}"]

        def show(lines: list[str]) -> None:
            with contextlib.suppress(NoMatches):  # the screen closed meanwhile
                summary = self.query_one("#incident-summary", Static)
                summary.update(Text(visible_lines("\n".join(lines))))

        notebook.run("incident-summary", job, show, "refresh the incident summary")

    def notebook_changed(self) -> None:
        """Another cockpit wrote (ReloadsOnChange): its moves, notes and fields show here;
        a field edited here and not saved keeps what was typed."""
        with contextlib.suppress(LookupError, NotebookError, sqlite3.Error):
            self.refresh_summary()

    def refresh_summary(self, *, fields: bool = True, everything: bool = False) -> None:
        """The summary lines; with ``fields`` also the form (the fields the user has not
        edited, or ``everything`` after a save), the moves and the action items."""
        ctx = context(self.app)
        record = self._record()
        assert ctx.notebook is not None
        lines = summary_lines(ctx.notebook, record, ctx)
        # Titles, summaries and alert names come from outside: shown, never obeyed.
        self.query_one("#incident-summary", Static).update(Text(visible_lines("\n".join(lines))))
        if not fields:
            return
        self.fields.load(record, everything=everything)
        if self._moves_for != record.status:  # keep the user's choice while it still applies
            moves = allowed_next(record.status)
            self.query_one("#move-to", Select).set_options([(s, s) for s in moves])
            self._moves_for = record.status
        rows: list[Row] = []
        for i in action_items(ctx.notebook, record.id):
            due = i.due.isoformat() if i.due else "—"
            mark = "[x]" if i.done else "[ ]"
            rows.append((str(i.id), (mark, i.what, i.owner or "—", due, i.verification or "—")))
        table = self.query_one("#action-items", DataTable)
        sync_rows(table, rows)
        table.display = bool(rows)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "action-items" or event.row_key.value is None:
            return
        ctx = context(self.app)
        item_id = int(event.row_key.value)
        done = str(event.data_table.get_row(event.row_key)[0]) == "[x]"

        def toggle() -> None:
            if ctx.notebook is None:
                raise ValueError(NO_NOTEBOOK)
            set_action_done(ctx.notebook, item_id, not done)

        self._write("Action item not changed", toggle)

    def _write(
        self, what: str, write: Callable[[], object], *, reload_everything: bool = False
    ) -> bool:
        try:
            write()
        except _ERRORS as exc:
            self.notify(f"{what}: {exc}", severity="error", timeout=10, markup=False)
            return False
        self.refresh_summary(everything=reload_everything)
        cockpit_of(self.app).refresh_timeline()
        return True

    # -- actions -------------------------------------------------------------
    async def action_save(self) -> None:
        await settle(self)
        self.save_fields()

    def save_fields(self, *, quiet: bool = False) -> bool:
        """Save the edited fields; False when the save was refused."""
        ctx = context(self.app)
        store = ctx.notebook
        edited = self.fields.changed()
        if not edited:
            if not quiet:
                self.notify("Nothing to save: no field was changed.", markup=False)
            return True

        def save() -> None:
            if store is None:
                raise ValueError(NO_NOTEBOOK)
            texts = {n: v for n, v in edited.items() if n not in ("components", "severity")}
            components = edited["components"].split(",") if "components" in edited else None
            service.save_fields(
                store, self.incident_id, texts, components=components,
                severity=edited.get("severity"), at=ctx.now, author=ctx.me,
            )  # fmt: skip

        if self._write("Not saved", save, reload_everything=True):
            self.notify(f"Saved {self.incident_id}: {', '.join(edited)}.", markup=False)
            return True
        return False

    async def action_move(self) -> None:
        await settle(self)
        ctx = context(self.app)
        target = self.query_one("#move-to", Select).value
        if not isinstance(target, str):
            self.notify("Choose a status under 'Move to' first.", severity="warning")
            return
        note = self.query_one("#move-note", Input).value

        def move() -> None:
            if ctx.notebook is None:
                raise ValueError(NO_NOTEBOOK)
            responder = ctx.me if target == "acknowledged" else None
            service.move(
                ctx.notebook, self.incident_id, target, at=ctx.now, author=ctx.me, note=note,
                responder=responder if not self._record().responder else None,
            )  # fmt: skip

        if self._write("Not moved", move):
            self.query_one("#move-note", Input).value = ""
            self.notify(f"{self.incident_id}: {target}", markup=False)

    async def action_postmortem(self) -> None:
        await settle(self)
        self.record_postmortem()

    def record_postmortem(self) -> bool:
        ctx = context(self.app)
        url = self.query_one("#postmortem", Input).value

        def record() -> None:
            if ctx.notebook is None:
                raise ValueError(NO_NOTEBOOK)
            record_postmortem(ctx.notebook, self.incident_id, at=ctx.now, url=url, author=ctx.me)

        if self._write("Postmortem not recorded", record):
            self.notify("Postmortem recorded.")
            return True
        return False

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id not in ("action-what", "action-owner", "action-due", "action-verify"):
            return
        await settle(self)
        self.add_action_item()

    def add_action_item(self) -> bool:
        ctx = context(self.app)
        what = self.query_one("#action-what", Input)
        owner = self.query_one("#action-owner", Input)
        due = self.query_one("#action-due", Input)
        verify = self.query_one("#action-verify", Input)

        def add() -> None:
            if ctx.notebook is None:
                raise ValueError(NO_NOTEBOOK)
            try:
                when = date.fromisoformat(due.value) if due.value.strip() else None
            except ValueError:
                raise ValueError(f"{due.value!r} is not a date; write it like 2025-10-20") from None
            add_action_item(
                ctx.notebook, self.incident_id, what.value, owner=owner.value, due=when,
                verification=verify.value,
            )  # fmt: skip

        if self._write("Action item not added", add):
            for field in (what, owner, due, verify):
                field.value = ""
            what.focus()
            return True
        return False

    def _report(self) -> str:
        ctx = context(self.app)
        if ctx.notebook is None:
            raise ValueError(NO_NOTEBOOK)
        template = str(self.query_one("#report-template", Select).value)
        return incident_report(
            ctx.notebook, self.incident_id, now=ctx.now, zone=ctx.zone, template=template,
            clusters=ctx.clusters,
        )

    async def action_copy_report(self) -> None:
        await settle(self)
        try:
            text = self._report()
        except _ERRORS as exc:
            self.notify(f"No report: {exc}", severity="error", markup=False)
            return
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Report copied ({len(text.splitlines())} lines) through the terminal (OSC 52); "
            "if your terminal ignores OSC 52, save it to a file with Ctrl+O.",
            markup=False,
        )

    async def action_save_report(self) -> None:
        await settle(self)
        raw = self.query_one("#report-path", Input).value.strip()
        if not raw:
            self.notify("Give a file name in the box next to the template.", severity="warning")
            return
        try:
            path = save_report(self._report(), Path(raw).expanduser())
        except _ERRORS as exc:
            self.notify(f"Report not saved: {exc}", severity="error", markup=False)
            return
        self.notify(f"Report saved to {path.resolve()}", markup=False)

    def action_runbook(self) -> None:
        from cockpit.ui.screens.runbook_open import pick_runbook

        pick_runbook(cockpit_of(self.app), incident_id=self.incident_id)

    async def action_detection(self) -> None:
        """The whole cockpit as it was when this incident was detected (typed edits are
        saved or kept first, as on any close)."""
        try:
            moment = self._record().detected_at
        except (NotebookError, ValueError, LookupError) as exc:  # no notebook; incident gone
            self.notify(f"No time to go to: {exc}", severity="warning", markup=False)
            return
        await self.close_or_ask(lambda: cockpit_of(self.app).travel_to(moment))

    # -- leaving ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Esc closes an open drop-down first.
        if action == "back" and any(select.expanded for select in self.query(Select)):
            return False
        return super().check_action(action, parameters)

    def unsaved(self) -> list[str]:
        """What was typed here and is not in the notebook yet."""
        names = [LABELS.get(name, name) for name in self.fields.changed()]
        try:
            recorded = self._record().postmortem_url or ""
        except _ERRORS:
            recorded = None
        link = self.query_one("#postmortem", Input).value.strip()
        if recorded is not None and link and link != recorded:
            names.append("postmortem link")
        if self.query_one("#action-what", Input).value.strip():
            names.append("new action item")
        return names

    async def close_or_ask(self, close: Callable[[], object]) -> None:
        """``close`` now if nothing is unsaved; else ask: save (then close if every
        write went through), discard (close), or keep editing (stay, focus kept)."""
        await settle(self)
        unsaved = self.unsaved()
        if not unsaved:
            close()
            return
        focused = self.focused

        def decided(answer: str | None) -> None:
            if answer == DISCARD or (answer == SAVE and self._save_everything()):
                close()
            elif focused is not None and focused.is_attached:
                focused.focus()

        self.app.push_screen(UnsavedEdits(f"Incident {self.incident_id}", unsaved), decided)

    def _save_everything(self) -> bool:
        saved = self.save_fields(quiet=True)
        try:
            recorded = self._record().postmortem_url or ""
        except _ERRORS:
            recorded = ""
        link = self.query_one("#postmortem", Input).value.strip()
        if saved and link and link != recorded:
            saved = self.record_postmortem()
        if saved and self.query_one("#action-what", Input).value.strip():
            saved = self.add_action_item()
        return saved

    async def action_back(self) -> None:
        await self.close_or_ask(self.app.pop_screen)
