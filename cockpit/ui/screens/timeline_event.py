"""One timeline event in full: the pane's row cuts the text at the column's width.

Enter opens the incident the pane shows (what enter on the pane did before), Esc closes.
Every text from outside (command output, alert summaries, notes) is shown with its
control characters escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.model.text import visible, visible_lines
from cockpit.model.timeline import ClusterNames, TimelineEvent, event_text
from cockpit.ui.context import cockpit_of


def describe_event(
    event: TimelineEvent, zone: tzinfo | None, clusters: ClusterNames | None = None
) -> Text:
    at = event.occurred_at.astimezone(zone)
    head = [
        ("time", f"{at:%Y-%m-%d %H:%M:%S %Z}"),
        ("type", event.kind.replace("_", " ")),
        ("by", event.author or event.source),
        ("source", event.source),
    ]
    if event.cluster:  # the event whole: its cluster whenever it has one
        head.append(("cluster", event.cluster))
    if event.incident_id:
        head.append(("incident", event.incident_id))
    if event.component:
        head.append(("component", event.component))
    if event.labels:
        head.append(("labels", ", ".join(f"{k}={v}" for k, v in event.labels.items())))
    text = Text()
    for name, value in head:
        text.append(f"{name:<10} ", style="bold")
        text.append(visible(value) + "\n")
    text.append("\n")
    text.append(visible_lines(event_text(event, clusters)))
    return text


class TimelineEventScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close"),
        Binding("enter", "open_incident", "Open the incident"),
        Binding("j", "jump", "Jump to this moment (the past)"),
    ]

    def __init__(
        self,
        event: TimelineEvent,
        zone: tzinfo | None,
        incident_id: str | None = None,
        open_incident: Callable[[str], None] | None = None,
        clusters: ClusterNames | None = None,
    ) -> None:
        super().__init__()
        self.event = event
        self.clusters = clusters
        self.zone = zone
        self.incident_id = incident_id
        self._open_incident = open_incident

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="timeline-event"):
            yield Static(describe_event(self.event, self.zone, self.clusters), id="event-text")

    def on_mount(self) -> None:
        opens = f"enter opens {self.incident_id} · " if self.incident_id else ""
        hint = f"{opens}j jumps to this moment · Esc closes"
        self.query_one("#timeline-event").border_title = f"Timeline event  ({hint})"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_incident":
            return self.incident_id is not None and self._open_incident is not None
        return True

    def action_jump(self) -> None:
        """The whole cockpit as it was when this happened."""
        moment = self.event.occurred_at
        self.dismiss()
        cockpit_of(self.app).travel_to(moment)

    def action_open_incident(self) -> None:
        if self.incident_id is None or self._open_incident is None:
            return
        incident_id, opener = self.incident_id, self._open_incident
        self.dismiss()
        opener(incident_id)
