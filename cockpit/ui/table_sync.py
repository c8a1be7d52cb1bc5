"""Bring a DataTable to a wanted list of rows, touching only what changed.

Refilling a big table blocks the UI (about 0.8 s for 5,000 rows here), so steady
ticks update changed cells in place; only a change of row order rebuilds.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from cockpit.model.text import is_visible, visible

Cell = str | Text
Row = tuple[str, Sequence[Cell]]  # (row key, cells in column order)


def plain_cell(cell: Cell) -> Text:
    """A cell as inert Text: never markup, no control character (``model.text``)."""
    # DataTable reads a str cell as markup: "[/var/run/pg.sock]" from a health body would
    # raise MarkupError and end the app. Values from outside are text, never markup.
    if isinstance(cell, str):
        return Text(visible(cell))
    if is_visible(cell.plain):
        return cell
    # Built from outside text that was not cleaned: shown whole, its styles dropped.
    return Text(visible(cell.plain), style=cell.style)


def sync_rows(table: DataTable[Cell], rows: Sequence[Row]) -> None:
    rows = [(key, [plain_cell(cell) for cell in cells]) for key, cells in rows]
    wanted = [key for key, _ in rows]
    current = [str(key.value) for key in table.rows]
    if wanted != current:
        cursor = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1), animate=False)
        return
    columns: list[ColumnKey] = list(table.columns)
    for key, cells in rows:
        row_key = RowKey(key)
        for column, value in zip(columns, cells, strict=False):
            if table.get_cell(row_key, column) != value:
                table.update_cell(row_key, column, value)
