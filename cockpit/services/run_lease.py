"""Keeping a runbook run's lease while it is open: who this cockpit is, and a heartbeat.

The heartbeat runs in a small thread with its own notebook connection (SQLite
connections belong to the thread that opened them), so neither the TUI's event loop nor
the CLI's prompt waits on a busy notebook. When a beat finds the run taken over, the
keeper stops and tells its owner once.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from cockpit.model.run_lease import HEARTBEAT_EVERY, LeaseHolder
from cockpit.secrets import SecretError
from cockpit.services.notebook_admin import open_target
from cockpit.store import Notebook, NotebookError
from cockpit.store.run_leases import LeaseLostError, renew_lease

LostCallback = Callable[[LeaseLostError], None]


def new_holder(who: str) -> LeaseHolder:
    """This process, opening a run now: a fresh token per opening."""
    try:
        host = socket.gethostname() or "unknown host"
    except OSError:
        host = "unknown host"
    return LeaseHolder(who=who, host=host, pid=os.getpid(), token=uuid.uuid4().hex)


class LeaseKeeper:
    """Renews ``holder``'s lease on ``run_id`` every ``every`` seconds until stopped or
    lost. ``on_lost`` runs in the keeper's thread: hand it over to your own (the TUI's
    ``call_from_thread``)."""

    def __init__(
        self,
        path: Path | str,
        run_id: int,
        holder: LeaseHolder,
        clock: Callable[[], datetime],
        on_lost: LostCallback,
        *,
        every: float = HEARTBEAT_EVERY.total_seconds(),
    ) -> None:
        self.path = path
        self.run_id = run_id
        self.holder = holder
        self.clock = clock
        self.on_lost = on_lost
        self.every = every
        self.lost: LeaseLostError | None = None
        self.last_error: str | None = None  # the last beat that failed for another reason
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"lease-{run_id}", daemon=True)

    def start(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def stop(self, *, wait: bool = True) -> None:
        """Stop beating. The TUI passes ``wait=False``: the thread may itself be waiting
        on the UI thread (``call_from_thread``), and joining it there would stall both."""
        self._stop.set()
        if wait and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    def beat(self, store: Notebook) -> LeaseLostError | None:
        """One renewal through ``store`` (opened on the calling thread)."""
        try:
            renew_lease(store, self.run_id, self.holder, self.clock())
        except LeaseLostError as exc:
            self.lost = exc
            return exc
        return None

    def _loop(self) -> None:
        store: Notebook | None = None
        try:
            while not self._stop.wait(self.every):
                try:
                    if store is None:
                        store = open_target(self.path, me=self.holder.who)
                    lost = self.beat(store)
                except (sqlite3.Error, NotebookError, SecretError, OSError) as exc:
                    # A busy or unreadable notebook: try again next beat. Four misses in a
                    # row make the lease look stale to others, which is then the truth.
                    self.last_error = str(exc)
                    continue
                self.last_error = None
                if lost is not None:
                    self.on_lost(lost)
                    return
        finally:
            if store is not None:
                store.close()
