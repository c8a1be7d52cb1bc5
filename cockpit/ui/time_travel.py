"""Time travel on the main screen: the cockpit as it was at a past moment.

``[`` and ``]`` step back and forward by a minute, ``{`` and ``}`` by 15 minutes, ``t``
asks for a time, ``L`` returns to live; ``cockpit --at TIME`` starts there. Each moment's
panes are read off the UI thread (``services/past_view.py``: Prometheus evaluated then,
the notebook's record of then) and kept, and the moments one step before and after are
read ahead, so a step shows at once when it was read ahead and otherwise as soon as its
reads are back.

While the past is shown the live polls go on (the recording duty keeps recording), but
their answers are not shown; the header says plainly that this is the past, and every
key that would write is off (``ui/read_only.py``: ``CockpitContext.read_only``).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual.app import App

from cockpit.config import Config
from cockpit.services.notebook_admin import open_target
from cockpit.services.notebook_thread import NOTEBOOK_ERRORS
from cockpit.store import Notebook

if TYPE_CHECKING:  # read when the cockpit first travels (the first frame needs none of it)
    from cockpit.services.past_view import PastView

STEP = timedelta(minutes=1)
FAR = timedelta(minutes=15)
KEPT = 32  # moments kept read (each a few snapshots)


class TravellingApp(Protocol):
    """What time travel needs of the app (``CockpitApp`` has it)."""

    config: Config
    notebook_target: Path | str | None

    def clock(self) -> datetime: ...
    def entered_past(self, at: datetime) -> None: ...
    def show_past(self, view: PastView) -> None: ...
    def left_past(self) -> None: ...


class TimeTravel:
    def __init__(self, app: TravellingApp, host: App[None]) -> None:
        self.app = app
        self.host = host  # the same app, as Textual: its workers and thread hand-over
        self.moment: datetime | None = None
        self.shown: datetime | None = None  # the moment whose reads are on screen
        self._views: OrderedDict[datetime, PastView] = OrderedDict()
        self._reading: set[datetime] = set()

    def go(self, at: datetime) -> None:
        """Show ``at``; a moment not in the past is live."""
        now = self.app.clock()
        if at >= now:
            self.live()
            return
        self.moment = at
        self.app.entered_past(at)
        view = self._views.get(at)
        if view is not None:
            self._views.move_to_end(at)
            self._show(view)
        else:
            self._read(at)
        for near in (at - STEP, at + STEP):  # the likely next keys, read ahead
            if near < now:
                self._read(near)

    def step(self, delta: timedelta) -> None:
        base = self.moment if self.moment is not None else self.app.clock()
        self.go(base + delta)

    def live(self) -> None:
        if self.moment is None:
            return
        self.moment = self.shown = None
        self.app.left_past()

    def _read(self, at: datetime) -> None:
        if at in self._views or at in self._reading:
            return
        self._reading.add(at)
        self.host.run_worker(
            partial(self._read_in_thread, at), thread=True, group="time-travel",
            exit_on_error=False,
        )  # fmt: skip

    def _read_in_thread(self, at: datetime) -> None:
        from cockpit.services.past_view import view_at

        notebook: Notebook | None = None
        target = self.app.notebook_target
        try:
            notebook = open_target(target) if target is not None else None
        except NOTEBOOK_ERRORS:
            notebook = None  # each pane then says the notebook is missing
        try:
            view = view_at(self.app.config, at, notebook)
        except NOTEBOOK_ERRORS:
            view = view_at(self.app.config, at, None)  # an unreadable notebook: said so
        finally:
            if notebook is not None:
                notebook.close()
        self.host.call_from_thread(self._arrived, at, view)

    def _arrived(self, at: datetime, view: PastView) -> None:
        self._reading.discard(at)
        self._views[at] = view
        while len(self._views) > KEPT:
            self._views.popitem(last=False)
        if self.moment == at:
            self._show(view)

    def _show(self, view: PastView) -> None:
        self.app.show_past(view)
        self.shown = view.at
