"""`t`: which moment of the past to show. The same forms as `--at` (model/moments.py):
"03:12", "-2h", "2026-12-05 03:12", an ISO time; a typo is said under the field and the
dialog stays open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from cockpit.model.moments import MomentError, parse_moment


class MomentScreen(ModalScreen[datetime | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, clock: Callable[[], datetime], zone: tzinfo) -> None:
        super().__init__()
        self.clock = clock
        self.zone = zone

    def compose(self) -> ComposeResult:
        with Vertical(id="moment-dialog"):
            yield Label("Show the cockpit as it was at:")
            yield Input(placeholder="03:12 · -2h · 2026-12-05 03:12", id="moment-input")
            yield Label("", id="moment-problem")
            yield Label(Text("Enter goes there · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            moment = parse_moment(event.value, self.clock(), self.zone)
        except MomentError as exc:
            self.query_one("#moment-problem", Label).update(Text(str(exc)))
            return
        self.dismiss(moment)
