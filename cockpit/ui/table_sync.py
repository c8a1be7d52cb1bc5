"""Bring a DataTable to a wanted list of rows, touching only what changed.

Refilling a big table blocks the UI (about 0.8 s for 5,000 rows here), so steady
ticks update changed cells in place; only a change of row order rebuilds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    changed: set[RowKey] = set()
    for key, cells in rows:
        row_key = RowKey(key)
        for column, value in zip(columns, cells, strict=False):
            if table.get_cell(row_key, column) != value:
                # As update_cell stores it, without its redraw of every row (below).
                table._data[row_key][column] = value
                changed.add(row_key)
    if changed:
        redraw_rows(table, changed)


def redraw_rows(table: DataTable[Cell], keys: set[RowKey]) -> None:
    """Drop what DataTable cached of these rows' drawing, and redraw their lines alone.

    DataTable.update_cell counts an update that every cached cell is keyed by, so one
    changed cell draws the whole table again: a probe's latency, every two seconds, drew
    every probe and sub-component row (issue 18, idle CPU). Textual is pinned; its caches
    are keyed by row key (cells, rows) or by line (lines) first."""
    indexes = {index for key in keys if (index := table._row_locations.get(key)) is not None}
    header = table.header_height if table.show_header else 0
    lines = {index + header for index in indexes}
    caches: list[tuple[Any, set[Any]]] = [
        (table._cell_render_cache, keys),
        (table._row_render_cache, keys),
        (table._line_cache, lines),
    ]
    for cache, wanted in caches:
        for cache_key in list(cache.keys()):
            if cache_key[0] in wanted:
                cache.discard(cache_key)
    for index in indexes:
        table._row_renderable_cache.discard((table._update_count, index))
        table.refresh_row(index)
