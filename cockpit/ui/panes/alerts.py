"""Active alerts: severity, name, the labels that tell them apart, summary, state (pending,
firing, acked, silenced, inhibited), age, and who acked them how long ago.

Grouped by alert name or by Alertmanager's groups (`g`), filtered with matchers and free
text (`/`), silenced and inhibited ones shown or hidden (`v`, `b`). Writes (ack, silence,
promote) are posted as messages; the app's alert controller sends them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from operator import attrgetter

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input

from cockpit.model.alerts import Alert
from cockpit.model.matchers import MatcherError, parse_filter
from cockpit.model.silences import Silence, ack_of
from cockpit.model.snapshots import AlertSnapshot
from cockpit.services.alert_rows import (
    GROUP_MODES,
    GROUP_PREFIX,
    NO_ROWS,
    AlertRows,
    AlertView,
    alert_key,
    alert_rows,
)
from cockpit.ui.columns import Column
from cockpit.ui.format import age, label_summary
from cockpit.ui.lazy_table import LazyTable
from cockpit.ui.messages import AckRequested, PromoteRequested, SilenceRequested, UnackRequested
from cockpit.ui.outside_text import markup_text
from cockpit.ui.panes.base import Pane
from cockpit.ui.read_only import OffWhenReadOnly
from cockpit.ui.table_sync import Cell

__all__ = ["GROUP_MODES", "GROUP_PREFIX", "AlertView", "AlertsPane", "alert_key"]

SEVERITY_COLOURS = {"critical": "alert-critical", "warning": "alert-warning"}
EXPIRING_MARK = "⚠"
CLUSTER_COLUMN = Column("cluster", 10, least=6, drop=3)
STALE_MARK = "✗"  # after the cluster's name on the rows of a cluster that stopped answering


def cluster_notes(snapshot: AlertSnapshot, zone: tzinfo) -> list[str]:
    """For the border: each cluster that stopped answering (since when, why) and each
    that answers through only some of its HA peers."""
    notes = []
    for name, fresh in snapshot.clusters.items():
        if fresh.error is not None:
            since = fresh.last_success.astimezone(zone) if fresh.last_success else None
            when = f" since {since:%H:%M}" if since is not None else ""
            notes.append(f"{name} stale{when}: {fresh.error}")
    notes.extend(f"{name}: {why}" for name, why in snapshot.peer_errors.items())
    return notes


def same_alerts(before: AlertSnapshot, after: AlertSnapshot) -> bool:
    """The same rows whatever the view: alerts, silences and groups unchanged (the poller
    hands back the same alert objects for unchanged alerts, so this is mostly ``is``)."""
    return (
        before.alerts == after.alerts
        and before.silences == after.silences
        and before.groups == after.groups
        and before.stale_clusters() == after.stale_clusters()  # which rows are dimmed
    )


class AlertsPane(Pane, OffWhenReadOnly):
    WRITE_ACTIONS = frozenset({"ack", "promote", "silence", "unack"})
    TITLE = "Alerts"
    KEY = "2"
    # Narrow panes drop ack, then labels; summary and labels share the room left.
    COLUMNS = (
        Column("sev", 8), Column("alert", 20, least=14),
        Column("labels", 30, least=12, flex=1, drop=1), Column("summary", 42, least=24, flex=2),
        Column("state", 10, least=9), Column("since", 7, least=6),
        Column("ack", 20, least=12, drop=2),
    )  # fmt: skip
    BINDINGS = [
        Binding("a", "ack", "Ack"),
        Binding("u", "unack", "Unack"),
        Binding("s", "silence", "Silence…"),
        Binding("i", "promote", "Incident"),
        Binding("slash", "filter", "Filter"),
        Binding("g", "group", "Group"),
        Binding("v", "toggle_silenced", "Silenced"),
        Binding("b", "toggle_inhibited", "Inhibited"),
    ]

    class Selected(Message):
        """Enter on an alert: open its detail."""

        def __init__(self, alert: Alert) -> None:
            super().__init__()
            self.alert = alert

    class GroupingChanged(Message):
        def __init__(self, mode: str) -> None:
            super().__init__()
            self.mode = mode

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = AlertView()
        self.snapshot: AlertSnapshot | None = None
        self.now: datetime | None = None
        self.ack_warning = timedelta(minutes=10)
        self.note = ""  # e.g. "read-only"
        self._shown = NO_ROWS  # the rows on screen
        self._shown_view: AlertView | None = None  # the view they were made for
        self._empty_shown: str | None = None

    def compose(self) -> ComposeResult:
        if len(self.cockpit.config.alertmanagers) > 1:
            # Several clusters: which one each alert came from, after its severity.
            self.columns = (self.columns[0], CLUSTER_COLUMN, *self.columns[1:])
            self._widths = [c.width for c in self.columns]
        field_ = Input(
            placeholder='severity="critical" service=~"api|web" or words', id="alert-filter"
        )
        field_.display = False
        yield field_
        yield from super().compose()

    def on_mount(self) -> None:
        config = self.cockpit.config
        self.ack_warning = config.alerts.ack_warning
        if config.read_only:
            self.note = "read-only: no ack, silence or expire"

    # -- data ----------------------------------------------------------------
    def make_table(self) -> DataTable[Cell]:
        return LazyTable(cursor_type="row", zebra_stripes=False)

    @property
    def lazy_table(self) -> LazyTable:
        return self.query_one(LazyTable)

    def update_snapshot(self, snapshot: AlertSnapshot, now: datetime) -> None:
        before = self.snapshot
        self.snapshot, self.now = snapshot, now
        unchanged = (
            before is not None and self._shown_view == self.view and same_alerts(before, snapshot)
        )
        # Unchanged alerts keep their rows: only the cells on screen are made again (their
        # ages), and redrawn only if one changed.
        self.render_rows(again=not unchanged)

    def silences(self) -> dict[str, Silence]:
        return self.snapshot.silence_index() if self.snapshot else {}

    def render_rows(self, again: bool = True) -> None:
        """Show the snapshot as the view says; ``again=False`` keeps the rows (the same
        alerts) and only brings the cells to the new time."""
        snapshot, now = self.snapshot, self.now
        if snapshot is None or now is None:
            return
        extra = [self.view.describe(), self.note]
        if snapshot.pending_error:
            extra.append(f"pending unknown: {snapshot.pending_error}")
        if snapshot.silences_error:
            extra.append(f"silences unknown: {snapshot.silences_error}")
        broken = [r.name for r in snapshot.rules if r.health == "err"]
        if broken:
            extra.append(f"rules failing: {', '.join(sorted(set(broken))[:3])}")
        if snapshot.freshness.error is None:  # else the age line says it for all of them
            extra.extend(cluster_notes(snapshot, self.app_timezone()))
        # After the age, which the app redraws every second.
        self.subtitle_notes = tuple(e for e in extra if e)
        self.show_freshness(snapshot.freshness, now)
        rows = alert_rows(snapshot, self.view) if again else self._shown
        freshness = snapshot.freshness
        if not freshness.configured and not rows:
            empty = "Alertmanager is not configured: add [alertmanager] url = ... to the config."
        elif freshness.connecting:
            empty = "connecting…"
        elif freshness.error and not snapshot.alerts:
            empty = f"Alertmanager unreachable: {freshness.error}"
        elif snapshot.alerts and not rows:
            empty = f"No alert matches ({self.view.describe()}); `/` changes the filter."
        else:
            empty = "No alerts firing."
        self._show_counts(snapshot, rows)
        if again:
            self.show_rows(rows, "" if rows else empty)
        else:
            self.lazy_table.remake_cells()
            self._say("" if rows else empty, not rows)

    def _show_counts(self, snapshot: AlertSnapshot, rows: AlertRows) -> None:
        """With several clusters, the title counts the rows shown of each."""
        if len(snapshot.clusters) < 2:
            return
        counts = dict.fromkeys(snapshot.clusters, 0)
        counts.update(Counter(map(attrgetter("cluster"), rows.alerts.values())))
        stale = snapshot.stale_clusters()
        parts = [f"{n} {c}{' ' + STALE_MARK if n in stale else ''}" for n, c in counts.items()]
        title = markup_text(f"{self.KEY} {self.TITLE} · {' · '.join(parts)}")
        if title != self.border_title:
            self.border_title = title

    def show_rows(self, rows: AlertRows, empty_message: str) -> None:
        """Hand the rows to the table, which makes the cells of those it draws."""
        grew = len(rows) != len(self._shown)
        self._shown, self._shown_view = rows, self.view.copy()
        self.lazy_table.set_rows(rows.keys, self._cells_of)
        if grew:
            # More rows may bring a vertical scrollbar, which takes two cells of the width.
            self.call_after_refresh(self.fit_columns)
        self._say(empty_message, not rows)

    def _say(self, message: str, shown: bool) -> None:
        if message != self._empty_shown:
            # Text, not markup: messages quote config sections like [prometheus].
            self.message.update(Text(message))
            self._empty_shown = message
        self.message.display = shown

    def refill(self) -> None:
        self.lazy_table.set_rows(self._shown.keys, self._cells_of)

    def _cells_of(self, key: str) -> Sequence[Cell]:
        """One row's cells, in the columns shown at this width."""
        rows, now = self._shown, self.now
        alert = rows.alerts.get(key)
        if alert is None:
            group = rows.groups[key]
            text = Text(f"▾ {group.name}", style="bold")
            count = f"{group.count} alert{'s' if group.count != 1 else ''}, {group.firing} firing"
            cells: Sequence[Cell] = (Text(""), text, Text(count), "", "", "", "")
            if self.clustered:
                cells = (cells[0], "", *cells[1:])
            return self.visible_cells(cells)
        assert now is not None
        labels = label_summary(rows.shown_labels(alert), ())
        cells = self._cells(alert, rows.state(key, alert), labels, rows.silences, now)
        if self.clustered:
            cells = self._with_cluster(alert, cells)
        return self.visible_cells(cells)

    @property
    def clustered(self) -> bool:
        return len(self.columns) > len(self.COLUMNS)

    def _with_cluster(self, alert: Alert, cells: Sequence[Cell]) -> Sequence[Cell]:
        """The cluster's cell after the severity; the rows of a cluster that stopped
        answering are its last known alerts: dimmed, the cluster marked."""
        snapshot = self.snapshot
        fresh = snapshot.clusters.get(alert.cluster) if snapshot is not None else None
        if fresh is None or fresh.error is None:
            return (cells[0], alert.cluster, *cells[1:])
        stale = Text(f"{alert.cluster} {STALE_MARK}", style=self.colour("alert-warning"))
        dim = [c if isinstance(c, Text) else Text(c) for c in cells]
        for cell in dim:
            cell.stylize("dim")
        return (dim[0], stale, *dim[1:])

    def _cells(
        self,
        alert: Alert,
        state: str,
        labels: str,
        silences: dict[str, Silence],
        now: datetime,
    ) -> Sequence[Cell]:
        colour = self.colour(SEVERITY_COLOURS.get(alert.severity, "alert-info"))
        ack_text: Cell = ""
        state_cell: Cell = state
        ack = ack_of(alert, silences) if state == "acked" else None
        if ack is not None:
            ack_text = f"{ack.owner} {age(ack.since, now)}"
            if ack.expiring(now, self.ack_warning):
                warn = self.colour("alert-warning")
                state_cell = Text(f"acked {EXPIRING_MARK}", style=warn)
                ack_text = Text(f"{ack_text} {EXPIRING_MARK}{age(now, ack.ends_at)}", style=warn)
        return (
            Text(alert.severity, style=colour),
            alert.name,
            labels,
            alert.summary,
            state_cell,
            age(alert.starts_at, now),
            ack_text,
        )

    def selected_alert(self) -> Alert | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._shown.alert(str(key))

    # -- events and actions -----------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        alert = self._shown.alert(str(event.row_key.value))
        if alert is not None:
            self.post_message(self.Selected(alert))

    def action_ack(self) -> None:
        self.post_message(AckRequested(self.selected_alert()))

    def action_unack(self) -> None:
        self.post_message(UnackRequested(self.selected_alert()))

    def action_silence(self) -> None:
        self.post_message(SilenceRequested(self.selected_alert()))

    def action_promote(self) -> None:
        self.post_message(PromoteRequested(self.selected_alert()))

    def action_filter(self) -> None:
        field_ = self.query_one("#alert-filter", Input)
        field_.value = str(self.view.filter)
        field_.display = True
        field_.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "alert-filter":
            return
        event.stop()
        self.apply_filter(event.value)

    def apply_filter(self, text: str) -> bool:
        field_ = self.query_one("#alert-filter", Input)
        try:
            parsed = parse_filter(text)
        except MatcherError as exc:
            self.notify(f"Filter not applied: {exc}", severity="error", markup=False)
            return False
        self.view.filter = parsed
        field_.display = False
        self.table.focus()
        self.render_rows()
        return True

    def on_key(self, event: events.Key) -> None:
        field_ = self.query_one("#alert-filter", Input)
        if event.key == "escape" and field_.has_focus:
            field_.display = False
            self.table.focus()
            event.stop()

    def action_group(self) -> None:
        mode = GROUP_MODES[(GROUP_MODES.index(self.view.group) + 1) % len(GROUP_MODES)]
        self.view.group = mode
        self.post_message(self.GroupingChanged(mode))
        self.notify(f"Alerts grouped by {mode}" if mode != "none" else "Alerts not grouped")
        self.render_rows()

    def action_toggle_silenced(self) -> None:
        self.view.show_silenced = not self.view.show_silenced
        self.render_rows()

    def action_toggle_inhibited(self) -> None:
        self.view.show_inhibited = not self.view.show_inhibited
        self.render_rows()
