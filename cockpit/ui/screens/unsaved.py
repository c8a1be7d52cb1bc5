"""Edits are either saved or the user is asked: the shared pieces of the edit screens.

``settle`` makes a key act on what is on the screen. The terminal sends keys faster than
widgets handle them: the app hands each key to the focused widget's queue, and a priority
key (Ctrl+S) is run by the app at once, while letters typed just before it may still wait
in a field's queue. ``settle`` waits until every field of the screen has handled what was
queued before it, so a save reads the text the user typed, all of it.

``UnsavedEdits`` is the question asked when a screen with unsaved edits would close:
``s`` saves, ``d`` discards, Esc keeps editing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label

SETTLE_LIMIT = 2.0  # seconds; a field that never answers does not hang the key

SAVE, DISCARD, KEEP = "save", "discard", "keep"


@runtime_checkable
class AsksBeforeClosing(Protocol):
    """A screen that may hold unsaved edits: ``close`` runs at once, or after asking."""

    async def close_or_ask(self, close: Callable[[], object]) -> None: ...


async def settle(screen: Widget) -> None:
    """Return once every field in ``screen`` has handled the keys queued for it."""
    loop = asyncio.get_running_loop()
    waits: list[asyncio.Future[None]] = []
    for widget in screen.query("Input, TextArea, Select"):
        done: asyncio.Future[None] = loop.create_future()

        def mark(done: asyncio.Future[None] = done) -> None:
            if not done.done():
                done.set_result(None)

        if widget.call_later(mark):
            waits.append(done)
    if waits:
        await asyncio.wait(waits, timeout=SETTLE_LIMIT)


class UnsavedEdits(ModalScreen[str]):
    """Ask what to do with unsaved edits; answers SAVE, DISCARD or KEEP."""

    BINDINGS = [
        Binding("s", "answer('save')", "Save"),
        Binding("d", "answer('discard')", "Discard"),
        Binding("escape", "answer('keep')", "Keep editing"),
        Binding("k", "answer('keep')", "Keep editing", show=False),
    ]

    def __init__(self, what: str, fields: Sequence[str]) -> None:
        super().__init__()
        self.what = what
        self.fields = tuple(fields)

    def compose(self) -> ComposeResult:
        with Vertical(id="unsaved-edits"):
            yield Label(Text(f"{self.what} has unsaved edits: {', '.join(self.fields)}."))
            yield Label("s save them · d discard them · Esc keep editing", classes="hint")

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


__all__ = ["DISCARD", "KEEP", "SAVE", "UnsavedEdits", "settle"]
