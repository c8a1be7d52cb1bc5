"""A runbook run as a checklist: the current step marked, a progress bar, the selected
step in full (the exact command after substitution, the query and its expectation, the
probe), and a log panel where a command's output streams in.

Keys act on the step under the cursor: ``x`` runs it (a command only after an explicit
``y`` in a dialog that shows it), ``d`` done, ``s`` skip (reason required), ``f`` fail (note
required), ``p``/Esc pause and close, ``A`` abort. Every outcome is written to the notebook
at once, so closing the cockpit never loses one; opening the runbook again resumes.

While open, the screen holds the run's lease (a heartbeat thread renews it); when another
cockpit takes the run over, the screen turns read-only and says by whom.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, ProgressBar, RichLog, Static

from cockpit.model.runbook_run import RunError, progress_text
from cockpit.model.runbooks import Step
from cockpit.model.text import visible, visible_lines
from cockpit.services.runbook_run import RunbookSession
from cockpit.services.runbook_steps import StepResult
from cockpit.store import NotebookError
from cockpit.store.run_leases import LeaseLostError
from cockpit.ui.screens.runbook_lease import RunLeaseScreen, lease_banner
from cockpit.ui.table_sync import Cell, Row, sync_rows

LOG_LINES = 500  # kept on screen; the notebook keeps everything
LOG_WIDTH = 200  # characters of one output line shown
DETAIL_LINES = 6  # a finished command's last output lines in the step panel
OUTCOME_MARKS = {"pending": "·", "done": "✓", "skipped": "»", "failed": "✗"}
OUTCOME_COLOURS = {"done": "probe-up", "skipped": "stale", "failed": "probe-down"}


def step_detail(session: RunbookSession, step: Step, zone: tzinfo | None) -> Text:
    """The step in full, as plain text (outside text is never read as markup)."""
    state = session.state
    record = state.steps[step.index]
    text = Text()
    text.append(f"Step {step.index + 1} of {len(state.steps)}", style="bold")
    text.append(f"  ·  {step.kind}" + (f"  ·  {step.phase}" if step.phase else "") + "\n")
    text.append(visible(step.title) + "\n")
    if step.kind == "command":
        try:
            text.append(f"\n$ {visible_lines(session.command_for(step))}\n", style="bold")
        except ValueError as exc:
            text.append(f"\n$ {visible_lines(step.command or '')}\n", style="bold")
            text.append(f"cannot run: {visible(str(exc))}\n")
    elif step.kind == "check":
        try:
            query = step.query_for(state.labels)
        except ValueError as exc:
            query = f"{step.query}\ncannot run: {exc}"
        text.append(f"\npromql  {visible_lines(query or '')}\n", style="bold")
        text.append(f"expect  {step.expectation or '(none: lint the runbook)'}\n")
    elif step.kind == "probe":
        text.append(f"\nprobe  {step.probe}\n", style="bold")
    if step.note:
        text.append(f"\n{visible_lines(step.note)}\n")
    refusal = session.refusal(step) if step.kind != "manual" else None
    if refusal and state.status == "running":
        text.append(f"\n{visible(refusal)}\n")
    if record.outcome != "pending":
        when = "" if record.at is None else f"{record.at.astimezone(zone):%H:%M:%S} "
        text.append(f"\n{record.outcome.upper()}  {when}{record.who or ''}\n", style="bold")
        if record.note:
            text.append(f"{visible_lines(record.note)}\n")
        if record.exit_status is not None:
            text.append(f"exit status {record.exit_status}\n")
        if step.kind == "command" and record.output:
            lines = record.output.rstrip("\n").split("\n")
            more = f" (last {DETAIL_LINES} of {len(lines)})" if len(lines) > DETAIL_LINES else ""
            text.append(f"output{more}:\n", style="bold")
            for line in lines[-DETAIL_LINES:]:
                cut = line[:LOG_WIDTH] + " …" if len(line) > LOG_WIDTH else line
                text.append(visible(cut) + "\n")
    return text


class RunbookRunScreen(RunLeaseScreen):
    BINDINGS = [
        Binding("x", "execute", "Run / check"),
        Binding("d", "done", "Done"),
        Binding("s", "skip", "Skip"),
        Binding("f", "fail", "Fail"),
        Binding("p", "pause", "Pause & close"),
        Binding("escape", "pause", "Close", show=False),
        # As in `cockpit runbook run`: q pauses the run, it does not quit the cockpit.
        Binding("q", "pause", "Pause & close", show=False),
        Binding("A", "abort", "Abort run"),
        # The main screen's pane keys mean nothing here; keep them out of the footer.
        Binding("z", "nothing", show=False),
        Binding("r", "nothing", show=False),
    ]

    def __init__(
        self,
        session: RunbookSession,
        zone: tzinfo | None = None,
        *,
        on_recorded: Callable[[], None] | None = None,
        recorded_in_store: bool = True,
    ) -> None:
        super().__init__(session)
        self.zone = zone
        self.on_recorded = on_recorded
        self.recorded_in_store = recorded_in_store
        self.busy: int | None = None  # the step whose command, check or probe is running

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        if self.session.state.dry_run:
            yield Static(
                "DRY RUN · nothing is run: commands, queries and probes are only shown",
                id="rb-dry-run",
            )
        yield Static(id="rb-lease")
        yield Static(id="rb-title")
        yield ProgressBar(total=len(self.session.state.steps), show_eta=False, id="rb-progress")
        with Horizontal(id="rb-body"):
            table: DataTable[Cell] = DataTable(cursor_type="row", id="rb-steps")
            for label, width in (("", 1), ("#", 3), ("phase", 10), ("step", 38), ("outcome", 9)):
                table.add_column(label, width=width)
            yield table
            with Vertical(id="rb-side"):
                yield Static(id="rb-detail")
                yield RichLog(
                    id="rb-log", max_lines=LOG_LINES, wrap=True, min_width=20, markup=False
                )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#rb-steps", DataTable)
        table.border_title = "Steps"
        self.query_one("#rb-log", RichLog).border_title = "Output"
        self.query_one("#rb-detail", Static).border_title = "Step"
        self.refresh_view()
        table.move_cursor(row=min(self.session.state.current, len(self.session.state.steps) - 1))
        table.focus()
        self.keep_lease()

    @property
    def cursor(self) -> int:
        return self.query_one("#rb-steps", DataTable).cursor_row

    def refresh_view(self) -> None:
        state = self.session.state
        rb = self.session.runbook
        title = Text()
        title.append(f"{rb.title}", style="bold")
        title.append(f"  ·  run #{state.run_id}" if state.run_id is not None else "  ·  run")
        title.append(f"  ·  {state.status}")
        if state.incident_id:
            title.append(f"  ·  incident {state.incident_id}")
        if state.labels:
            title.append("  ·  " + " ".join(visible(f"{k}={v}") for k, v in state.labels.items()))
        if not self.recorded_in_store:
            title.append("  ·  NOT RECORDED: the notebook is unavailable")
        title.append(f"\n{progress_text(state)}")
        self.query_one("#rb-title", Static).update(title)
        banner = lease_banner(self.session, self.zone, self.session.clock())
        lease = self.query_one("#rb-lease", Static)
        lease.update(Text(banner or ""))
        lease.set_class(banner is not None, "shown")
        self.query_one("#rb-progress", ProgressBar).update(progress=state.completed)
        rows: list[Row] = []
        for step, record in zip(rb.steps, state.steps, strict=True):
            current = step.index == state.current and state.status == "running"
            colour = self.app.theme_variables.get(OUTCOME_COLOURS.get(record.outcome, ""), "")
            word = "" if record.outcome == "pending" else f" {record.outcome}"
            # Styles as spans: Text equality ignores the base style, so a table would
            # never notice a change made through it.
            mark = Text.styled(OUTCOME_MARKS[record.outcome] + word, colour)
            if self.busy == step.index:
                mark = Text("… running")
            rows.append(
                (
                    str(step.index),
                    (
                        "▶" if current else " ",
                        str(step.index + 1),
                        Text(visible(step.phase or "")),
                        Text.styled(visible(step.title), "bold" if current else ""),
                        mark,
                    ),
                )
            )
        sync_rows(self.query_one("#rb-steps", DataTable), rows)
        self.show_detail()

    def show_detail(self) -> None:
        index = self.cursor
        if 0 <= index < len(self.session.runbook.steps):
            step = self.session.runbook.steps[index]
            self.query_one("#rb-detail", Static).update(step_detail(self.session, step, self.zone))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # Enter is not a shortcut for anything here: every outcome has its key

    def log_line(self, line: str) -> None:
        cut = line if len(line) <= LOG_WIDTH else line[:LOG_WIDTH] + " …"
        self.query_one("#rb-log", RichLog).write(Text(visible(cut)))

    # -- outcomes --------------------------------------------------------------
    def _after_change(self) -> None:
        index = self.session.state.current
        self.refresh_view()
        if index < len(self.session.state.steps):
            self.query_one("#rb-steps", DataTable).move_cursor(row=index)
        if self.on_recorded is not None:
            self.on_recorded()
        if self.session.state.status == "done":
            self.notify(f"Runbook finished: {progress_text(self.session.state)}")

    def _mark(self, index: int, outcome: str, note: str = "") -> None:
        try:
            if outcome == "done":
                self.session.mark(index, "done", note)
            elif outcome == "skipped":
                self.session.mark(index, "skipped", note)
            else:
                self.session.mark(index, "failed", note)
        except LeaseLostError as exc:
            self.taken_over(exc)
            return
        except (RunError, sqlite3.Error, NotebookError) as exc:
            self.notify(f"Not recorded: {exc}", severity="error", markup=False)
            return
        self._after_change()

    def _ready(self) -> bool:
        reason = self.session.read_only_reason
        if reason is not None:
            self.notify(reason, severity="warning", markup=False)
            return False
        if self.busy is not None:
            self.notify(f"Step {self.busy + 1} is still running.", severity="warning")
            return False
        if self.session.state.status != "running":
            self.notify(f"The run is {self.session.state.status}.", severity="warning")
            return False
        return True

    def action_done(self) -> None:
        if self._ready():
            self._mark(self.cursor, "done")

    def action_skip(self) -> None:
        if not self._ready():
            return
        from cockpit.ui.screens.runbook_dialogs import ReasonScreen

        index = self.cursor

        def save(reason: str | None) -> None:
            if reason:
                self._mark(index, "skipped", reason)

        self.app.push_screen(ReasonScreen(f"Why skip step {index + 1}?", "reason"), save)

    def action_fail(self) -> None:
        if not self._ready():
            return
        from cockpit.ui.screens.runbook_dialogs import ReasonScreen

        index = self.cursor

        def save(note: str | None) -> None:
            if note:
                self._mark(index, "failed", note)

        question = f"What went wrong in step {index + 1}?"
        self.app.push_screen(ReasonScreen(question, "note"), save)

    def action_execute(self) -> None:
        if not self._ready():
            return
        from cockpit.ui.screens.runbook_dialogs import ConfirmScreen

        index = self.cursor
        step = self.session.runbook.steps[index]
        refusal = self.session.refusal(step)
        if refusal is not None:
            self.notify(visible(refusal), severity="warning", markup=False)
            return
        if step.kind == "command" and not self.session.state.dry_run:
            command = self.session.command_for(step)
            limit = self.session.timeout.total_seconds()
            hint = f"y runs it now (timeout {limit:g} s) · n or Esc cancels"

            def go(yes: bool | None) -> None:
                if yes:
                    self._start(index, confirmed=True)

            self.app.push_screen(ConfirmScreen("Run this command?", command, hint), go)
            return
        self._start(index, confirmed=False)

    def _start(self, index: int, *, confirmed: bool) -> None:
        step = self.session.runbook.steps[index]
        self.busy = index
        if step.kind == "command":
            what = f"$ {self.session.command_for(step)}"
        elif step.kind == "check":
            what = f"promql {step.query_for(self.session.state.labels)}"
        else:
            what = f"probe {step.probe}"
        dry = "dry run, not run: " if self.session.state.dry_run else ""
        self.log_line(f"── step {index + 1} ── {dry}{what}")
        self.refresh_view()
        self.run_worker(
            lambda: self._work(index, confirmed), thread=True, group="runbook-step",
            exit_on_error=False,
        )  # fmt: skip

    def _work(self, index: int, confirmed: bool) -> None:
        def line(text: str) -> None:
            self.app.call_from_thread(self.log_line, text)

        try:
            result = self.session.perform(index, confirmed=confirmed, on_line=line)
        except (RunError, ValueError) as exc:
            result = StepResult("failed", f"could not run: {exc}")
        except Exception as exc:  # the step fails with the reason; the screen stays up
            result = StepResult("failed", f"could not run: internal error ({type(exc).__name__})")
        self.app.call_from_thread(self._finish, index, result)

    def on_unmount(self) -> None:
        # Closing the cockpit mid-command must not wait for the command (or its timeout).
        self.session.stop()
        self.let_go()

    def _finish(self, index: int, result: StepResult) -> None:
        if self.session.stopping.is_set():
            return  # closing: the step stays pending, to be run again after a resume
        self.busy = None
        if result.exit_status is not None:
            self.log_line(f"exit status {result.exit_status}")
        self.log_line(f"{result.outcome}: {result.note}".rstrip(": "))
        try:
            self.session.record(index, result)
        except LeaseLostError as exc:
            self.taken_over(exc)
        except (RunError, sqlite3.Error, NotebookError) as exc:
            self.notify(f"Not recorded: {exc}", severity="error", markup=False)
        self._after_change()

    def action_nothing(self) -> None:
        pass

    # -- leaving -----------------------------------------------------------------
    def action_pause(self) -> None:
        if self.busy is not None:
            self.notify("Wait for the running step to finish first.", severity="warning")
            return
        state = self.session.state
        # A run watched or taken over is not ours to pause: only close.
        if self.session.read_only_reason is None and state.status == "running":
            try:
                self.session.pause()
            except (sqlite3.Error, NotebookError) as exc:
                self.notify(f"Could not store the pause: {exc}", severity="error", markup=False)
            else:
                self.notify(f"Run #{state.run_id} paused; open the runbook again to resume.")
        self.dismiss()

    def action_abort(self) -> None:
        if not self._ready():
            return
        from cockpit.ui.screens.runbook_dialogs import ConfirmScreen

        def go(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.session.abort()
            except (RunError, sqlite3.Error, NotebookError) as exc:
                self.notify(f"Not aborted: {exc}", severity="error", markup=False)
                return
            self.refresh_view()

        question = "Abort this run? Its steps stay in the notebook; it cannot be resumed."
        self.app.push_screen(ConfirmScreen(question, hint="y aborts · n or Esc keeps it"), go)
