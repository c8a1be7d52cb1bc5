"""A run open in another cockpit: the dialog that says who has it and since when, and
opening it read-only or taking it over from there.

Only one cockpit records a run's outcomes (two would mix their steps in one audit trail),
so a second opener chooses: ``v`` watch read-only, ``t`` take it over (the other cockpit
then records nothing more and says who took it), Esc leave it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from cockpit.model.run_lease import HEARTBEAT_EVERY, RunLease
from cockpit.model.runbook_run import RunError
from cockpit.model.runbooks import Runbook
from cockpit.services.run_lease import LeaseKeeper
from cockpit.services.runbook_run import RunbookSession
from cockpit.store import NotebookError
from cockpit.store.run_leases import LeaseLostError, RunHeldError
from cockpit.store.runbook_runs import load_run
from cockpit.ui.context import CockpitContext

HeldChoice = Literal["view", "take"]
_STORE_ERRORS = (sqlite3.Error, NotebookError)


class RunHeldScreen(ModalScreen[HeldChoice | None]):
    """Who holds the run, since when; ``v`` read-only, ``t`` take over, Esc leave it."""

    BINDINGS = [
        Binding("v", "choose('view')", "Read-only"),
        Binding("t", "choose('take')", "Take over"),
        Binding("escape", "choose(None)", "Leave it"),
    ]

    def __init__(self, title: str, lease: RunLease, zone: tzinfo | None, now: datetime) -> None:
        super().__init__()
        self.title_text = title
        self.lease = lease
        self.zone = zone
        self.now = now

    def compose(self) -> ComposeResult:
        holder = self.lease.holder
        with Vertical(id="run-held-dialog"):
            yield Label(Text(f"Run #{self.lease.run_id} of {self.title_text} is open elsewhere"))
            yield Static(
                Text(self.lease.describe(self.zone, self.now)), classes="command", id="run-held"
            )
            yield Label(
                "Only one cockpit records a run's outcomes, so two people's steps never mix in it."
            )
            yield Label(Text("v  look at it read-only: the steps, no outcomes"))
            yield Label(
                Text(f"t  take it over: {holder.who}'s cockpit records nothing more and says so")
            )
            yield Label("v read-only · t take over · Esc leave it", classes="hint")

    def action_choose(self, choice: HeldChoice | None) -> None:
        self.dismiss(choice)


def took_over_text(session: RunbookSession, zone: tzinfo | None) -> str | None:
    takeover = session.takeover
    if takeover is None:
        return None
    old = takeover.previous
    if takeover.stale:
        return (
            f"Took over run #{takeover.run_id}: {old.holder.describe()} had it open but "
            f"gave no sign of life since {old.heartbeat_at.astimezone(zone):%H:%M:%S}."
        )
    return f"Took over run #{takeover.run_id} from {old.holder.describe()}."


def ask_about_held_run(
    app: CockpitContext,
    runbook: Runbook,
    held: RunHeldError,
    open_screen: Callable[[RunbookSession], None],
) -> None:
    """Show who holds the run; then open it read-only or take it over, as chosen."""
    lease = held.lease
    runbooks = {runbook.name: runbook}

    def chosen(choice: HeldChoice | None) -> None:
        if choice is None or app.notebook is None:
            return
        try:
            if choice == "view":
                session = RunbookSession.view(
                    lease.run_id, runbooks, app.config, app.notebook, lease, clock=app.clock
                )
            else:
                session = RunbookSession.resume(
                    lease.run_id, runbooks, app.config, app.notebook, clock=app.clock,
                    take_over=True,
                )  # fmt: skip
                app.notify(took_over_text(session, app.timezone) or "Run taken over.",
                           markup=False)  # fmt: skip
        except (RunError, *_STORE_ERRORS) as exc:
            app.notify(f"Run #{lease.run_id} not opened: {exc}", severity="error",
                       markup=False)  # fmt: skip
            return
        open_screen(session)

    app.push_screen(RunHeldScreen(runbook.title, lease, app.timezone, app.clock()), chosen)


def lease_banner(session: RunbookSession, zone: tzinfo | None, now: datetime) -> str | None:
    """The run screen's line about who drives the run, when it is not this cockpit."""
    if session.lost is not None:
        who = session.lost.by or "another cockpit"
        return f"TAKEN OVER by {who}: read-only here, nothing more is recorded"
    if session.watching is not None:
        return f"READ-ONLY · {session.watching.describe(zone, now)}"
    return None


class RunLeaseScreen(Screen[None]):
    """The run screen's lease: a heartbeat thread while this cockpit drives the run, a
    refresh while it only watches, read-only once another cockpit took it over."""

    def __init__(self, session: RunbookSession) -> None:
        super().__init__()
        self.session = session
        self.keeper: LeaseKeeper | None = None
        self.told_lost = False

    def refresh_view(self) -> None:
        raise NotImplementedError

    def keep_lease(self) -> None:
        session = self.session
        if session.watching is not None:
            # Read-only: show the driving cockpit's progress as it records it.
            self.set_interval(HEARTBEAT_EVERY.total_seconds(), self.reload_watched)
        if session.notebook is None or session.holder is None or session.state.run_id is None:
            return

        def lost(exc: LeaseLostError) -> None:
            with contextlib.suppress(RuntimeError):  # the app is already closing
                self.app.call_from_thread(self.taken_over, exc)

        self.keeper = LeaseKeeper(
            session.notebook.target, session.state.run_id, session.holder, session.clock, lost
        ).start()

    def let_go(self) -> None:
        """Closing (or quitting the cockpit) lets go, so the next opener is not asked."""
        if self.keeper is not None:
            self.keeper.stop(wait=False)
        with contextlib.suppress(*_STORE_ERRORS):
            self.session.release()

    def taken_over(self, exc: LeaseLostError) -> None:
        """Another cockpit took the run: record nothing more, and say who."""
        if self.keeper is not None:
            self.keeper.stop(wait=False)
        if self.session.holder is None:
            return  # we let go ourselves (finished, aborted): a late beat found no lease
        self.session.lose(exc)
        self.refresh_view()
        if not self.told_lost:  # the heartbeat and a refused write may both report it
            self.told_lost = True
            self.notify(f"{exc}. This screen is read-only now.", severity="error", timeout=15,
                        markup=False)  # fmt: skip

    def reload_watched(self) -> None:
        store, run_id = self.session.notebook, self.session.state.run_id
        if store is None or run_id is None:
            return
        try:
            loaded = load_run(store, run_id)
        except _STORE_ERRORS:
            return  # keep showing what was read last; the next tick tries again
        if loaded is not None:
            self.session.state = loaded[0]
            self.refresh_view()
