"""Small dialogs of the runbook run screen: a required reason or note, an explicit
confirmation (showing the exact command), and the runbook picker of the command palette."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from cockpit.services.runbook_catalog import RunbookEntry
from cockpit.ui.screens.confirm import AskScreen
from cockpit.ui.screens.unsaved import DISCARD, SAVE, UnsavedEdits, settle


class ReasonScreen(ModalScreen[str | None]):
    """Ask for text that must not be empty (a skip reason, a failure note). Esc with text
    typed asks whether to save it, discard it or keep editing."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True)]

    def __init__(self, question: str, placeholder: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question))
            yield Label("Enter saves, Esc cancels. It goes into the audit trail.", classes="hint")
            yield Input(placeholder=self.placeholder, id="reason-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit(event.value)

    def _submit(self, value: str) -> None:
        text = value.strip()
        if not text:
            self.notify("It cannot be empty: say why, for whoever reads the trail.",
                        severity="warning")  # fmt: skip
            return
        self.dismiss(text)

    async def action_cancel(self) -> None:
        await settle(self)
        field = self.query_one("#reason-input", Input)
        if not field.value.strip():
            self.dismiss(None)
            return

        def decided(answer: str | None) -> None:
            if answer == SAVE:
                self._submit(field.value)
            elif answer == DISCARD:
                self.dismiss(None)
            else:
                field.focus()

        self.app.push_screen(UnsavedEdits("The text typed here", [self.placeholder or "text"]),
                             decided)  # fmt: skip


class ConfirmScreen(AskScreen):
    """An explicit yes before a command runs: ``y`` confirms, ``n`` / Esc does not; the
    detail is the exact command, every control character shown."""

    BINDINGS = [Binding("y", "answer(True)", "Yes, run it")]
    ID = "confirm"
    DETAIL_CLASS = "command"


class RunbookPickerScreen(ModalScreen[tuple[str, bool] | None]):
    """Pick a runbook: Enter runs it, ``d`` starts a dry run."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("d", "dry_run", "Dry run"),
    ]

    def __init__(self, entries: Sequence[RunbookEntry], resumable: Sequence[str] = ()) -> None:
        super().__init__()
        self.entries = list(entries)
        self.resumable = set(resumable)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Run a runbook")
            yield Label("Enter runs (or resumes a paused run) · d dry run · Esc cancels",
                        classes="hint")  # fmt: skip
            options = []
            for entry in self.entries:
                label = Text(entry.title)
                if entry.runbook is None:
                    label.append("  broken", style="bold")
                elif entry.name in self.resumable:
                    label.append("  paused run", style="italic")
                options.append(Option(label, id=entry.name, disabled=entry.runbook is None))
            if not options:
                yield Label("No runbooks found: add Markdown files to your runbooks folder.")
            yield OptionList(*options, id="runbook-picker")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss((event.option.id, False))

    def action_dry_run(self) -> None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        if index is None:
            return
        option = option_list.get_option_at_index(index)
        if option.id is not None and not option.disabled:
            self.dismiss((option.id, True))

    def action_cancel(self) -> None:
        self.dismiss(None)
