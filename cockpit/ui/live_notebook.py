"""Live across cockpits, on the screen: a watcher on the notebook's change feed
(``services/notebook_watch.py``) whose news reaches the UI thread as a message (posting
one is thread-safe and never waits), and what reloads then: the timeline, the header's
handoff state and the screen on top when it is ``ReloadsOnChange``; and those reads
themselves (the timeline on the notebook thread or, after a write here, at once).
``CockpitApp`` inherits this."""

from __future__ import annotations

import contextlib

from textual.css.query import NoMatches
from textual.message import Message

from cockpit.model.rotation import HandoffRecord
from cockpit.services.notebook_thread import NOTEBOOK_ERRORS
from cockpit.services.notebook_watch import NotebookWatcher
from cockpit.services.timeline_view import TimelineView, current_view
from cockpit.ui.app_dialogs import OpensDialogs
from cockpit.ui.context import ReloadsOnChange
from cockpit.ui.header import OnCallHeader
from cockpit.ui.notebook_reads import timeline_job
from cockpit.ui.panes.timeline import TimelinePane


class NotebookWritten(Message):
    """Someone (another cockpit, the CLI, or this one) wrote to the notebook."""


class NotebookFeedTrouble(Message):
    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why


class LiveNotebook(OpensDialogs):
    watcher: NotebookWatcher | None = None  # running while the cockpit polls
    _timeline_generation = 0  # a timeline read started before the latest one is outdated

    def watch_notebook(self) -> None:
        """What another cockpit (or the CLI) writes shows here within about a second,
        without a refresh key. Started with polling; tests start it themselves."""
        if self.notebook is None or self.notebook_target is None or self.watcher is not None:
            return
        self.watcher = NotebookWatcher(
            self.notebook_target, self._written, self._feed_trouble
        ).start()

    # From the watcher's thread: post, never call (posting is thread-safe and never waits).
    def _written(self) -> None:
        self.post_message(NotebookWritten())

    def _feed_trouble(self, why: str) -> None:
        self.post_message(NotebookFeedTrouble(why))

    def stop_watching(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    # News the watcher posted may be handled while the cockpit closes (its loop runs on
    # as the screens are taken down): then the panes it would reload are gone; drop it.
    def on_notebook_written(self, _message: NotebookWritten) -> None:
        if self.is_running:
            self.notebook_changed()

    def on_notebook_feed_trouble(self, message: NotebookFeedTrouble) -> None:
        if self.is_running:
            self.notices.trouble("Notebook", message.why)

    def notebook_changed(self) -> None:
        """Someone wrote to the notebook: reload what shows it."""
        self.refresh_timeline_later()
        self.read_header_later()
        screen = self.screen
        if isinstance(screen, ReloadsOnChange):
            screen.notebook_changed()

    # -- what shows the notebook: the timeline pane and the header's handoff state -----
    def refresh_timeline(self) -> None:
        self._timeline_generation += 1  # a background read started before this is outdated
        if self.viewing is not None:
            return  # the past's timeline stays as it stood then
        pane = self.query_one(TimelinePane)
        if self.notebook is None:
            why = "The notebook could not be opened; see the notification."
            pane.update_events("notebook unavailable", (), self.clock(), why)
            return
        try:
            view = current_view(
                self.notebook, self.clock(), incident_id=pane.incident_id, kinds=pane.kinds,
                policies=self.config.severity_policies, window=pane.window,
            )  # fmt: skip
        except NOTEBOOK_ERRORS as exc:
            pane.update_events("notebook unreadable", (), self.clock(), f"{exc}; try again")
            return
        pane.update_view(view, self.clock())

    def follow_incident(self, incident_id: str | None) -> None:
        # The main screen's pane: a screen on top of it asks from there.
        if not self.screen_stack:
            return  # closing
        for pane in self.screen_stack[0].query(TimelinePane):
            pane.show_incident(incident_id)

    def refresh_timeline_later(self, *, announce: bool = False) -> None:
        """The timeline's clock tick: read the view (and, with ``announce``, tell notifiers of
        status updates that fell due) on the notebook thread, then show it."""
        if self.notebook_reads is None or self.viewing is not None:
            return
        pane = self.query_one(TimelinePane)
        generation, policies = self._timeline_generation, self.config.severity_policies
        job = timeline_job(
            self.clock(), pane.incident_id, pane.kinds, policies, announce=announce,
            window=pane.window,
        )  # fmt: skip

        def show(view: TimelineView) -> None:
            if generation == self._timeline_generation:
                pane.update_view(view, self.clock())

        self.notebook_reads.run("timeline", job, show, "refresh the timeline")

    def _last_handoff(self) -> HandoffRecord | None:
        # Read off the UI thread (the header asks every second).
        signed = self.notebook_reads.last_signed if self.notebook_reads is not None else None
        return signed.record() if signed is not None else None

    def read_header_later(self) -> None:
        """Read the handoff state the header shows, off the UI thread."""
        if self.notebook_reads is not None:
            self.notebook_reads.read_signed_later(self._redraw_header)

    def _redraw_header(self) -> None:
        with contextlib.suppress(NoMatches):  # quitting: the header is gone
            self.query_one(OnCallHeader).refresh_text()
