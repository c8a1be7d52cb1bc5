"""A small dialog to flip the demo service's fault switches from the TUI."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from cockpit.demo.control import FaultError, apply_faults_async
from cockpit.sources.clients import async_client

EXAMPLES = "error-rate=5%  latency=800ms  ready=down  dependency=redis:unhealthy  reset"


class FaultScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, service_url: str) -> None:
        super().__init__()
        self.service_url = service_url

    def compose(self) -> ComposeResult:
        with Vertical(id="fault-dialog"):
            yield Label("Demo fault switches (space-separated; Enter applies, Esc closes)")
            yield Label(EXAMPLES, classes="hint")
            yield Input(placeholder="error-rate=5%", id="fault-input")

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        faults = event.value.split()
        if not faults:
            return
        try:
            async with async_client() as client:  # the one client factory
                state = await apply_faults_async(client, self.service_url, faults)
        except FaultError as exc:
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            return
        self.notify(f"Demo faults now: {state or 'none'}", markup=False)
        self.dismiss()
