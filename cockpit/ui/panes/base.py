"""What every pane shares: a titled border that tells how fresh its data is, and an
honest message in place of data when there is none."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Region
from textual.widgets import DataTable, Static

from cockpit.model.freshness import Freshness
from cockpit.ui.columns import Column, ColumnSpec, as_column, fit
from cockpit.ui.context import CockpitContext, cockpit_of
from cockpit.ui.outside_text import markup_text
from cockpit.ui.table_sync import Cell, Row, sync_rows


class Pane(Vertical, can_focus=False):
    ALLOW_MAXIMIZE = True
    TITLE = ""
    KEY = ""
    # (label, width) or a Column; a width crops long cells so one wide value cannot push
    # the rest off. Columns adapt to the pane's width (see cockpit/ui/columns.py).
    COLUMNS: tuple[ColumnSpec, ...] = ()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = f"{self.KEY} {self.TITLE}".strip()
        self.freshness = Freshness()
        # How often the source should answer: older than twice this reads as stale. The
        # app sets it; None means only an error makes the data stale.
        self.refresh_every: timedelta | None = None
        self._shows_freshness = False
        # Said after the age on the border (a filter, read-only, ...); the pane sets them.
        self.subtitle_notes: tuple[str, ...] = ()
        self.columns: tuple[Column, ...] = tuple(as_column(c) for c in self.COLUMNS)
        self._widths: list[int | None] = [c.width for c in self.columns]
        self._rows: list[Row] = []
        self._empty = "connecting…"
        self._said = "connecting…"  # the message's text (compose shows this)
        self._subtitle: str | None = None  # the border's age line as last set

    def compose(self) -> ComposeResult:
        yield Static("connecting…", classes="pane-message")
        table = self.make_table()
        for column in self.columns:
            table.add_column(column.label, width=column.width)
        yield table

    def make_table(self) -> DataTable[Cell]:
        return DataTable(cursor_type="row", zebra_stripes=False)

    @property
    def table(self) -> DataTable[Cell]:
        return self.query_one(DataTable)

    @property
    def message(self) -> Static:
        return self.query_one(".pane-message", Static)

    def say(self, text: str, shown: bool) -> None:
        """Put ``text`` in the message line, shown or hidden. The same text again costs
        nothing: a new text lays the screen out again, and a steady tick must not."""
        if text != self._said:
            self._said = text
            # Text, not markup: messages quote config sections like [prometheus].
            self.message.update(Text(text))
        self.message.display = shown  # Textual does nothing when it is unchanged

    def focus_pane(self) -> None:
        self.table.focus()

    def show(self, rows: list[Row], empty_message: str) -> None:
        """Show rows, or say why there are none."""
        self._rows, self._empty = rows, empty_message
        sync_rows(self.table, [(key, self.visible_cells(cells)) for key, cells in rows])
        # More rows may bring a vertical scrollbar, which takes two cells of the width.
        self.call_after_refresh(self.fit_columns)
        self.say(empty_message, not rows)

    def refill(self) -> None:
        """Show the last rows again (the table was emptied to change its columns)."""
        self.show(self._rows, self._empty)

    def show_freshness(self, freshness: Freshness, now: datetime) -> None:
        self.freshness = freshness
        self._shows_freshness = True
        self.redraw_age(now)

    def redraw_age(self, now: datetime) -> None:
        """Bring the border's age line to ``now``; cheap, so the app calls it every second
        (the border title only: the table is not touched)."""
        if not self._shows_freshness:
            return
        paused = self.cockpit.paused
        fresh, refresh = self.freshness, self.refresh_every
        past = self.cockpit.viewing
        if past is not None:  # time travel: the data is of that moment, never "old"
            line = fresh.describe_past(past, self.app_timezone())
            stale = fresh.error is not None
        else:
            line = fresh.describe(now, self.app_timezone(), paused=paused, refresh=refresh)
            stale = fresh.stale(now, refresh, paused=paused)
        # A border title reads markup, and an error or a filter can quote a server's answer.
        parts = [line, *self.subtitle_notes]
        self._set_subtitle(" · ".join(markup_text(p) for p in parts))
        self.set_class(stale, "-stale")

    def _set_subtitle(self, subtitle: str) -> None:
        """The border's bottom line, repainting that line alone. Textual's setter repaints
        the whole pane (and so every row under it) even for the same text; the age line
        changes every second, so only its own line is marked to be drawn again."""
        if subtitle == self._subtitle:
            return
        self._subtitle = subtitle
        if not self.is_mounted or self.outer_size.height < 2:
            self.border_subtitle = subtitle
            return
        # As Textual's setter stores it (textual/widget.py, _BorderTitle; Textual is pinned).
        self._border_subtitle = self.render_str(subtitle).expand_tabs(4).split()[0]
        width, height = self.outer_size
        left, top = self.content_offset  # refresh regions are relative to the content
        self.refresh(Region(-left, height - 1 - top, width, 1))

    @property
    def cockpit(self) -> CockpitContext:
        return cockpit_of(self.app)

    def app_timezone(self) -> tzinfo:
        return self.cockpit.timezone

    def colour(self, name: str) -> str:
        """A theme variable as a Rich colour, so cell text follows the theme."""
        return self.app.theme_variables.get(name, "")

    # -- columns that fit the width ---------------------------------------------
    def visible_cells(self, cells: Sequence[Cell]) -> list[Cell]:
        """The cells of the columns shown at this width (all of them when no column
        was dropped)."""
        return [c for c, w in zip(cells, self._widths, strict=False) if w is not None]

    def on_resize(self, event: events.Resize) -> None:
        # After the layout: the table's width (and its scrollbar) is known then.
        self.call_after_refresh(self.fit_columns)

    def on_mount(self) -> None:
        table = self.table
        # The rows that bring a vertical scrollbar can be laid out after the fit that
        # followed them: the columns would overflow by its width. Fit again when it
        # comes or goes.
        self.watch(table, "show_vertical_scrollbar", self._scrollbar_moved, init=False)
        # Textual weighs a table's scrollbars again when the layout changes its size, not
        # when the table changes its own content's size: columns narrowed to fit kept the
        # horizontal scrollbar they had before (an empty row at 80x24). Weigh them then.
        self.watch(table, "virtual_size", self._content_resized, init=False)

    def _scrollbar_moved(self, _shown: bool) -> None:
        self.call_after_refresh(self.fit_columns)

    def _content_resized(self, _size: object) -> None:
        self.table._refresh_scrollbars()  # private, like table_sync's use: Textual is pinned

    def fit_columns(self) -> None:
        """Give the columns the table's width: flexible ones take the room left, narrow
        panes shorten and then drop the least important ones."""
        if not self.columns or not self.is_mounted:
            return
        table = self.table
        room = table.scrollable_content_region.width
        if room <= 0:
            return
        widths = fit(self.columns, room)
        if widths == self._widths:
            return
        dropped = [w is None for w in widths] != [w is None for w in self._widths]
        self._widths = widths
        if dropped:
            # Another set of columns: build the table again (rare: a resize past a step).
            cursor = table.cursor_row
            table.clear(columns=True)
            for column, width in zip(self.columns, widths, strict=True):
                if width is not None:
                    table.add_column(column.label, width=width)
            self.refill()
            if table.row_count:
                table.move_cursor(row=min(cursor, table.row_count - 1), animate=False)
            return
        kept = [w for w in widths if w is not None]
        for shown, width in zip(table.columns.values(), kept, strict=True):
            shown.width = width
        # Textual caches rendered rows by column width; a new width needs them redrawn.
        table._clear_caches()
        table._require_update_dimensions = True
        table.refresh()
