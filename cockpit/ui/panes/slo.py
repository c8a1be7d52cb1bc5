"""SLO status: SLI, budget left, the 1 h burn, which multi-window rows fire, and when the
budget runs out at the current burn; worst budget first. With SLOs on several Prometheus
servers, a column names each SLO's server and the border names a server that is down
(its SLOs keep their last values, marked stale)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable

from cockpit.model.durations import format_duration
from cockpit.model.slo import EXHAUSTED, HEALTHY, NO_DATA, WARNING, ErrorBudget, RowStatus
from cockpit.model.snapshots import SloSnapshot, SloStatus
from cockpit.ui.columns import Column
from cockpit.ui.format import percent
from cockpit.ui.panes.base import Pane
from cockpit.ui.table_sync import Cell, Row

STATUS_COLOURS = {
    HEALTHY: "slo-ok",
    WARNING: "slo-warning",
    EXHAUSTED: "slo-breach",
    NO_DATA: "stale",
}


def budget_left_text(budget: ErrorBudget) -> str:
    """Percent and minutes left, short enough for the column even when far overspent."""
    remaining, minutes = budget.remaining, budget.remaining_minutes
    if remaining is None or minutes is None:
        return "—"
    share = f"{remaining * 100:.1f}%" if abs(remaining) < 10 else f"{remaining * 100:.0f}%"
    amount = f"{minutes:.1f}m" if abs(minutes) < 100 else f"{minutes:.0f}m"
    return f"{share} {amount}"


def burn_text(rate: float | None) -> str:
    if rate is None:
        return "—"
    return f"{rate:.1f}x" if rate < 100 else f"{rate:.0f}x"


def exhaustion_text(status: SloStatus) -> str:
    if status.exhaustion is None:
        return "—"
    return "now" if status.exhaustion.total_seconds() <= 0 else format_duration(status.exhaustion)


def _order(status: SloStatus) -> tuple[int, float]:
    remaining = status.budget.remaining
    return (1, 0.0) if remaining is None else (0, remaining)


class SloPane(Pane):
    TITLE = "SLOs"
    KEY = "1"
    # Narrow panes keep the name, the budget and the status; target goes first.
    COLUMNS = (
        Column("SLO", 15, least=12, flex=1), Column("target", 6, drop=6),
        Column("SLI", 8, drop=4), Column("budget left", 13), Column("status", 9),
        Column("1h burn", 7, drop=2), Column("rows", 4, drop=5), Column("out in", 7, drop=3),
    )  # fmt: skip

    # Shown only when the SLOs are answered by several servers; on a narrow pane it goes
    # after the target (which the detail shows too).
    SERVER_COLUMN = Column("server", 6, least=4, drop=6)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._built: tuple[object, ...] | None = None  # what the rows were built from
        self._several = False  # the SLOs are answered by more than one server

    def compose(self) -> ComposeResult:
        config = self.cockpit.config
        servers = {e.name for s in config.slos if (e := config.prometheus_named(s.prometheus))}
        self._several = len(servers) > 1
        if self._several:
            self.columns = (self.columns[0], self.SERVER_COLUMN, *self.columns[1:])
            self._widths = [c.width for c in self.columns]
        yield from super().compose()

    class Selected(Message):
        """The user asked for an SLO's detail (Enter on its row)."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Selected(str(event.row_key.value)))

    def _rows_cell(self, rows: tuple[RowStatus, ...]) -> Text:
        """One mark per burn row, in order: P or T when firing (page, ticket), · when not."""
        text = Text()
        for row in rows:
            if row.firing:
                page = row.row.severity == "page"
                colour = self.colour("slo-breach" if page else "slo-warning")
                text.append("P" if page else "T", style=colour)
            else:
                text.append("·")
        return text

    def _server_notes(self, snapshot: SloSnapshot, now: datetime) -> tuple[str, ...]:
        """A note per server down while others answer (when every one is down, the age
        line says it): "b: stale since 12:03: why"."""
        if snapshot.freshness.error is not None:
            return ()
        past, zone = self.cockpit.viewing, self.app_timezone()
        return tuple(
            f"{name}: {fresh.describe_past(past, zone) if past else fresh.describe(now, zone)}"
            for name, fresh in snapshot.stale_servers().items()
        )

    def update_snapshot(self, snapshot: SloSnapshot, now: datetime) -> None:
        self.subtitle_notes = self._server_notes(snapshot, now)
        self.show_freshness(snapshot.freshness, now)
        # The same figures in the same theme (and the same error or configuration): the
        # rows on screen are already these.
        built = (snapshot.slos, snapshot.freshness.configured, snapshot.freshness.error,
                 self.app.theme)  # fmt: skip
        if built == self._built:
            return
        self._built = built
        rows: list[Row] = []
        for status in sorted(snapshot.slos, key=_order):
            budget = status.budget
            if status.error is None:
                label = budget.status
            else:
                label = "stale" if budget.sli is not None else "error"
            colour = self.colour(STATUS_COLOURS[budget.status])
            server: tuple[Cell, ...] = (status.server,) if self._several else ()
            rows.append(
                (
                    status.slo.name,
                    (
                        status.slo.name,
                        *server,
                        f"{status.slo.objective:g}%",
                        percent(budget.sli),
                        budget_left_text(budget),
                        Text(label, style=colour),
                        burn_text(status.burn_1h),
                        self._rows_cell(status.rows),
                        exhaustion_text(status),
                    ),
                )
            )
        if not snapshot.freshness.configured:
            empty = "Prometheus is not configured: add [prometheus] url = ... to the config."
        elif not rows:
            empty = "No SLOs configured: add [[slo]] sections (see `cockpit config init`)."
        else:
            empty = ""
        down = snapshot.stale_servers()
        broken = [
            s for s in snapshot.slos
            if s.error and snapshot.freshness.error is None and s.server not in down
        ]  # fmt: skip
        if broken:
            # A refused query says why on the pane, in Prometheus's own words (the same
            # words each tick, so the message line is not written again). A server that
            # is down is named on the border instead, once for all its SLOs.
            refused = "; ".join(f"{s.slo.name}: {s.error}" for s in broken)
            self.show(rows, refused)
            self.message.display = True
        else:
            self.show(rows, empty)
