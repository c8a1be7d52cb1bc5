"""What panes, screens and controllers may read of the cockpit app, typed.

``CockpitContext`` is the app's base class: it names the state they read (config, the
notebook and its reader, the clock and zone, whether the app polls or is paused, the
shared HTTP client, the notices) and the few things they ask of the app (reload the
timeline, refresh now, follow an incident). ``CockpitApp`` fills it in. Everything under
ui/ depends on this module, never on ui/app.py, so the app can import its panes and
screens without a cycle. A pane or screen reaches it through ``cockpit_of(self.app)``
(``Pane.cockpit`` says it shorter), which says clearly when a widget was mounted in some
other app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx
from textual.app import App

from cockpit.config import Config
from cockpit.services.runbook_catalog import RunbookEntry
from cockpit.store import Notebook
from cockpit.ui.catalog_read import CatalogRead
from cockpit.ui.notebook_reads import NotebookReads
from cockpit.ui.notices import Notices
from cockpit.ui.outside_text import VisibleNotifications


class CockpitContext(VisibleNotifications):
    """The cockpit app as its panes and screens see it (``CockpitApp`` sets every field
    in its ``__init__``)."""

    config: Config
    notebook_target: Path | str | None  # where the notebook is; None: no notebook at all
    notebook: Notebook | None  # the open notebook, None when it could not be opened
    notebook_reads: NotebookReads | None  # reads on the notebook thread, off the UI thread
    clock: Callable[[], datetime]  # every "now" on screen comes from here
    timezone: tzinfo
    paused: bool
    viewing: datetime | None = None  # time travel: the past moment shown, None when live
    poll: bool  # False in tests: no poll cycles, no timers that read the notebook
    http: httpx.AsyncClient | None  # the shared client while polling
    notices: Notices
    catalog: CatalogRead | None = None  # the runbook catalogue's read, from the mount on

    @property
    def read_only(self) -> str | None:
        """Why this cockpit cannot write now (ui/read_only.py), or None: it shows the past
        (time travel), or its notebook's role may only read."""
        if self.viewing is not None:
            return "this is the past (L returns to live)"
        return self.notebook.read_only if self.notebook is not None else None

    def runbook_entries(self) -> list[RunbookEntry]:
        """The runbook catalogue (waiting for its read, which starts at the mount, if it
        has not ended yet)."""
        return self.catalog.entries() if self.catalog is not None else []

    def refresh_timeline(self) -> None:
        """Read the timeline pane's view now (after a write)."""
        raise NotImplementedError

    def refresh_timeline_later(self, *, announce: bool = False) -> None:
        """Read it on the notebook thread, then show it (the pane's clock tick)."""
        raise NotImplementedError

    def action_refresh_now(self) -> None:
        """Start every source's poll cycle now (after a write to Alertmanager)."""
        raise NotImplementedError

    def travel_to(self, moment: datetime) -> None:
        """Show the main screen as it was at ``moment`` (time travel), closing the screens
        on top of it."""
        raise NotImplementedError

    def follow_incident(self, incident_id: str | None) -> None:
        """Point the timeline pane at this incident (None: the most severe open one)."""
        raise NotImplementedError


def cockpit_of(app: App[object]) -> CockpitContext:
    """The running app as a ``CockpitContext``; a clear error in any other app."""
    if not isinstance(app, CockpitContext):
        raise TypeError(
            f"this widget needs the cockpit app (a CockpitContext), not {type(app).__name__}"
        )
    return app


@runtime_checkable
class ReloadsOnChange(Protocol):
    """A screen that shows notebook rows and reloads them when another cockpit writes
    (the app calls it on the UI thread)."""

    def notebook_changed(self) -> None: ...
