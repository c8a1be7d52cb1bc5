"""One SLO in full: the budget, every burn row with both windows, and the remaining budget
over the SLO window as a sparkline (fetched in a thread when the screen opens)."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.model.durations import format_duration
from cockpit.model.slo import window_held_text
from cockpit.model.snapshots import SloStatus
from cockpit.services.slo_history import BudgetHistory
from cockpit.services.slo_poll import error_ratio_query
from cockpit.ui.panes.probes import BARS
from cockpit.ui.panes.slo import budget_left_text, burn_text, exhaustion_text


def budget_sparkline(history: BudgetHistory) -> str:
    """0 % (or less) to 100 % of the budget as bars; a gap where there was no data."""
    out = []
    for point in history.points:
        if point is None:
            out.append(" ")
        else:
            level = min(max(point, 0.0), 1.0)
            out.append(BARS[round(level * (len(BARS) - 1))])
    return "".join(out)


def describe(status: SloStatus) -> Group:
    slo, budget = status.slo, status.budget
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("SLO", f"{slo.name}  ({slo.service or 'no service'}; {slo.kind} SLI)")
    if status.server:
        head.add_row("Prometheus", Text(status.server))
    head.add_row("objective", f"{slo.objective:g}% over {format_duration(slo.window)}")
    sli = "—" if budget.sli is None else f"{budget.sli * 100:.3f}%"
    head.add_row("SLI", sli)
    head.add_row(
        "budget",
        f"{budget_left_text(budget)} left of {budget.allowed_minutes:.1f} min ({budget.status})",
    )
    head.add_row(
        "1 h burn", f"{burn_text(status.burn_1h)}; budget gone in {exhaustion_text(status)}"
    )
    # The error ratio asked over the window: what to paste into Prometheus when "no data".
    head.add_row("query", Text(error_ratio_query(slo, slo.window)))
    if status.error:
        head.add_row("error", Text(status.error))
    rows = Table(title="multi-window burn rows", title_justify="left", expand=False)
    for column in ("severity", "long", "short", "threshold", "long burn", "short burn", "firing"):
        rows.add_column(column)
    for row in status.rows:
        rows.add_row(
            row.row.severity,
            format_duration(row.row.long),
            format_duration(row.row.short),
            f"{row.threshold:g}x",
            burn_text(row.long_rate),
            burn_text(row.short_rate),
            Text("FIRING", style="bold") if row.firing else Text("no"),
        )
    return Group(head, Text(""), rows)


class SloDetailScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("q", "dismiss", "Close")]

    def __init__(self, status: SloStatus, history: Callable[[], BudgetHistory] | None) -> None:
        super().__init__()
        self.slo_status = status
        self.history = history

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="slo-detail"):
            yield Static(describe(self.slo_status), id="slo-detail-body")
            yield Static("budget over the window: loading…", id="slo-history")

    def on_mount(self) -> None:
        self.query_one("#slo-detail").border_title = f"SLO {self.slo_status.slo.name}  (Esc closes)"
        if self.history is None:
            self.show_history(BudgetHistory((), "Prometheus is not configured"))
        else:
            fetch = self.history
            self.run_worker(lambda: self.app.call_from_thread(self.show_history, fetch()),
                            thread=True, exit_on_error=False)  # fmt: skip

    def show_history(self, history: BudgetHistory) -> None:
        label = f"budget left over the last {format_duration(self.slo_status.slo.window)}"
        if history.error:
            text = Text(f"{label}: not available ({history.error})")
        elif not any(p is not None for p in history.points):
            text = Text(f"{label}: no data yet")
        else:
            known = [p for p in history.points if p is not None]
            text = Text(f"{label} (oldest left, 0-100 %; blank = no data)\n")
            text.append(budget_sparkline(history), style="bold")
            text.append(f"\nnow {known[-1] * 100:.1f}%, lowest {min(known) * 100:.1f}%")
        note = window_held_text(history.held, self.slo_status.slo.window)
        if history.held_known and note is not None:
            text.append(f"\n{note}")
        self.query_one("#slo-history", Static).update(text)
