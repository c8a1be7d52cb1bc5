"""Small editors opened from the timeline pane: a multi-line note and a structured
status update (Conditions / Actions / Needs).

The save key writes through the ``save`` callable before the handler returns, so a
saved note is committed to SQLite by the time the key press is done (no write-behind).
A refused save (empty text, closed notebook) keeps the editor open and says why.
The save key acts on every key typed before it (``unsaved.settle``), and Esc with text
typed asks: save, discard, or keep editing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, TextArea

from cockpit.store import NotebookError
from cockpit.store.incident_notes import StatusUpdate
from cockpit.ui.screens.unsaved import DISCARD, SAVE, UnsavedEdits, settle


class _Editor(ModalScreen[bool]):
    BINDINGS = [
        Binding("ctrl+s", "save_typed", "Save", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
        # Run as the key arrives: the keys typed after Tab go to the next field.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]
    WHAT = "The note"
    incident_id: str
    saved = False

    def write(self) -> bool:
        """Save what is typed; False (and said why) when refused."""
        raise NotImplementedError

    def action_save(self) -> None:
        if self.write():
            self.dismiss(True)

    async def action_save_typed(self) -> None:
        await settle(self)
        self.action_save()

    def _try(self, write: Callable[[], object]) -> bool:
        try:
            write()
        except (ValueError, LookupError, sqlite3.Error, NotebookError) as exc:
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            return False
        self.saved = True
        return True

    async def close_or_ask(self, close: Callable[[], object]) -> None:
        """``close`` now if nothing is typed; else ask: save (then close once saved),
        discard (close), or keep editing."""
        await settle(self)
        typed = [str(area.id).split("-")[-1] for area in self.query(TextArea) if area.text.strip()]
        if not typed:
            close()
            return
        focused: Widget | None = self.focused

        def decided(answer: str | None) -> None:
            if answer == DISCARD or (answer == SAVE and self.write()):
                close()
            elif focused is not None and focused.is_attached:
                focused.focus()

        self.app.push_screen(UnsavedEdits(f"{self.WHAT} on {self.incident_id}", typed), decided)

    async def action_cancel(self) -> None:
        await self.close_or_ask(lambda: self.dismiss(self.saved))


class NoteEditor(_Editor):
    """A free note, several lines allowed. Ctrl+S saves, Esc cancels."""

    WHAT = "The note"

    def __init__(self, incident_id: str, save: Callable[[str], object]) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="note-editor", classes="incident-dialog"):
            yield Label(f"Note on {self.incident_id}  (Ctrl+S saves, Esc cancels)")
            yield TextArea(id="note-text", soft_wrap=True)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def write(self) -> bool:
        text = self.query_one("#note-text", TextArea).text
        return self._try(lambda: self.save(text))


class UpdateEditor(_Editor):
    """A structured status update; it restarts the status-update countdown."""

    WHAT = "The status update"

    def __init__(self, incident_id: str, save: Callable[[StatusUpdate], object]) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="update-editor", classes="incident-dialog"):
            yield Label(f"Status update on {self.incident_id}  (Ctrl+S saves, Esc cancels)")
            for name, hint in (
                ("conditions", "Conditions: where things stand, impact now"),
                ("actions", "Actions: what is being done, ETA"),
                ("needs", "Needs: what you need from others (may be empty)"),
            ):
                yield Label(hint, classes="hint")
                yield TextArea(id=f"update-{name}", soft_wrap=True, classes="update-field")

    def on_mount(self) -> None:
        self.query_one("#update-conditions", TextArea).focus()

    def write(self) -> bool:
        update = StatusUpdate(
            *(self.query_one(f"#update-{n}", TextArea).text for n in ("conditions", "actions",
                                                                       "needs"))
        )  # fmt: skip
        return self._try(lambda: self.save(update))
