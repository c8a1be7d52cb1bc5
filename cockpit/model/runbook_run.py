"""One run of a runbook: which steps are done, skipped or failed, by whom and when.

Pure state machine, no I/O. Every change returns a new ``RunState``; the store keeps each
one (``cockpit.store.runbook_runs``) so a run survives a restart and can be resumed.

Rules:

- a run is ``running``, ``paused``, ``done`` (every step has an outcome) or ``aborted``;
- only a running run takes outcomes; pause and resume switch running <-> paused;
- skipping needs a reason and failing needs a note (the audit trail must say why);
- a step may be recorded again while the run is running (a check retried after a fix):
  the step keeps its latest outcome, the timeline keeps every attempt;
- after an outcome the current step moves to the next pending one (wrapping to earlier
  pending steps), and when none is left the run is done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from cockpit.model.runbooks import Runbook
from cockpit.model.timeline import Labels, require_aware

Outcome = Literal["pending", "done", "skipped", "failed"]
RunStatus = Literal["running", "paused", "done", "aborted"]
OUTCOMES: tuple[Outcome, ...] = ("pending", "done", "skipped", "failed")
RUN_STATUSES: tuple[RunStatus, ...] = ("running", "paused", "done", "aborted")
FINISHED: frozenset[RunStatus] = frozenset({"done", "aborted"})


class RunError(ValueError):
    """The change is not allowed in the run's state; the message says why and what to do."""


@dataclass(frozen=True)
class StepRecord:
    """The latest outcome of one step."""

    index: int
    title: str
    outcome: Outcome = "pending"
    note: str = ""
    command: str | None = None  # the exact command run, after substitution
    exit_status: int | None = None
    output: str | None = None
    who: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class RunState:
    runbook: str  # the runbook's name
    steps: tuple[StepRecord, ...]
    status: RunStatus
    current: int  # the step the on-call is on; len(steps) once none is pending
    started_at: datetime
    started_by: str | None = None
    dry_run: bool = False
    incident_id: str | None = None
    labels: Labels = field(default_factory=Labels)
    run_id: int | None = None
    finished_at: datetime | None = None

    @classmethod
    def start(
        cls,
        runbook: Runbook,
        *,
        at: datetime,
        who: str | None = None,
        dry_run: bool = False,
        incident_id: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> RunState:
        require_aware(at, "at")
        steps = tuple(StepRecord(step.index, step.title) for step in runbook.steps)
        return cls(
            runbook=runbook.name,
            steps=steps,
            status="running",
            current=0,
            started_at=at,
            started_by=who,
            dry_run=dry_run,
            incident_id=incident_id,
            labels=Labels(labels or {}),
        )

    # -- questions -----------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def completed(self) -> int:
        """Steps with an outcome (done, skipped or failed)."""
        return sum(1 for s in self.steps if s.outcome != "pending")

    @property
    def counts(self) -> dict[Outcome, int]:
        return {o: sum(1 for s in self.steps if s.outcome == o) for o in OUTCOMES}

    def next_pending(self, after: int) -> int:
        """The first pending step after ``after``, else the first pending one at all, else
        ``len(steps)``."""
        n = len(self.steps)
        for offset in range(1, n + 1):
            index = (after + offset) % n
            if self.steps[index].outcome == "pending":
                return index
        return n

    # -- changes -------------------------------------------------------------
    def record(
        self,
        index: int,
        outcome: Outcome,
        *,
        at: datetime,
        who: str | None = None,
        note: str = "",
        command: str | None = None,
        exit_status: int | None = None,
        output: str | None = None,
    ) -> RunState:
        require_aware(at, "at")
        if self.status != "running":
            raise RunError(self._not_running())
        if not 0 <= index < len(self.steps):
            raise RunError(f"no step {index + 1}: the runbook has {len(self.steps)} steps")
        if outcome == "pending":
            raise RunError("a step cannot be set back to pending")
        note = note.strip()
        if outcome == "skipped" and not note:
            raise RunError("skipping a step needs a reason")
        if outcome == "failed" and not note:
            raise RunError("failing a step needs a note saying what went wrong")
        step = replace(
            self.steps[index],
            outcome=outcome,
            note=note,
            command=command,
            exit_status=exit_status,
            output=output,
            who=who,
            at=at,
        )
        steps = (*self.steps[:index], step, *self.steps[index + 1 :])
        state = replace(self, steps=steps)
        current = state.next_pending(index)
        if current == len(steps):
            return replace(state, current=current, status="done", finished_at=at)
        return replace(state, current=current)

    def move_to(self, index: int) -> RunState:
        if not 0 <= index < len(self.steps):
            raise RunError(f"no step {index + 1}: the runbook has {len(self.steps)} steps")
        return replace(self, current=index)

    def pause(self) -> RunState:
        if self.status != "running":
            raise RunError(self._not_running())
        return replace(self, status="paused")

    def resume(self) -> RunState:
        if self.status == "running":
            return self
        if self.status != "paused":
            raise RunError(f"run is {self.status}; start a new run instead")
        current = self.current
        if current >= len(self.steps) or self.steps[current].outcome != "pending":
            current = self.next_pending(current if current < len(self.steps) else -1)
        return replace(self, status="running", current=current)

    def abort(self, at: datetime) -> RunState:
        require_aware(at, "at")
        if self.finished:
            raise RunError(f"run is already {self.status}")
        return replace(self, status="aborted", finished_at=at)

    def _not_running(self) -> str:
        if self.status == "paused":
            return "run is paused; resume it first"
        return f"run is {self.status}; start a new run to record more"


def check_matches(state: RunState, runbook: Runbook) -> list[str]:
    """Why a stored run no longer fits ``runbook`` (its steps changed since), or []."""
    problems: list[str] = []
    if runbook.name != state.runbook:
        problems.append(f"run is of {state.runbook!r}, not {runbook.name!r}")
    if len(runbook.steps) != len(state.steps):
        problems.append(
            f"the runbook now has {len(runbook.steps)} steps, the run {len(state.steps)}"
        )
    for step, record in zip(runbook.steps, state.steps, strict=False):
        if step.title != record.title:
            problems.append(f"step {step.index + 1} is now {step.title!r}, was {record.title!r}")
            break
    return problems


def progress_text(state: RunState) -> str:
    counts = state.counts
    parts = [f"{state.completed}/{len(state.steps)} steps"]
    parts += [f"{counts[o]} {o}" for o in ("done", "skipped", "failed") if counts[o]]
    return " · ".join(parts)
