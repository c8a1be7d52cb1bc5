"""Live across cockpits, on the screen: a watcher on the notebook's change feed
(``services/notebook_watch.py``) whose news is handed to the UI thread, which reloads what
shows notebook rows: the timeline, the header's handoff state and the screen on top when
it is ``ReloadsOnChange``. ``CockpitApp`` inherits this."""

from __future__ import annotations

from cockpit.services.notebook_watch import NotebookWatcher
from cockpit.ui.app_dialogs import OpensDialogs
from cockpit.ui.context import ReloadsOnChange


class LiveNotebook(OpensDialogs):
    watcher: NotebookWatcher | None = None  # running while the cockpit polls

    def watch_notebook(self) -> None:
        """What another cockpit (or the CLI) writes shows here within about a second,
        without a refresh key. Started with polling; tests start it themselves."""
        if self.notebook is None or self.notebook_target is None or self.watcher is not None:
            return
        self.watcher = NotebookWatcher(
            self.notebook_target,
            lambda: self.call_from_thread(self.notebook_changed),
            lambda why: self.call_from_thread(self.notices.trouble, "Notebook", why),
        ).start()

    def stop_watching(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

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
