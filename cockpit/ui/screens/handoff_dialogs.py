"""The handoff screen's two dialogs: signing off (the incoming engineer's name), and
picking a past handoff to read."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.store.handoffs import Handoff


class SignOffScreen(ModalScreen[str | None]):
    """Ask the incoming engineer's name; the caller signs and may refuse with a reason."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, handoff: Handoff, sign: Callable[[str], str | None]) -> None:
        super().__init__()
        self.handoff = handoff
        self.sign = sign
        self._done = False  # a second Enter while the first one signs must not sign again

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-off-dialog"):
            yield Label(
                Text(f"Sign off the handoff from {self.handoff.outgoing}. Your name:"),
            )
            yield Input(value=self.handoff.incoming or "", id="sign-off-name")
            yield Static("", id="sign-off-error")
            unticked = self.handoff.unticked("incoming")
            hint = (
                f"{len(unticked)} of your checklist items are not ticked."
                if unticked
                else "Your part of the checklist is ticked."
            )
            yield Label(Text(hint + " Enter signs; Esc cancels."), classes="handoff-label")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._done:
            return
        problem = self.sign(event.value)
        if problem is None:
            self._done = True
            self.dismiss(event.value.strip())
        else:
            self.query_one("#sign-off-error", Static).update(Text(f"Refused: {problem}"))


class PastHandoffsScreen(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, handoffs: list[Handoff], zone: ZoneInfo) -> None:
        super().__init__()
        self.handoffs = handoffs
        self.zone = zone

    def compose(self) -> ComposeResult:
        with Vertical(id="past-handoffs"):
            if not self.handoffs:
                yield Label("No handoff has been signed yet. Esc closes.")
                return
            yield Label("Past handoffs (Enter opens one read-only, Esc closes)")
            yield OptionList(
                *(
                    Option(
                        Text(
                            f"{h.signed_at.astimezone(self.zone):%a %Y-%m-%d %H:%M}  "
                            f"{h.outgoing} → {h.signed_by}"
                        )
                        if h.signed_at
                        else Text(str(h.id)),
                        id=str(h.id),
                    )
                    for h in self.handoffs
                ),
                id="past-handoffs-list",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))
