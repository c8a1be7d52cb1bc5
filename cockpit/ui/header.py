"""The top line: who is on call and who is next, the next handoff and the time left, the
clock, a handoff reminder badge, and whether refresh is paused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from cockpit.config import OnCall
from cockpit.model.rotation import HandoffRecord, Reminder, format_until, reminder
from cockpit.services.shift import rotation_of


class OnCallHeader(Static):
    paused: reactive[bool] = reactive(False)
    read_only: reactive[bool] = reactive(False)
    past: reactive[datetime | None] = reactive(None)  # time travel: the moment shown
    # A short warning from a pane (e.g. an ack about to expire); empty when none.
    warning: reactive[str] = reactive("")

    def __init__(
        self,
        oncall: OnCall,
        clock: Callable[[], datetime],
        label: str = "",
        last_handoff: Callable[[], HandoffRecord | None] | None = None,
    ) -> None:
        super().__init__(id="header")
        self.oncall = oncall
        self.clock = clock
        self.label = label
        self.zone = ZoneInfo(oncall.timezone)
        # The last signed handoff: the rotation rule follows signatures and swaps.
        self.last_handoff = last_handoff
        self.reminder: Reminder | None = None
        self._started = False
        self._shown = ""  # the line on screen

    def on_mount(self) -> None:
        # Then on the app's one-second tick, in the same frame as the panes' ages.
        self.refresh_text()
        self._started = True

    def watch_paused(self) -> None:
        self.refresh_text()

    def watch_read_only(self) -> None:
        self.refresh_text()

    def watch_past(self) -> None:
        self.refresh_text()

    def watch_warning(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        now = self.clock()
        last = self.last_handoff() if self.last_handoff is not None else None
        state = rotation_of(self.oncall, last, now)
        who = state.current or self.oncall.me or "nobody (set [oncall] roster or me)"
        current = reminder(state, now)
        if current is not None:
            handoff = f"{current.badge(now)} (h opens it)"
        else:
            handoff = (
                f"handoff {state.handoff_at:%a %H:%M} (in {format_until(state.handoff_at - now)})"
            )
        # What needs the on-call's attention comes before the clock, which is cut first
        # on a narrow terminal.
        parts = [
            f"cockpit{' · ' + self.label if self.label else ''}",
            *(
                [
                    f"VIEWING THE PAST: {self.past.astimezone(self.zone):%a %Y-%m-%d %H:%M:%S} "
                    "· live: L · [ ] step"
                ]
                if self.past is not None
                else []
            ),
            f"on call: {who}" + (f" · next: {state.next}" if state.next else ""),
            handoff,
        ]
        if self.paused:
            parts.append("REFRESH PAUSED (p resumes)")
        if self.read_only:
            parts.append("READ-ONLY NOTEBOOK")
        if self.warning:
            parts.append(self.warning)
        parts.append(f"{now.astimezone(self.zone):%a %Y-%m-%d %H:%M:%S %Z}")
        line = "  │  ".join(parts)
        if line != self._shown:
            # One line of fixed height: a new text repaints the header alone, it never lays
            # the screen out again (a layout each second was most of the idle CPU).
            self._shown = line
            self.update(Text(line), layout=False)
        self.set_class(self.paused, "-paused")
        self.set_class(self.past is not None, "-past")
        urgent = current is not None and current.kind != "late"
        self.set_class(urgent and not self.paused, "-handoff")
        if current != self.reminder:
            # The badge shows from the start; a notification marks the moment it changes.
            if current is not None and current.kind != "late" and self._started:
                when = f"{current.handoff_at.astimezone(self.zone):%H:%M}"
                text = (
                    f"Handoff at {when}: the digest and checklist are under h."
                    if current.kind == "soon"
                    else f"It is handoff time ({when}): open the handoff with h."
                )
                self.notify(text, title="Handoff", timeout=30, markup=False)
            self.reminder = current
        self.set_class(bool(self.warning), "-warning")
