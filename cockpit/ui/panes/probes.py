"""Health probes: state, latency against the default bands, recent latencies, streaks, why,
and the sub-components a health body reports, one row each under their probe."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from cockpit.model.probes import DOWN, PENDING, UP, ProbeState
from cockpit.model.snapshots import ProbeSnapshot
from cockpit.ui.columns import Column
from cockpit.ui.panes.base import Pane
from cockpit.ui.table_sync import Row

STATE_COLOURS = {UP: "probe-up", PENDING: "probe-pending", DOWN: "probe-down"}
CHILD_COLOURS = {"healthy": "probe-up", "degraded": "probe-pending", "unhealthy": "probe-down"}
# Response-time bands: notice, warning, critical (docs/domain.md, Alerts).
LATENCY_BANDS = ((1000.0, "probe-down"), (500.0, "probe-pending"), (200.0, "alert-info"))
BARS = "▁▂▃▄▅▆▇█"
CHILD_SEPARATOR = "\x1f"  # never in a probe name


def sparkline(values: Sequence[float], width: int) -> str:
    """The last ``width`` values as bars scaled between their own minimum and maximum."""
    recent = list(values)[-width:]
    if not recent:
        return ""
    low, high = min(recent), max(recent)
    span = high - low
    if span <= 0:
        return BARS[0] * len(recent)
    return "".join(BARS[round((v - low) / span * (len(BARS) - 1))] for v in recent)


def streak(state: ProbeState) -> str:
    if state.failures:
        return f"{state.failures} fail"
    return f"{state.successes} ok" if state.successes else ""


class ProbesPane(Pane):
    TITLE = "Probes"
    KEY = "5"
    # Narrow panes drop the sparkline, then the streak; the reason takes the room left.
    COLUMNS = (
        Column("probe", 13, least=9), Column("state", 9), Column("latency", 7),
        Column("recent", 8, drop=4), Column("streak", 6, drop=3),
        Column("reason", 11, least=8, flex=1, drop=2),
    )  # fmt: skip

    class Selected(Message):
        """The user asked for a probe's detail (Enter on its row or one of its children)."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def _latency(self, value: float | None) -> Text:
        if value is None:
            return Text("—")
        colour = next((c for limit, c in LATENCY_BANDS if value >= limit), "probe-up")
        return Text(f"{value:.0f} ms", style=self.colour(colour))

    def _state(self, state: ProbeState) -> Text:
        degraded = state.state == UP and state.last is not None and state.last.degraded
        label = "degraded" if degraded else state.state
        colour = "probe-pending" if degraded else STATE_COLOURS.get(state.state, "stale")
        return Text(label, style=self.colour(colour))

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # The probe states and theme the rows were built from: a tick that brings the same
        # states (a cycle in which no probe finished) builds nothing.
        self._built: tuple[object, ...] | None = None

    def update_snapshot(self, snapshot: ProbeSnapshot, now: datetime) -> None:
        self.show_freshness(snapshot.freshness, now)
        built = (snapshot.probes, self.app.theme)
        if built == self._built:
            return
        self._built = built
        rows: list[Row] = []
        zone = self.app_timezone()
        for state in snapshot.probes:
            last = state.last
            reason: str | Text = ""
            if last is not None and not last.ok:
                reason = last.reason
            elif state.last_failure is not None:
                # Up again: the last failure stays visible, dimmed, with its time.
                failed = state.last_failure
                when = failed.checked_at.astimezone(zone)
                reason = Text(f"{when:%H:%M} {failed.reason}", style=self.colour("stale"))
            rows.append(
                (
                    state.name,
                    (
                        state.name,
                        self._state(state),
                        self._latency(last.latency_ms if last else None),
                        Text(sparkline(state.latencies, 10), style=self.colour("alert-info")),
                        streak(state),
                        reason,
                    ),
                )
            )
            for child in last.children if last else ():
                colour = self.colour(CHILD_COLOURS.get(child.status, "stale"))
                rows.append(
                    (
                        f"{state.name}{CHILD_SEPARATOR}{child.name}",
                        (
                            f" └ {child.name}",
                            Text(child.status, style=colour),
                            "",
                            "",
                            "",
                            child.detail,
                        ),
                    )
                )
        empty = "No probes configured: add [[probe]] sections to the config." if not rows else ""
        self.show(rows, empty)

    def selected_probe(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None else str(key).split(CHILD_SEPARATOR, 1)[0]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        # The event's row, not the cursor: a refresh may have moved the cursor since.
        key = event.row_key.value
        if key is not None:
            self.post_message(self.Selected(str(key).split(CHILD_SEPARATOR, 1)[0]))
