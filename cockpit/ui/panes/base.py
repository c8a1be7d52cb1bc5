"""What every pane shares: a titled border that tells how fresh its data is, and an
honest message in place of data when there is none."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from cockpit.model.freshness import Freshness
from cockpit.ui.table_sync import Cell, Row, sync_rows


class Pane(Vertical, can_focus=False):
    ALLOW_MAXIMIZE = True
    TITLE = ""
    KEY = ""
    # (label, width); a width crops long cells so one wide value cannot push the rest off.
    COLUMNS: tuple[tuple[str, int | None], ...] = ()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = f"{self.KEY} {self.TITLE}".strip()
        self.freshness = Freshness()
        # How often the source should answer: older than twice this reads as stale. The
        # app sets it; None means only an error makes the data stale.
        self.refresh_every: timedelta | None = None
        self._shows_freshness = False

    def compose(self) -> ComposeResult:
        yield Static("connecting…", classes="pane-message")
        table: DataTable[Cell] = DataTable(cursor_type="row", zebra_stripes=False)
        for label, width in self.COLUMNS:
            table.add_column(label, width=width)
        yield table

    @property
    def table(self) -> DataTable[Cell]:
        return self.query_one(DataTable)

    @property
    def message(self) -> Static:
        return self.query_one(".pane-message", Static)

    def focus_pane(self) -> None:
        self.table.focus()

    def show(self, rows: list[Row], empty_message: str) -> None:
        """Show rows, or say why there are none."""
        sync_rows(self.table, rows)
        # Text, not markup: messages quote config sections like [prometheus].
        self.message.update(Text(empty_message))
        self.message.display = not rows

    def show_freshness(self, freshness: Freshness, now: datetime) -> None:
        self.freshness = freshness
        self._shows_freshness = True
        self.redraw_age(now)

    def redraw_age(self, now: datetime) -> None:
        """Bring the border's age line to ``now``; cheap, so the app calls it every second
        (the border title only: the table is not touched)."""
        if not self._shows_freshness:
            return
        paused = getattr(self.app, "paused", False) is True
        fresh, refresh = self.freshness, self.refresh_every
        self.border_subtitle = fresh.describe(
            now, self.app_timezone(), paused=paused, refresh=refresh
        )
        self.set_class(fresh.stale(now, refresh, paused=paused), "-stale")

    def app_timezone(self) -> tzinfo | None:
        zone = getattr(self.app, "timezone", None)
        return zone if isinstance(zone, tzinfo) else None

    def colour(self, name: str) -> str:
        """A theme variable as a Rich colour, so cell text follows the theme."""
        return self.app.theme_variables.get(name, "")
