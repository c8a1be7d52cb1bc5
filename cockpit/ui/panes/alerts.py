"""Active alerts: severity, name, the labels that tell them apart, state and age."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from cockpit.services.snapshots import AlertSnapshot
from cockpit.ui.format import age, label_summary
from cockpit.ui.panes.base import Pane
from cockpit.ui.table_sync import Row

SEVERITY_COLOURS = {"critical": "alert-critical", "warning": "alert-warning"}


class AlertsPane(Pane):
    TITLE = "Alerts"
    KEY = "2"
    COLUMNS = (
        ("sev", 8), ("alert", 22), ("labels", 32), ("summary", 60), ("state", 9), ("since", 7),
    )  # fmt: skip

    def update_snapshot(self, snapshot: AlertSnapshot, now: datetime) -> None:
        self.show_freshness(snapshot.freshness, now)
        if snapshot.pending_error:
            self.border_subtitle = (
                f"{self.border_subtitle} · pending unknown: {snapshot.pending_error}"
            )
        rows: list[Row] = []
        for alert in snapshot.alerts:
            colour = self.colour(SEVERITY_COLOURS.get(alert.severity, "alert-info"))
            key = alert.fingerprint or "|".join(f"{k}={v}" for k, v in alert.identity)
            rows.append(
                (
                    f"{alert.state}:{key}",
                    (
                        Text(alert.severity, style=colour),
                        alert.name,
                        label_summary(alert.labels),
                        alert.summary,
                        alert.state,
                        age(alert.starts_at, now),
                    ),
                )
            )
        freshness = snapshot.freshness
        if not freshness.configured and not rows:
            empty = "Alertmanager is not configured: add [alertmanager] url = ... to the config."
        elif freshness.connecting:
            empty = "connecting…"
        elif freshness.error:
            empty = f"Alertmanager unreachable: {freshness.error}"
        else:
            empty = "No alerts firing."
        self.show(rows, "" if rows else empty)
