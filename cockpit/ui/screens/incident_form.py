"""The new-incident form: blank, or prefilled from an ``IncidentDraft`` when an alert is
promoted (the alerts pane builds the draft and pushes ``IncidentFormScreen(draft)``).

Ctrl+S creates the incident (linked to the draft's alerts, in one transaction) and the
timeline pane follows it; Esc cancels, asking first when something was typed. Ctrl+S
acts on every key typed before it, and Tab moves the focus as it arrives (see
``unsaved.settle``). The screen's result is the new id, or None.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from cockpit.model.incident_draft import IncidentDraft
from cockpit.model.incident_record import SEVERITIES
from cockpit.services.incidents import create_from_draft
from cockpit.store import NotebookError
from cockpit.ui.screens.incident_common import NO_NOTEBOOK, context, follow_incident, local
from cockpit.ui.screens.unsaved import DISCARD, SAVE, UnsavedEdits, settle


class IncidentFormScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "create_typed", "Create", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
        # Run as the key arrives: the keys typed after Tab go to the next field.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    def __init__(self, draft: IncidentDraft | None = None) -> None:
        super().__init__()
        self.draft = draft or IncidentDraft()
        self.created: str | None = None

    def compose(self) -> ComposeResult:
        draft = self.draft
        ctx = context(self.app)
        prefilled = "from an alert" if draft.alerts else "blank"
        with VerticalScroll(id="incident-form", classes="incident-dialog"):
            yield Label(f"New incident ({prefilled})  ·  Ctrl+S creates, Esc cancels")
            yield Label("Title", classes="field-label")
            # Not selected on focus: a prefilled title is usually amended, not replaced.
            yield Input(
                draft.title, placeholder="what is broken, in a few words", id="title",
                select_on_focus=False,
            )  # fmt: skip
            with Horizontal(classes="form-row"):
                yield Label("Severity", classes="field-label")
                yield Select(
                    [(s, s) for s in SEVERITIES],
                    value=draft.severity if draft.severity in SEVERITIES else "Sev3",
                    allow_blank=False,
                    id="severity",
                )
            yield Label("Components (comma-separated)", classes="field-label")
            yield Input(", ".join(draft.components), placeholder="api, payments", id="components")
            yield Label("Description", classes="field-label")
            yield TextArea(draft.description, id="description", soft_wrap=True)
            detected = (
                local(draft.detected_at, ctx.zone, "%Y-%m-%d %H:%M:%S %Z")
                if draft.detected_at
                else "now, when created"
            )
            yield Static(Text(f"Detected: {detected}"), classes="hint")
            alerts = ", ".join(f"{a.alertname} ({a.fingerprint})" for a in draft.alerts)
            yield Static(Text(f"Linked alerts: {alerts or 'none'}"), classes="hint")

    def on_mount(self) -> None:
        # One line per field: the whole form fits on a 48-line terminal.
        for widget in self.query("Input, Select, TextArea"):
            widget.compact = True  # type: ignore[attr-defined]
        self.query_one("#title", Input).focus()
        self.first = self._typed()

    def _typed(self) -> dict[str, str]:
        return {
            "title": self.query_one("#title", Input).value,
            "severity": str(self.query_one("#severity", Select).value),
            "components": self.query_one("#components", Input).value,
            "description": self.query_one("#description", TextArea).text,
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Esc closes an open drop-down first.
        return action != "cancel" or not self.query_one("#severity", Select).expanded

    async def close_or_ask(self, close: Callable[[], object]) -> None:
        """``close`` now if nothing was typed; else ask: create (then close once
        created), discard (close), or keep editing."""
        await settle(self)
        now = self._typed()
        changed = [name for name, value in now.items() if value.strip() != self.first[name].strip()]
        if not changed:
            close()
            return
        focused = self.focused

        def decided(answer: str | None) -> None:
            if answer == DISCARD or (answer == SAVE and self.create() is not None):
                close()
            elif focused is not None and focused.is_attached:
                focused.focus()

        self.app.push_screen(UnsavedEdits("The new incident", changed), decided)

    async def action_cancel(self) -> None:
        await self.close_or_ask(lambda: self.dismiss(self.created))

    async def action_create_typed(self) -> None:
        await settle(self)
        self.action_create()

    def action_create(self) -> None:
        if self.create() is not None:
            self.dismiss(self.created)

    def create(self) -> str | None:
        """Create the incident from the form; its id, or None (and said why)."""
        ctx = context(self.app)
        if ctx.notebook is None:
            self.notify(NO_NOTEBOOK, severity="error", markup=False)
            return None
        severity = self.query_one("#severity", Select).value
        draft = IncidentDraft(
            title=self.query_one("#title", Input).value,
            severity=str(severity),
            description=self.query_one("#description", TextArea).text.strip(),
            components=tuple(
                c.strip() for c in self.query_one("#components", Input).value.split(",")
            ),
            detected_at=self.draft.detected_at,
            alerts=self.draft.alerts,
        )
        if not draft.title.strip():
            self.notify("A title is required: say what is broken.", severity="error")
            self.query_one("#title", Input).focus()
            return None
        try:
            record = create_from_draft(ctx.notebook, draft, now=ctx.now, author=ctx.me)
        except (ValueError, sqlite3.Error, NotebookError) as exc:
            self.notify(f"Not created: {exc}", severity="error", timeout=10, markup=False)
            return None
        self.notify(f"Created {record.id} [{record.severity}] {record.title}", markup=False)
        follow_incident(self.app, record.id)
        self.created = record.id
        return record.id
