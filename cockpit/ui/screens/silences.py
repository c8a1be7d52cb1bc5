"""Silences: active, pending and recently expired, with creator, comment and ends-in, and
a flag on those that match no alert. `n` creates one, `e` extends, `x` expires."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from cockpit.model.alerts import Alert
from cockpit.model.durations import format_duration
from cockpit.model.silences import Silence, matches_no_alert
from cockpit.model.text import visible
from cockpit.ui.messages import (
    ExpireSilenceRequested,
    ExtendSilenceRequested,
    NewSilenceRequested,
    ReloadSilencesRequested,
)
from cockpit.ui.read_only import OffWhenReadOnly
from cockpit.ui.table_sync import Cell, Row, sync_rows

ORDER = {"active": 0, "pending": 1, "expired": 2}
COLUMNS = (("state", 7), ("id", 8), ("by", 10), ("matchers", 40), ("comment", 34),
           ("ends", 16), ("", 16))  # fmt: skip
KEYS = "n new · e extend · x expire · r reload · Esc close"


def silence_rows(
    silences: Sequence[Silence], alerts: Sequence[Alert], now: datetime, clustered: bool = False
) -> list[Row]:
    """One row per silence; ``clustered``: with its cluster after the state (a silence
    catches the alerts of its own cluster only)."""
    rows: list[Row] = []
    for silence in sorted(silences, key=lambda s: (ORDER.get(s.state, 3), s.ends_at)):
        if silence.state == "expired":
            ends = f"ended {format_duration(now - silence.ends_at)} ago"
        elif silence.state == "pending":
            ends = f"starts in {format_duration(silence.starts_at - now)}"
        else:
            ends = f"in {format_duration(silence.ends_in(now))}"
        flag: Cell = ""
        mine = [a for a in alerts if a.cluster == silence.cluster] if clustered else alerts
        if matches_no_alert(silence, mine):
            flag = Text("matches no alert", style="bold")
        kind = "ack" if silence.is_ack and silence.state == "active" else silence.state
        cells: tuple[Cell, ...] = (kind, silence.id[:8], silence.created_by,
                                   silence.matcher_text, silence.comment, ends, flag)  # fmt: skip
        if clustered:
            cells = (kind, silence.cluster, *cells[1:])
        rows.append((silence.id, cells))
    return rows


class SilencesScreen(ModalScreen[None], OffWhenReadOnly):
    WRITE_ACTIONS = frozenset({"expire", "extend", "new"})
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("n", "new", "New silence"),
        Binding("e", "extend", "Extend"),
        Binding("x", "expire", "Expire"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, clustered: bool = False) -> None:
        super().__init__()
        self.clustered = clustered  # several Alertmanager clusters: a cluster column
        self._silences: dict[str, Silence] = {}
        self._ready = False
        self._waiting: tuple[Sequence[Silence], Sequence[Alert], datetime, str] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="silences"):
            yield Static(KEYS, classes="hint")
            yield Static("loading…", id="silences-message")
            table: DataTable[Cell] = DataTable(cursor_type="row")
            columns = (COLUMNS[0], ("cluster", 10), *COLUMNS[1:]) if self.clustered else COLUMNS
            for label, width in columns:
                table.add_column(label, width=width)
            yield table

    def on_mount(self) -> None:
        self.query_one("#silences").border_title = "Silences"
        self.query_one(DataTable).focus()
        self._ready = True
        if self._waiting is not None:
            self.show_silences(*self._waiting)

    def show_silences(
        self,
        silences: Sequence[Silence],
        alerts: Sequence[Alert],
        now: datetime,
        note: str = "",
    ) -> None:
        if not self._ready:
            self._waiting = (silences, alerts, now, note)
            return
        self._silences = {s.id: s for s in silences}
        rows = silence_rows(silences, alerts, now, self.clustered)
        sync_rows(self.query_one(DataTable), rows)
        message = self.query_one("#silences-message", Static)
        live = sum(1 for s in silences if s.state != "expired")
        text = f"{live} active or pending, {len(silences) - live} recently expired"
        if not silences:
            text = "No silences in Alertmanager. n creates one."
        message.update(Text(f"{text}{' · ' + visible(note) if note else ''}"))

    def selected(self) -> Silence | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._silences.get(str(key))

    def action_new(self) -> None:
        self.post_message(NewSilenceRequested())

    def action_reload(self) -> None:
        self.post_message(ReloadSilencesRequested())

    def action_extend(self) -> None:
        silence = self.selected()
        if silence is None:
            self.notify("No silence selected.", severity="warning")
            return
        self.post_message(ExtendSilenceRequested(silence))

    def action_expire(self) -> None:
        silence = self.selected()
        if silence is None:
            self.notify("No silence selected.", severity="warning")
            return
        self.post_message(ExpireSilenceRequested(silence))
