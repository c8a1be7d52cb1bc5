"""A DataTable whose cells are made only when a row is drawn (or asked for).

A plain DataTable holds every cell of every row and measures each new row: filling it
with 5,000 alerts took about 0.3 s of the UI thread, 50,000 about 5 s. This one is given
the row keys and a function that makes one row's cells; it builds the rows' bookkeeping
in one go, measures nothing (its columns have set widths), and makes the cells of the
rows on screen as they are drawn. It looks and behaves as a DataTable (keys, cursor,
mouse, selection), so the screen and the tests read it the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast, overload

from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, Row, RowKey

from cockpit.ui.table_sync import Cell, plain_cell, redraw_rows

CellsOf = Callable[[str], Sequence[Cell]]


class _MadeCells(dict[RowKey, dict[ColumnKey, Cell]]):
    """The table's ``_data``: a row's cells are made the first time they are read, kept
    until the table forgets them (a new list of rows, a new time for the ages)."""

    def __init__(self, table: LazyTable) -> None:
        super().__init__()
        self._table = table

    def __len__(self) -> int:
        return len(self._table.rows)

    def __contains__(self, key: object) -> bool:
        return key in self._table.rows

    def __iter__(self) -> Iterator[RowKey]:
        return iter(self._table.rows)

    def __getitem__(self, key: RowKey) -> dict[ColumnKey, Cell]:
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            if key not in self._table.rows:
                raise
        key = key if isinstance(key, RowKey) else RowKey(key)  # get_row takes a str too
        made = self._table.make_cells(key)
        dict.__setitem__(self, key, made)
        return made

    def get(self, key: RowKey, default: Any = None) -> Any:
        return self[key] if key in self._table.rows else default

    def forget(self) -> None:
        dict.clear(self)


class _Places(TwoWayDict[RowKey, int]):
    """Row key <-> row index, read from the list of keys (no second dict)."""

    def __init__(self, keys: list[str], rows: list[Row]) -> None:
        # No super().__init__: no reverse dict. Keyed by str, which a RowKey finds (same
        # hash, equal), so building it calls no Python __hash__.
        self._forward = cast(dict[RowKey, int], {key: i for i, key in enumerate(keys)})
        self._rows = rows

    def __setitem__(self, key: RowKey, value: int) -> None:
        raise TypeError("a LazyTable's rows are set with set_rows")

    def __delitem__(self, key: RowKey) -> None:
        raise TypeError("a LazyTable's rows are set with set_rows")

    def get_key(self, value: int) -> RowKey | None:
        return self._rows[value].key if 0 <= value < len(self._rows) else None

    def contains_value(self, value: object) -> bool:
        return isinstance(value, int) and 0 <= value < len(self._rows)


class _Offsets(Sequence[tuple[RowKey, int]]):
    """What DataTable's ``_y_offsets`` lists (each line's row and line in it) for rows
    one line high, without the list."""

    def __init__(self, rows: list[Row]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[RowKey, int]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[RowKey, int]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [(row.key, 0) for row in self._rows[index]]
        return self._rows[index].key, 0

    def clear(self) -> None:
        """DataTable.clear clears it; the keys are replaced instead."""


def _same_cells(one: dict[ColumnKey, Cell], other: dict[ColumnKey, Cell]) -> bool:
    """Equal as drawn: Text's == leaves out its own style (a theme's colour)."""
    if one.keys() != other.keys():
        return False
    for key, cell in one.items():
        was = other[key]
        if cell != was or (
            isinstance(cell, Text) and isinstance(was, Text) and cell.style != was.style
        ):
            return False
    return True


class LazyTable(DataTable[Cell]):
    """A DataTable filled by ``set_rows(keys, cells_of)``; rows are one line high."""

    def __init__(self, **kwargs: Any) -> None:
        # Set first: DataTable.__init__ already reads the rows.
        self._cells_of: CellsOf = lambda key: ()
        self._keys: list[str] = []
        self._ordered: list[Row] = []
        self._known: dict[str, Row] = {}
        self._offsets = _Offsets([])
        super().__init__(**kwargs)
        self._made = _MadeCells(self)
        self._data = self._made

    @property
    def ordered_rows(self) -> list[Row]:
        return self._ordered

    @property
    def _y_offsets(self) -> Any:
        return self._offsets

    @property
    def keys(self) -> list[str]:
        """The row keys, top to bottom."""
        return self._keys

    def make_cells(self, key: RowKey | str) -> dict[ColumnKey, Cell]:
        cells = self._cells_of(str(key.value) if isinstance(key, RowKey) else key)
        columns = self.ordered_columns
        # Text, never markup: alert labels and summaries come from outside.
        made: dict[ColumnKey, Cell] = {
            c.key: plain_cell(cell) for c, cell in zip(columns, cells, strict=False)
        }
        for column in columns[len(made) :]:
            made[column.key] = plain_cell("")
        return made

    def set_rows(self, keys: list[str], cells_of: CellsOf) -> None:
        """Show these rows. The cursor stays on the row with the same key when it is
        still there (else at the same place); the scroll position is kept."""
        self._cells_of = cells_of
        if keys != self._keys:
            cursor = self.cursor_row
            followed = self._keys[cursor] if 0 <= cursor < len(self._keys) else None
            self._install(list(keys))
            self._new_rows.clear()
            self._update_count += 1
            self._require_update_dimensions = True
            self.check_idle()
            index = self._row_locations.get(RowKey(followed)) if followed is not None else None
            if index is None:
                index = min(max(cursor, 0), max(len(keys) - 1, 0))
            self.forget_cells()
            if self.cursor_coordinate != Coordinate(index, 0):
                self.cursor_coordinate = Coordinate(index, 0)
            return
        # The same rows: only those whose cells changed are drawn again.
        self.remake_cells()

    def _install(self, keys: list[str]) -> None:
        # A row's Row (and RowKey) is kept from one list to the next: a refresh of
        # 50,000 rows made anew took 0.2 s, mostly in making them.
        known = self._known
        ordered = [known.get(key) or Row(RowKey(key), 1, None, False) for key in keys]
        if len(known) > 4 * len(keys) + 1000:  # a filter and back reuses them
            known.clear()
        known.update(zip(keys, ordered, strict=True))
        self._ordered = ordered
        self.rows = {row.key: row for row in ordered}  # RowKeys, as DataTable's users expect
        self._row_locations = _Places(keys, ordered)
        self._offsets = _Offsets(ordered)
        self._keys = keys

    def _get_row_region(self, row_index: int) -> Region:
        """DataTable's, for rows one line high: no sum over the rows above."""
        if not self.is_valid_row_index(row_index):
            return Region(0, 0, 0, 0)
        columns = sum(column.get_render_width(self) for column in self.columns.values())
        width = columns + self._row_label_column_width
        y = row_index + (self.header_height if self.show_header else 0)
        return Region(0, y, max(self.size.width, width), 1)

    def forget_cells(self) -> None:
        """Make the cells again when next drawn (the rows stay as they are)."""
        self._made.forget()
        self._update_count += 1
        self._clear_caches()
        self.refresh()

    def clear(self, columns: bool = False) -> LazyTable:
        super().clear(columns)
        self._install([])
        self._made.forget()
        return self

    def remake_cells(self) -> bool:
        """Make the cells made so far again (the rows on screen, mostly), and redraw only
        the rows where one changed: a refresh that changes no row on screen (or a new time
        that moves no age there) draws nothing."""
        made = self._made
        changed: dict[RowKey, dict[ColumnKey, Cell]] = {}
        for row_key, cells in list(dict.items(made)):
            if row_key not in self.rows:
                self.forget_cells()
                return True
            again = self.make_cells(row_key)
            if not _same_cells(again, cells):
                changed[row_key] = again
        if not changed:
            return False
        if 2 * len(changed) > dict.__len__(made):  # len(made) counts every row
            self.forget_cells()
            return True
        for row_key, again in changed.items():
            dict.__setitem__(made, row_key, again)
        self._forget_rows(set(changed))
        return True

    def _forget_rows(self, keys: set[RowKey]) -> None:
        """Drop what DataTable cached of these rows' drawing, and redraw their lines."""
        redraw_rows(self, keys)
