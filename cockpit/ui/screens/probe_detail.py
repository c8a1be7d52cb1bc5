"""One probe in full: its state and streaks, each condition, the sub-components, and the
last response (status, headers, body truncated)."""

from __future__ import annotations

from datetime import tzinfo

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.config import ProbeConfig
from cockpit.model.probes import ProbeResult, ProbeState
from cockpit.model.text import visible, visible_lines


def _when(result: ProbeResult, zone: tzinfo | None) -> str:
    return f"{result.checked_at.astimezone(zone):%H:%M:%S}"


def describe(probe: ProbeConfig, state: ProbeState, zone: tzinfo | None) -> Group:
    """The detail as Rich renderables; plain text, so it reads the same in a snapshot."""
    last = state.last
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("probe", Text(f"{probe.name}  {probe.method} {probe.url}"))
    head.add_row("state", Text(f"{state.state}  ({state.failures} failures / {state.successes} "
                 f"successes in a row; down after {probe.failure_threshold}, up after "
                 f"{probe.success_threshold})"))  # fmt: skip
    head.add_row("every", f"{probe.interval.total_seconds():g}s, timeout "
                 f"{probe.timeout.total_seconds():g}s")  # fmt: skip
    parts: list[Table | Text] = [head]
    if last is None:
        parts.append(Text("\nNot run yet."))
        return Group(*parts)
    latency = "—" if last.latency_ms is None else f"{last.latency_ms:.0f} ms"
    outcome = "ok" if last.ok else f"FAILED ({last.category}): {visible(last.reason)}"
    if last.degraded:
        outcome = "ok, in a declared degraded mode"
    head.add_row("last run", Text(f"{_when(last, zone)}  {latency}  {outcome}"))
    if state.last_failure is not None and state.last_failure is not last:
        failure = state.last_failure
        head.add_row("last failure", Text(f"{_when(failure, zone)}  {visible(failure.reason)}"))
    if last.conditions:
        parts.append(Text("\nconditions", style="bold"))
        for result in last.conditions:
            mark = "✓" if result.failure is None else "✗"
            parts.append(Text(f"  {mark} {visible(result.failure or result.text)}"))
    if last.children:
        parts.append(Text("\nreported parts", style="bold"))
        for child in last.children:
            line = visible(f"{child.name}: {child.status}  {child.detail}".rstrip())
            parts.append(Text(f"  {line}"))
    response = last.response
    if response is not None:
        parts.append(Text(f"\nresponse  HTTP {response.status}", style="bold"))
        for name, value in response.headers:
            parts.append(Text(f"  {visible(name)}: {visible(value)}"))
        body = visible_lines(response.body)
        parts.append(Text(f"\n{body}" if response.body else "\n(empty body)"))
    return Group(*parts)


class ProbeDetailScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("q", "dismiss", "Close")]

    def __init__(self, probe: ProbeConfig, state: ProbeState, zone: tzinfo | None) -> None:
        super().__init__()
        self.probe = probe
        self.probe_state = state
        self.zone = zone

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="probe-detail"):
            yield Static(describe(self.probe, self.probe_state, self.zone), id="probe-detail-body")

    def on_mount(self) -> None:
        self.query_one("#probe-detail").border_title = f"Probe {self.probe.name}  (Esc closes)"
