"""A yes/no question before a write that is hard to take back (expire a silence, renew
someone's ack, a silence that catches many alerts)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from cockpit.model.text import visible, visible_lines


class AskScreen(ModalScreen[bool]):
    """``y`` answers yes; ``n`` and Esc answer no. Texts from outside stay plain text, and
    the detail shows every control character (nothing in it can hide (SGR 8), recolour or
    reorder (bidi) what the on-call is agreeing to)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, question: str, detail: str = "", hint: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.hint = hint or "y confirms · n or Esc cancels"

    ID = "ask"  # the ids of the dialog's parts: ask-dialog, ask-question, ask-detail
    DETAIL_CLASS = "detail"

    def compose(self) -> ComposeResult:
        with Vertical(id=f"{self.ID}-dialog"):
            yield Label(Text(visible(self.question)), id=f"{self.ID}-question")
            if self.detail:
                yield Static(
                    Text(visible_lines(self.detail)),
                    classes=self.DETAIL_CLASS,
                    id=f"{self.ID}-detail",
                )
            yield Label(Text(self.hint), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
