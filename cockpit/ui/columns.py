"""Table columns that adapt to the room they get: flexible columns take what is left,
narrow panes shorten columns to their least width, then drop the least important ones.

Pure arithmetic (no Textual), so the rules are unit-tested over widths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CELL_PADDING = 2  # a DataTable cell has one blank on each side


@dataclass(frozen=True)
class Column:
    """``width`` is what the column wants; ``least`` how narrow it may get (0: it never
    shrinks); ``flex`` its share of the room left over (0: none); ``drop`` when it goes on
    a narrow pane (0: never; the highest number goes first)."""

    label: str
    width: int
    least: int = 0
    flex: int = 0
    drop: int = 0

    @property
    def narrowest(self) -> int:
        return min(self.least or self.width, self.width)


ColumnSpec = Column | tuple[str, int | None]


def as_column(spec: ColumnSpec) -> Column:
    if isinstance(spec, Column):
        return spec
    label, width = spec
    return Column(label, width if width is not None else len(label))


def fit(columns: Sequence[Column], room: int) -> list[int | None]:
    """The width of each column in ``room`` cells (padding included in the room), or
    None for a column dropped to make the rest fit."""
    shown = list(range(len(columns)))

    def need(indexes: list[int]) -> int:
        return sum(columns[i].narrowest + CELL_PADDING for i in indexes)

    while need(shown) > room:
        droppable = [i for i in shown if columns[i].drop > 0]
        if not droppable:
            break  # nothing more may go: the table scrolls sideways
        shown.remove(max(droppable, key=lambda i: (columns[i].drop, i)))
    widths = {i: columns[i].narrowest for i in shown}
    spare = room - need(shown)
    # First the fixed columns grow toward what they want, left to right...
    for i in shown:
        if columns[i].flex > 0:
            continue
        grow = max(min(spare, columns[i].width - widths[i]), 0)
        widths[i] += grow
        spare -= grow
    # ...then the flexible ones share the rest by their weights.
    flexible = [i for i in shown if columns[i].flex > 0]
    if flexible and spare > 0:
        total = sum(columns[i].flex for i in flexible)
        given = 0
        for i in flexible:
            share = spare * columns[i].flex // total
            widths[i] += share
            given += share
        widths[flexible[-1]] += spare - given
    return [widths.get(i) for i in range(len(columns))]
