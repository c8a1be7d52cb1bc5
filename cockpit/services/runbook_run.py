"""Running a runbook: commands, PromQL checks and probe checks, and the audit trail.

Two halves, because SQLite connections belong to the thread that opened them:

- ``perform_*`` functions (``runbook_steps.py``) do the outside work (a subprocess, a
  query, a probe) and return a ``StepResult``; they touch no store and may run in a
  worker thread;
- ``RunbookSession`` holds the run's state and the store, and records outcomes (manual or
  from a ``StepResult``) on the thread that owns the store.

Safety: a command runs only when the caller says the on-call confirmed it; a label value
goes in only when no shell at any depth reads it as syntax, else the step is refused
(``Step.command_for``, ``check_shell_value``); read-only mode refuses it; a dry run runs
nothing; the command's environment is the user's minus every secret the cockpit knows of;
a timeout kills its whole process group.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta

from cockpit.config import Config
from cockpit.model.run_lease import LeaseHolder, RunLease, Takeover
from cockpit.model.runbook_run import Outcome, RunError, RunState, check_matches
from cockpit.model.runbooks import Runbook, Step
from cockpit.services.run_lease import new_holder
from cockpit.services.runbook_steps import (
    LineCallback,
    StepResult,
    command_environment,
    config_secret_names,
    perform_check,
    perform_probe,
    run_command,
    utc_now,
    who_am_i,
)
from cockpit.store import Notebook
from cockpit.store import runbook_runs as runs
from cockpit.store.run_leases import LeaseLostError, release_lease, take_lease


class RunbookSession:
    """One run of one runbook, stored as it goes. Use from the thread that owns ``store``;
    ``perform`` may be called from another thread."""

    def __init__(
        self,
        runbook: Runbook,
        state: RunState,
        config: Config,
        store: Notebook | None,
        *,
        clock: Callable[[], datetime] = utc_now,
        environ: Mapping[str, str] | None = None,
        timeout: timedelta | None = None,
        holder: LeaseHolder | None = None,
        watching: RunLease | None = None,
    ) -> None:
        self.runbook = runbook
        self.state = state
        self.config = config
        self.notebook = store
        self.clock = clock
        self.who = who_am_i(config)
        self.timeout = config.runbook_timeout if timeout is None else timeout
        self.stopping = threading.Event()
        self._environ = dict(os.environ if environ is None else environ)
        # The lease: ``holder`` while this session drives the run; ``watching`` the other
        # cockpit's lease when opened read-only; ``lost`` once another cockpit took over.
        self.holder = holder
        self.watching = watching
        self.lost: LeaseLostError | None = None
        self.takeover: Takeover | None = None  # when this session took the run from another

    @classmethod
    def start(
        cls,
        runbook: Runbook,
        config: Config,
        store: Notebook | None,
        *,
        dry_run: bool = False,
        incident_id: str | None = None,
        labels: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
        environ: Mapping[str, str] | None = None,
        timeout: timedelta | None = None,
    ) -> RunbookSession:
        """A new run, stored at once (with every step pending) when there is a store."""
        now = clock()
        state = RunState.start(
            runbook,
            at=now,
            who=who_am_i(config),
            dry_run=dry_run,
            incident_id=incident_id,
            labels=labels,
        )
        holder = None
        if store is not None:
            holder = new_holder(who_am_i(config))
            state = runs.create_run(store, state, runbook.source, holder=holder, now=now)
        return cls(
            runbook, state, config, store, clock=clock, environ=environ, timeout=timeout,
            holder=holder,
        )  # fmt: skip

    @classmethod
    def resume(
        cls,
        run_id: int,
        runbooks: Mapping[str, Runbook],
        config: Config,
        store: Notebook,
        *,
        clock: Callable[[], datetime] = utc_now,
        environ: Mapping[str, str] | None = None,
        timeout: timedelta | None = None,
        take_over: bool = False,
    ) -> RunbookSession:
        """Pick up a paused (or interrupted) run and take its lease; RunError says why it
        cannot be, RunHeldError that another cockpit has it open (ask, then
        ``take_over``). Lease, checks and resume are one transaction: a refusal leaves
        no lease behind."""
        holder = new_holder(who_am_i(config))
        now = clock()
        with store.transaction():
            if runs.load_run(store, run_id) is None:
                raise RunError(
                    f"no run #{run_id} in the notebook; `cockpit runbook history` lists them"
                )
            taken = take_lease(store, run_id, holder, now, take_over=take_over)
            runbook, state = cls._resumable(run_id, runbooks, store)
            runs.save_status(store, state, holder=holder, now=now)
        session = cls(
            runbook, state, config, store, clock=clock, environ=environ, timeout=timeout,
            holder=holder,
        )  # fmt: skip
        session.takeover = taken.takeover
        return session

    @classmethod
    def view(
        cls,
        run_id: int,
        runbooks: Mapping[str, Runbook],
        config: Config,
        store: Notebook,
        watching: RunLease,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> RunbookSession:
        """The run read-only, while ``watching``'s cockpit drives it: steps, no outcomes."""
        loaded = runs.load_run(store, run_id)
        if loaded is None:
            raise RunError(f"no run #{run_id} in the notebook")
        runbook = runbooks.get(loaded[0].runbook)
        if runbook is None or check_matches(loaded[0], runbook):
            raise RunError(f"run #{run_id} no longer fits its runbook; it cannot be shown")
        return cls(runbook, loaded[0], config, store, clock=clock, watching=watching)

    @staticmethod
    def _resumable(
        run_id: int, runbooks: Mapping[str, Runbook], store: Notebook
    ) -> tuple[Runbook, RunState]:
        loaded = runs.load_run(store, run_id)
        if loaded is None:
            raise RunError(
                f"no run #{run_id} in the notebook; `cockpit runbook history` lists them"
            )
        state, _source = loaded
        runbook = runbooks.get(state.runbook)
        if runbook is None:
            raise RunError(
                f"run #{run_id} is of runbook {state.runbook!r}, which is no longer found"
            )
        problems = check_matches(state, runbook)
        if problems:
            raise RunError(
                f"runbook {state.runbook!r} changed since run #{run_id} started "
                f"({'; '.join(problems)}); start a new run"
            )
        if state.status == "running":
            # Interrupted (the cockpit was closed or crashed): it simply carries on.
            state = state.pause()
        return runbook, state.resume()

    # -- what a step would do ------------------------------------------------------
    def step(self, index: int | None = None) -> Step:
        return self.runbook.steps[self.state.current if index is None else index]

    def command_for(self, step: Step) -> str:
        """The exact command after substitution; ValueError (missing label, unquotable
        value) says why there is none."""
        command = step.command_for(self.state.labels)
        if command is None:
            raise ValueError(f"step {step.index + 1} has no command")
        return command

    @property
    def read_only_reason(self) -> str | None:
        """Why this session records nothing: another cockpit drives the run, or took it."""
        if self.lost is not None:
            return str(self.lost)
        if self.watching is not None:
            return f"read-only: {self.watching.holder.describe()} has this run open"
        return None

    def refusal(self, step: Step) -> str | None:
        """Why ``step`` cannot be run (for command, check and probe steps), or None."""
        if self.read_only_reason is not None:
            return self.read_only_reason
        if self.state.status != "running":
            return f"run is {self.state.status}"
        if step.kind == "manual":
            return "a manual step has nothing to run: mark it done, skipped or failed"
        if step.kind == "command" and self.config.read_only:
            return "read-only mode: commands are not run (mark the step done if you ran it)"
        try:
            if step.kind == "command":
                self.command_for(step)
            elif step.kind == "check":
                step.query_for(self.state.labels)
        except ValueError as exc:
            return str(exc)
        return None

    # -- doing it (any thread) -----------------------------------------------------
    def perform(
        self, index: int, *, confirmed: bool = False, on_line: LineCallback | None = None
    ) -> StepResult:
        """Run step ``index``'s command, check or probe. A command needs ``confirmed``.

        In a dry run nothing runs: the result says what would have, outcome skipped."""
        step = self.runbook.steps[index]
        refusal = self.refusal(step)
        if refusal is not None:
            raise RunError(refusal)
        if step.kind == "command":
            command = self.command_for(step)
            if self.state.dry_run:
                return StepResult("skipped", "dry run: not run", command)
            if not confirmed:
                raise RunError("a command runs only after you confirm it")
            env = command_environment(self._environ, config_secret_names(self.config))
            return run_command(
                command, env=env, timeout=self.timeout, on_line=on_line, stop=self.stopping
            )
        if self.state.dry_run:
            what = step.query_for(self.state.labels) if step.kind == "check" else step.probe
            return StepResult("skipped", f"dry run: {step.kind} not run", output=what)
        if step.kind == "check":
            return perform_check(step, self.state.labels, self.config)
        return perform_probe(step, self.config)

    # -- recording it (the store's thread) -----------------------------------------
    def record(self, index: int, result: StepResult) -> RunState:
        return self.mark(
            index,
            result.outcome,
            note=result.note,
            command=result.command,
            exit_status=result.exit_status,
            output=result.output,
        )

    def mark(
        self,
        index: int,
        outcome: Outcome,
        note: str = "",
        *,
        command: str | None = None,
        exit_status: int | None = None,
        output: str | None = None,
    ) -> RunState:
        """Record an outcome (done / skipped with a reason / failed with a note)."""
        if self.read_only_reason is not None:
            raise RunError(self.read_only_reason)
        now = self.clock()
        state = self.state.record(
            index,
            outcome,
            at=now,
            who=self.who,
            note=note,
            command=command,
            exit_status=exit_status,
            output=output,
        )
        if self.notebook is not None:
            with self._lease_checked():
                runs.record_step(self.notebook, state, index, holder=self.holder, now=now)
        self.state = state
        if state.finished:
            self.release()
        return state

    @contextlib.contextmanager
    def _lease_checked(self) -> Iterator[None]:
        try:
            yield
        except LeaseLostError as exc:
            self.lost = exc
            raise

    def lose(self, lost: LeaseLostError) -> None:
        """The heartbeat found the run taken over: record nothing more."""
        self.lost = lost

    def release(self) -> None:
        """Let go of the lease (pause, close, finish); a no-op when not held."""
        if self.notebook is not None and self.holder is not None and self.state.run_id is not None:
            holder, self.holder = self.holder, None
            release_lease(self.notebook, self.state.run_id, holder)

    def stop(self) -> None:
        """Kill a running command (the cockpit is closing); its step stays pending."""
        self.stopping.set()

    def move_to(self, index: int) -> None:
        self.state = self.state.move_to(index)

    def pause(self) -> None:
        """Pause and let go of the run; a read-only session only lets go."""
        if self.state.status != "running" or self.read_only_reason is not None:
            self.release()
            return
        state = self.state.pause()
        if self.notebook is not None:
            with self._lease_checked():
                runs.save_status(self.notebook, state, holder=self.holder, now=self.clock())
        self.state = state
        self.release()

    def abort(self) -> None:
        if self.read_only_reason is not None:
            raise RunError(self.read_only_reason)
        state = self.state.abort(self.clock())
        if self.notebook is not None:
            with self._lease_checked():
                runs.save_status(self.notebook, state, holder=self.holder, now=self.clock())
        self.state = state
        self.release()
