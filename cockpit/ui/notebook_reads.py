"""The TUI's side of the notebook thread: what runs on a timer goes there, never on the UI
thread, and what comes back is shown; a notebook error becomes a message, never a crash."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future
from datetime import datetime
from typing import Any, TypeVar

from textual.app import App

from cockpit.model.incident_clocks import SeverityPolicy
from cockpit.services.incidents import announce_due_updates
from cockpit.services.notebook_thread import NOTEBOOK_ERRORS, NotebookThread
from cockpit.services.timeline_view import TIMELINE_WINDOW, TimelineView, current_view
from cockpit.store import Notebook
from cockpit.store.handoffs import Handoff, last_signed
from cockpit.ui.notices import Notices

T = TypeVar("T")
# A job asked for again while its key was running: (job, then, what).
Rerun = tuple[Callable[[Notebook], Any], Callable[[Any], None], str]


class NotebookReads:
    """Jobs keyed by what they are for: a key whose job is still running (a busy notebook
    holds it up to the busy timeout) is not started twice; asked again meanwhile, it runs
    once more when the running one ends (with the latest job), since that one may have read
    before the write that asked again. One error is said once until
    the job succeeds again (a timer every few seconds must not repeat it): ``notices`` is
    the app's one notice per source, each key its own source."""

    def __init__(self, app: App[None], opener: Callable[[], Notebook], notices: Notices) -> None:
        self.app = app
        self.thread = NotebookThread(opener)
        self.notices = notices
        self._running: set[str] = set()
        # Asked again while running: the latest (job, then, what) per key, run after it.
        self._again: dict[str, Rerun] = {}
        # The last signed handoff, as last read: the header asks every second.
        self.last_signed: Handoff | None = None

    def run(
        self, key: str, job: Callable[[Notebook], T], then: Callable[[T], None], what: str
    ) -> bool:
        """Start ``job`` on the notebook thread and call ``then`` with its result on the UI
        thread; False when the same key is still running (it then runs once more after)."""
        if self.thread.closed:
            return False  # the app is closing
        if key in self._running:
            self._again[key] = (job, then, what)
            return False
        self._running.add(key)
        future = self.thread.submit(job)
        self.app.run_worker(
            self._wait(key, future, then, what), group=f"notebook-{key}", exit_on_error=False
        )
        return True

    async def _wait(
        self, key: str, future: Future[T], then: Callable[[T], None], what: str
    ) -> None:
        try:
            result = await asyncio.wrap_future(future)
        except NOTEBOOK_ERRORS as exc:
            self._running.discard(key)
            self.problem(key, what, exc)
        else:
            self._running.discard(key)
            self.notices.recovered(_source(key))
            then(result)
        finally:
            again = self._again.pop(key, None)
            if again is not None:
                self.run(key, *again)

    def idle(self) -> bool:
        """No job running, nor one to run again after it: everything asked for so far has
        been read and handed to its ``then`` (or said as a problem)."""
        return not self._running

    def problem(self, key: str, what: str, exc: BaseException) -> None:
        self.notices.trouble(_source(key), f"Notebook: could not {what}: {exc}")

    def close(self) -> None:
        self.thread.close()

    # -- what the app reads -------------------------------------------------------
    def read_signed_now(self, store: Notebook) -> None:
        """Once at start through the app's own store, so the first header is right."""
        try:
            self._signed(last_signed(store))
        except NOTEBOOK_ERRORS as exc:
            self.problem("signed", SIGNED, exc)

    def read_signed_later(self, shown: Callable[[], None]) -> None:
        """Read the last signature on the notebook thread (another cockpit or the CLI may
        have signed); ``shown`` redraws what depends on it."""

        def then(signed: Handoff | None) -> None:
            self._signed(signed)
            shown()

        self.run("signed", last_signed, then, SIGNED)

    def _signed(self, signed: Handoff | None) -> None:
        self.last_signed = signed


def _source(key: str) -> str:
    return f"notebook ({key})"


SIGNED = "read the last handoff signature"


def timeline_job(
    now: datetime,
    incident_id: str | None,
    kinds: Collection[str] | None,
    policies: Mapping[str, SeverityPolicy],
    *,
    announce: bool,
    window: int = TIMELINE_WINDOW,
) -> Callable[[Notebook], TimelineView]:
    """The timeline pane's tick as one notebook job: with ``announce``, tell notifiers of
    status updates that fell due (claimed once across cockpits), then read the view."""

    def job(store: Notebook) -> TimelineView:
        if announce:
            announce_due_updates(store, now, policies)
        return current_view(
            store, now, incident_id=incident_id, kinds=kinds, policies=policies, window=window
        )

    return job
