"""What keeps UI tests steady: the app's text cursors do not blink when the app is told
so (the test fixture does), and the app's "now" is the clock it was given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from textual.widgets import Input, TextArea

from cockpit.config import Config
from cockpit.model.incident_draft import IncidentDraft
from cockpit.services import incidents as service
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.incident_detail import IncidentDetailScreen

from .conftest import FROZEN

SIZE = (160, 48)


async def _detail(app: CockpitApp) -> IncidentDetailScreen:
    assert app.notebook is not None
    draft = IncidentDraft(title="API down", severity="Sev2", detected_at=FROZEN)
    incident = service.create_from_draft(app.notebook, draft, now=FROZEN).id
    screen = IncidentDetailScreen(incident)
    await app.push_screen(screen)
    return screen


async def test_focused_fields_do_not_blink_in_a_test_app(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _detail(app)
        await pilot.pause()
        title = screen.query_one("#field-title", Input)
        assert title.has_focus and title.cursor_blink is False and title._cursor_visible
        area = screen.query_one("#field-impact", TextArea)
        area.focus()
        await pilot.pause()
        assert area.cursor_blink is False and area._cursor_visible


async def test_fields_blink_for_a_user(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config, cursor_blink=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _detail(app)
        await pilot.pause()
        assert screen.query_one("#field-title", Input).cursor_blink is True


async def test_a_failed_cycle_is_stamped_with_the_app_clock(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)

    async def broken(client: Any) -> None:
        raise RuntimeError("boom")

    async with app.run_test(size=SIZE):
        app.http = httpx.AsyncClient()
        try:
            app._alerts.poll = broken  # type: ignore[method-assign]
            await app.polling.driver.run_once("alerts")
        finally:
            await app.http.aclose()
            app.http = None
        assert app._alerts.freshness.last_attempt == FROZEN
