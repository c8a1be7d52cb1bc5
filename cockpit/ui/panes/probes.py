"""Health probes: up, pending or down, latency against the seed bands, and why."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from cockpit.model.probes import DOWN, PENDING, UP
from cockpit.services.snapshots import ProbeSnapshot
from cockpit.ui.panes.base import Pane
from cockpit.ui.table_sync import Row

STATE_COLOURS = {UP: "probe-up", PENDING: "probe-pending", DOWN: "probe-down"}
# Seed 003 response-time bands: notice, warning, critical.
LATENCY_BANDS = ((1000.0, "probe-down"), (500.0, "probe-pending"), (200.0, "alert-info"))


class ProbesPane(Pane):
    TITLE = "Probes"
    KEY = "5"
    COLUMNS = (("probe", 16), ("state", 8), ("latency", 8), ("reason", 34))

    def _latency(self, value: float | None) -> Text:
        if value is None:
            return Text("—")
        colour = next((c for limit, c in LATENCY_BANDS if value >= limit), "probe-up")
        return Text(f"{value:.0f} ms", style=self.colour(colour))

    def update_snapshot(self, snapshot: ProbeSnapshot, now: datetime) -> None:
        self.show_freshness(snapshot.freshness, now)
        rows: list[Row] = []
        for state in snapshot.probes:
            last = state.last
            reason = last.reason if last is not None and not last.ok else ""
            rows.append(
                (
                    state.name,
                    (
                        state.name,
                        Text(
                            state.state, style=self.colour(STATE_COLOURS.get(state.state, "stale"))
                        ),
                        self._latency(last.latency_ms if last else None),
                        reason,
                    ),
                )
            )
        empty = "No probes configured: add [[probe]] sections to the config." if not rows else ""
        self.show(rows, empty)
