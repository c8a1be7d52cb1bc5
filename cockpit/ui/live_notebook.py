"""Live across cockpits, on the screen: a watcher on the notebook's change feed
(``services/notebook_watch.py``) whose news reaches the UI thread as a message (posting
one is thread-safe and never waits), and what reloads then: the timeline, the header's
handoff state and the screen on top when it is ``ReloadsOnChange``. ``CockpitApp``
inherits this."""

from __future__ import annotations

from textual.message import Message

from cockpit.services.notebook_watch import NotebookWatcher
from cockpit.ui.app_dialogs import OpensDialogs
from cockpit.ui.context import ReloadsOnChange


class NotebookWritten(Message):
    """Someone (another cockpit, the CLI, or this one) wrote to the notebook."""


class NotebookFeedTrouble(Message):
    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why


class LiveNotebook(OpensDialogs):
    watcher: NotebookWatcher | None = None  # running while the cockpit polls

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

    def on_notebook_written(self, _message: NotebookWritten) -> None:
        self.notebook_changed()

    def on_notebook_feed_trouble(self, message: NotebookFeedTrouble) -> None:
        self.notices.trouble("Notebook", message.why)

    def notebook_changed(self) -> None:
        """Someone wrote to the notebook: reload what shows it."""
        self.refresh_timeline_later()
        self.read_header_later()
        screen = self.screen
        if isinstance(screen, ReloadsOnChange):
            screen.notebook_changed()

    def read_header_later(self) -> None:
        """Read the handoff state the header shows, off the UI thread (the app's)."""
        raise NotImplementedError
