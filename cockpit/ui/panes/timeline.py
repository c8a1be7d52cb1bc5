"""The open incident's timeline, or the latest recorded events when none is open."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cockpit.model.timeline import TimelineEvent
from cockpit.ui.panes.base import Pane
from cockpit.ui.table_sync import Row


class TimelinePane(Pane):
    TITLE = "Timeline"
    KEY = "3"
    COLUMNS = (("time", 8), ("type", 15), ("event", 54))

    def update_events(
        self, heading: str, events: Sequence[TimelineEvent], now: datetime, empty: str
    ) -> None:
        self.border_title = f"{self.KEY} {self.TITLE}: {heading}"
        zone = self.app_timezone()
        rows: list[Row] = []
        for event in events:
            local = event.occurred_at.astimezone(zone)
            rows.append(
                (
                    str(event.id),
                    (
                        f"{local:%H:%M:%S}",
                        event.kind.replace("_", " "),
                        event.body or event.subject,
                    ),
                )
            )
        self.show(rows, empty)
