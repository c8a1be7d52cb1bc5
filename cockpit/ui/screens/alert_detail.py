"""One alert in full: labels, annotations, generator URL, the runbook it names, its ack and
silences, the rule's health, and the incident it is linked to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.config_types import DEFAULT_NAME
from cockpit.model.alerts import Alert, RuleHealth
from cockpit.model.durations import format_duration
from cockpit.model.silences import Silence, ack_of, display_state
from cockpit.model.text import visible, visible_lines
from cockpit.ui.messages import (
    AckRequested,
    AlertWriteRequested,
    PromoteRequested,
    SilenceRequested,
    UnackRequested,
)
from cockpit.ui.outside_text import markup_text
from cockpit.ui.read_only import OffWhenReadOnly


def describe_alert(
    alert: Alert,
    silences: Mapping[str, Silence],
    rules: Sequence[RuleHealth],
    incidents: Sequence[str],
    now: datetime,
    zone: tzinfo | None,
    runbook_found: str = "",
) -> Group:
    def when(at: datetime | None) -> str:
        return "—" if at is None else f"{at.astimezone(zone):%Y-%m-%d %H:%M:%S %Z}"

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("alert", Text(visible(f"{alert.name}  ({alert.severity})")))
    head.add_row("state", Text(display_state(alert, silences)))
    since = f"{when(alert.starts_at)}"
    if alert.starts_at:
        since += f"  ({format_duration(now - alert.starts_at)} ago)"
    head.add_row("since", Text(since))
    head.add_row("fingerprint", Text(alert.fingerprint or "— (pending: only Prometheus knows it)"))
    if alert.cluster and alert.cluster != DEFAULT_NAME:  # a named cluster (several, or one)
        head.add_row("cluster", Text(alert.cluster))
    head.add_row("source", Text(visible(alert.generator_url or "—")))
    runbook = alert.annotations.get("runbook") or alert.annotations.get("runbook_url")
    if runbook_found:
        runbook = f"{runbook_found}  ({runbook})" if runbook else runbook_found
    head.add_row("runbook", Text(visible(runbook or "— (the rule names none)")))
    head.add_row("incident", Text(", ".join(incidents) or "— (i opens one from this alert)"))
    ack = ack_of(alert, silences)
    if ack is not None:
        head.add_row(
            "acked",
            Text(f"by {visible(ack.owner)} {format_duration(now - ack.since)} ago, ends "
                 f"{when(ack.ends_at)} (in {format_duration(ack.ends_at - now)})"),
        )  # fmt: skip
    for rule in rules:
        if rule.name == alert.name and rule.health != "ok":
            error = visible(rule.last_error or "no error text")
            head.add_row("rule", Text(f"{visible(rule.health)}: {error}"))
    parts: list[Table | Text] = [head, Text("\nlabels", style="bold")]
    for key, value in sorted(alert.labels.items()):
        parts.append(Text(f"  {visible(key)} = {visible(value)}"))
    parts.append(Text("\nannotations", style="bold"))
    if not alert.annotations:
        parts.append(Text("  none"))
    for key, value in sorted(alert.annotations.items()):
        # A value's own lines are indented under it, so a line break in an annotation
        # cannot pass for another field of the detail.
        shown = visible_lines(value).replace("\n", "\n      ")
        parts.append(Text(f"  {visible(key)}: {shown}"))
    ids = [*alert.silenced_by]
    if ids:
        parts.append(Text("\nsilenced by", style="bold"))
        for sid in ids:
            silence = silences.get(sid)
            if silence is None:
                parts.append(Text(f"  {visible(sid)}"))
            else:
                who, why = visible(silence.created_by), visible(silence.comment)
                parts.append(Text(f"  {visible(sid[:8])} {who}: {why}"))
    if alert.inhibited_by:
        inhibitors = visible(", ".join(alert.inhibited_by))
        parts.append(Text("\ninhibited by " + inhibitors, style="bold"))
    return Group(*parts)


KEYS = "a ack · u unack · s silence · i open an incident · Esc close"


class AlertDetailScreen(ModalScreen[None], OffWhenReadOnly):
    WRITE_ACTIONS = frozenset({"ack", "promote", "silence", "unack"})
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("a", "ack", "Ack"),
        Binding("u", "unack", "Unack"),
        Binding("s", "silence", "Silence…"),
        Binding("i", "promote", "Incident"),
    ]

    def __init__(self, alert: Alert, body: Group) -> None:
        super().__init__()
        self.alert = alert
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="alert-detail"):
            yield Static(KEYS, classes="hint")
            yield Static(self.body)

    def on_mount(self) -> None:
        # A border title is markup: the name is made visible and escaped.
        self.query_one("#alert-detail").border_title = f"Alert {markup_text(self.alert.name)}"

    def _close_and_ask(self, message: AlertWriteRequested) -> None:
        self.dismiss()
        self.app.post_message(message)

    def action_ack(self) -> None:
        self._close_and_ask(AckRequested(self.alert))

    def action_unack(self) -> None:
        self._close_and_ask(UnackRequested(self.alert))

    def action_silence(self) -> None:
        self._close_and_ask(SilenceRequested(self.alert))

    def action_promote(self) -> None:
        self._close_and_ask(PromoteRequested(self.alert))
