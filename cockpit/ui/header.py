"""The top line: who is on call, the next handoff, the clock, and whether refresh is paused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from cockpit.config import OnCall
from cockpit.model.handoff import next_handoff


class OnCallHeader(Static):
    paused: reactive[bool] = reactive(False)
    # A short warning from a pane (e.g. an ack about to expire); empty when none.
    warning: reactive[str] = reactive("")

    def __init__(self, oncall: OnCall, clock: Callable[[], datetime], label: str = "") -> None:
        super().__init__(id="header")
        self.oncall = oncall
        self.clock = clock
        self.label = label
        self.zone = ZoneInfo(oncall.timezone)

    def on_mount(self) -> None:
        self.refresh_text()
        self.set_interval(1.0, self.refresh_text)

    def watch_paused(self) -> None:
        self.refresh_text()

    def watch_warning(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        now = self.clock()
        zone = self.zone
        who = self.oncall.me or "nobody (set [oncall] me)"
        handoff = next_handoff(self.oncall.handoff_day, self.oncall.handoff_time, zone, now)
        parts = [
            f"cockpit{' · ' + self.label if self.label else ''}",
            f"on call: {who}",
            f"handoff {handoff:%a %H:%M}",
            f"{now.astimezone(zone):%a %Y-%m-%d %H:%M:%S %Z}",
        ]
        if self.paused:
            parts.append("REFRESH PAUSED (p resumes)")
        if self.warning:
            parts.append(self.warning)
        self.update(Text("  │  ".join(parts)))
        self.set_class(self.paused, "-paused")
        self.set_class(bool(self.warning), "-warning")
