"""Confirm promoting an alert to an incident.

A stand-in for the new-incident form (being built separately): it shows the prefilled
draft and, on Enter, the caller creates a minimal incident linked to the alert. Swap this
screen for the form by pushing the form with the same ``IncidentDraft``.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from cockpit.model.incident_draft import IncidentDraft


def describe_draft(draft: IncidentDraft, zone: tzinfo | None) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    detected = (
        draft.detected_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")
        if (draft.detected_at)
        else "now"
    )
    grid.add_row("title", Text(draft.title))
    grid.add_row("severity", Text(draft.severity))
    grid.add_row("detected", Text(detected))
    grid.add_row("components", Text(", ".join(draft.components) or "—"))
    for alert in draft.alerts:
        labels = " ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()))
        grid.add_row("alert", Text(f"{alert.alertname} {alert.fingerprint}\n{labels}"))
    return grid


class PromoteConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    PromoteConfirmScreen { align: center middle; }
    #promote-dialog { width: 90; height: auto; border: thick $accent; background: $surface;
                      padding: 1 2; }
    """
    BINDINGS = [
        Binding("enter", "confirm", "Create incident"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, draft: IncidentDraft, zone: tzinfo | None) -> None:
        super().__init__()
        self.draft = draft
        self.zone = zone

    def compose(self) -> ComposeResult:
        with Vertical(id="promote-dialog"):
            yield Label("Open an incident from this alert? (Enter creates, Esc cancels)")
            yield Static(describe_draft(self.draft, self.zone))

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
