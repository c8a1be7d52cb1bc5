"""The top line: who is on call, the next handoff, the clock, and whether refresh is paused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from cockpit.config import WEEKDAYS, OnCall


def next_handoff(oncall: OnCall, now: datetime) -> datetime:
    zone = ZoneInfo(oncall.timezone)
    local = now.astimezone(zone)
    target_day = WEEKDAYS.index(oncall.handoff_day)
    days = (target_day - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days), oncall.handoff_time, zone)
    if candidate <= local:
        candidate += timedelta(days=7)
    return candidate


class OnCallHeader(Static):
    paused: reactive[bool] = reactive(False)

    def __init__(self, oncall: OnCall, clock: Callable[[], datetime], label: str = "") -> None:
        super().__init__(id="header")
        self.oncall = oncall
        self.clock = clock
        self.label = label

    def on_mount(self) -> None:
        self.refresh_text()
        self.set_interval(1.0, self.refresh_text)

    def watch_paused(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        now = self.clock()
        zone = ZoneInfo(self.oncall.timezone)
        who = self.oncall.me or "nobody (set [oncall] me)"
        handoff = next_handoff(self.oncall, now)
        parts = [
            f"cockpit{' · ' + self.label if self.label else ''}",
            f"on call: {who}",
            f"handoff {handoff:%a %H:%M}",
            f"{now.astimezone(zone):%a %Y-%m-%d %H:%M:%S %Z}",
        ]
        if self.paused:
            parts.append("REFRESH PAUSED (p resumes)")
        self.update(Text("  │  ".join(parts)))
        self.set_class(self.paused, "-paused")
