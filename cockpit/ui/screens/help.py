"""`?`: every key that works where the focus is (the focused pane's, then global ones)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Label

from cockpit.ui.table_sync import Cell, Row, sync_rows

HelpRow = tuple[str, str, str]  # (key as shown, what it does, where it works)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close"),
        Binding("q", "dismiss", "Close"),
    ]

    def __init__(self, title: str, rows: Sequence[HelpRow]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Label(self.title_text, id="help-title")
            table: DataTable[Cell] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_column("key", width=12)
            table.add_column("action", width=46)
            table.add_column("where", width=12)
            yield table
            yield Label(
                'Remap keys in the config: [keys] action = "key" (see the README). Esc closes.',
                classes="hint",
                markup=False,
            )

    def on_mount(self) -> None:
        rows: list[Row] = [(str(i), row) for i, row in enumerate(self.rows)]
        table = self.query_one(DataTable)
        sync_rows(table, rows)
        table.focus()


def help_rows(app: App[None], pane: Widget | None) -> tuple[str, list[HelpRow]]:
    """The title and every active binding: the focused pane's own first, then global."""
    local: list[HelpRow] = []
    shared: list[HelpRow] = []
    for active in app.screen.active_bindings.values():
        binding, node = active.binding, active.node
        what = binding.description or binding.action.replace("_", " ")
        row = (app.get_key_display(binding), what)
        if isinstance(node, App):
            shared.append((*row, "global"))
        elif pane is not None and isinstance(node, Widget) and pane in node.ancestors_with_self:
            local.append((*row, getattr(pane, "TITLE", "") or "pane"))
        else:
            shared.append((*row, "screen"))
    title = f"Keys: {getattr(pane, 'TITLE', '')} pane and global" if pane else "Keys: global"
    return title, local + shared
