"""Active alerts: severity, name, the labels that tell them apart, summary, state (pending,
firing, acked, silenced, inhibited), age, and who acked them how long ago.

Grouped by alert name or by Alertmanager's groups (`g`), filtered with matchers and free
text (`/`), silenced and inhibited ones shown or hidden (`v`, `b`). Writes (ack, silence,
promote) are posted as messages; the app's alert controller sends them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input
from textual.widgets.data_table import RowKey

from cockpit.model.alerts import Alert, differing_labels
from cockpit.model.matchers import AlertFilter, MatcherError, parse_filter
from cockpit.model.silences import Silence, ack_of, display_state
from cockpit.model.snapshots import AlertSnapshot
from cockpit.ui.columns import Column
from cockpit.ui.format import age, label_summary
from cockpit.ui.messages import AckRequested, PromoteRequested, SilenceRequested, UnackRequested
from cockpit.ui.panes.base import Pane
from cockpit.ui.read_only import OffWhenReadOnly
from cockpit.ui.table_sync import Cell, Row, plain_cell

SEVERITY_COLOURS = {"critical": "alert-critical", "warning": "alert-warning"}
GROUP_MODES = ("none", "alertname", "alertmanager")
GROUP_PREFIX = "group:"
EXPIRING_MARK = "⚠"


def alert_key(alert: Alert) -> str:
    return alert.fingerprint or "pending:" + "|".join(f"{k}={v}" for k, v in alert.identity)


def distinguishing_labels(alerts: Sequence[Alert]) -> dict[str, str]:
    """Per alert key, the labels that tell it from the other listed alerts (see
    ``model.alerts.differing_labels``), shortest first."""
    return {
        alert_key(alert): label_summary(labels, ())
        for alert, labels in zip(alerts, differing_labels(alerts), strict=True)
    }


@dataclass
class AlertView:
    """What the pane shows of a snapshot: the user's filter, toggles and grouping."""

    filter: AlertFilter = field(default_factory=AlertFilter)
    show_silenced: bool = True
    show_inhibited: bool = True
    group: str = "none"  # one of GROUP_MODES

    def keeps(self, alert: Alert, state: str) -> bool:
        if state == "silenced" and not self.show_silenced:
            return False
        if state == "inhibited" and not self.show_inhibited:
            return False
        if self.filter.empty:
            return True
        text = " ".join([alert.name, alert.summary, *alert.labels.values()])
        return self.filter.matches(alert.labels, text)

    def describe(self) -> str:
        parts = []
        if not self.filter.empty:
            parts.append(f"filter: {self.filter}")
        if not self.show_silenced:
            parts.append("silenced hidden")
        if not self.show_inhibited:
            parts.append("inhibited hidden")
        if self.group != "none":
            parts.append(f"grouped by {self.group}")
        return " · ".join(parts)


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
        self._alerts_by_key: dict[str, Alert] = {}
        self._shown: dict[str, tuple[Cell, ...]] = {}

    def compose(self) -> ComposeResult:
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
    def update_snapshot(self, snapshot: AlertSnapshot, now: datetime) -> None:
        self.snapshot, self.now = snapshot, now
        self.render_rows()

    def silences(self) -> dict[str, Silence]:
        return self.snapshot.silence_index() if self.snapshot else {}

    def render_rows(self) -> None:
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
        # After the age, which the app redraws every second.
        self.subtitle_notes = tuple(e for e in extra if e)
        self.show_freshness(snapshot.freshness, now)
        rows = self.build_rows(snapshot, now)
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
        self.show(rows, "" if rows else empty)

    def build_rows(self, snapshot: AlertSnapshot, now: datetime) -> list[Row]:
        silences = snapshot.silence_index()
        kept = []
        for alert in snapshot.alerts:
            state = display_state(alert, silences)
            if self.view.keeps(alert, state):
                kept.append((alert, state))
        labels = distinguishing_labels([a for a, _ in kept])
        self._alerts_by_key = {}
        rows: list[Row] = []
        for name, members in self._grouped(kept, snapshot):
            if name is not None:
                rows.append(self._group_row(name, members))
            for alert, state in members:
                key = alert_key(alert)
                self._alerts_by_key[key] = alert
                rows.append((key, self._cells(alert, state, labels.get(key, ""), silences, now)))
        return rows

    def _grouped(
        self, kept: list[tuple[Alert, str]], snapshot: AlertSnapshot
    ) -> Iterable[tuple[str | None, list[tuple[Alert, str]]]]:
        if self.view.group == "none":
            return [(None, kept)]
        groups: dict[str, list[tuple[Alert, str]]] = {}
        for alert, state in kept:
            if self.view.group == "alertname":
                name = alert.name
            elif alert.state == "pending":
                name = "pending (not in Alertmanager yet)"
            else:
                name = snapshot.groups.get(alert.fingerprint, "(group not known yet)")
            groups.setdefault(name, []).append((alert, state))
        # Alerts arrive ranked, so a group's first member is its most urgent.
        return list(groups.items())

    def _group_row(self, name: str, members: list[tuple[Alert, str]]) -> Row:
        firing = sum(1 for _, s in members if s == "firing")
        text = Text(f"▾ {name}", style="bold")
        count = f"{len(members)} alert{'s' if len(members) != 1 else ''}, {firing} firing"
        return (GROUP_PREFIX + name, (Text(""), text, Text(count), "", "", "", ""))

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

    def show(self, rows: list[Row], empty_message: str) -> None:
        """Like ``Pane.show``, but a steady tick only compares each row with what it showed
        last and touches the changed cells: with 5,000 alerts, turning every cell into Text
        and reading it back from the table was most of a refresh."""
        wanted = [key for key, _ in rows]
        table = self.table
        if not rows or len(wanted) != table.row_count or wanted != list(self._shown):
            super().show(rows, empty_message)
        else:
            self._rows, self._empty = rows, empty_message  # to fill the table again on a resize
            columns = list(table.columns)
            for key, cells in rows:
                before = self._shown[key]
                if tuple(cells) == before:
                    continue
                shown = zip(self.visible_cells(before), self.visible_cells(cells), strict=True)
                for column, (old, new) in zip(columns, shown, strict=False):
                    if old != new:
                        # Text, never markup: summaries and labels come from outside.
                        value = plain_cell(new)
                        table.update_cell(RowKey(key), column, value)
            self.message.display = False
        self._shown = {key: tuple(cells) for key, cells in rows}

    def selected_alert(self) -> Alert | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._alerts_by_key.get(str(key))

    # -- events and actions -----------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        alert = self._alerts_by_key.get(str(event.row_key.value))
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
