"""News from the notebook's feed that arrives while the cockpit closes is dropped: the
panes it would reload are already gone (a crash at quit, seen once on CI, is what this
guards: the watcher's thread posted while the main screen was being taken down)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cockpit.config import Config
from cockpit.ui.app import CockpitApp
from cockpit.ui.live_notebook import NotebookWritten
from cockpit.ui.panes.timeline import TimelinePane

SIZE = (160, 48)


async def test_news_from_the_feed_while_closing_is_dropped(
    make_app: Callable[..., CockpitApp], sample_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(sample_config)

    def news_as_the_pane_goes(_pane: TimelinePane) -> None:
        app.post_message(NotebookWritten())  # what the watcher's thread may do just then

    monkeypatch.setattr(TimelinePane, "on_unmount", news_as_the_pane_goes, raising=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    # Leaving run_test takes the screens down while the app's loop still runs: the
    # news posted then must not end the app with an error (run_test re-raises it).
