"""Bundled themes on the main screen, bad user theme files, and the remembered choice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cockpit import locations, themes
from cockpit.config import Config
from cockpit.ui.app import CockpitApp

from .test_main_screen import SIZE, _fill

BUNDLED = sorted(themes.load_themes()[0])


def test_every_bundled_theme_is_there() -> None:
    assert {"cockpit-dark", "cockpit-light", "cockpit-high-contrast"} <= set(BUNDLED)
    assert len(BUNDLED) >= 4


@pytest.mark.parametrize("theme", BUNDLED)
def test_snapshot_main_screen_in_theme(
    theme: str, snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.theme = theme
        await pilot.pause()
        _fill(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


async def test_bad_user_themes_are_reported_once_and_the_rest_load(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    folder = locations.user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text('name = "broken"\n[colors]\nprimary = "blue-ish"\n')
    (folder / "not-toml.toml").write_text("name = \n")
    (folder / "mine.toml").write_text('name = "mine"\n[colors]\nprimary = "#123456"\n')
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notes = [n for n in app._notifications if n.title == "Themes"]
        assert len(notes) == 1
        message = notes[0].message
        assert "2 theme file(s) skipped" in message
        assert "broken.toml: colors.primary: 'blue-ish' is not a colour" in message
        assert "not-toml.toml: not valid TOML" in message
        assert "mine" in app.available_themes
        assert app.theme == themes.DEFAULT_THEME
        await pilot.press("2")  # the cockpit works on
        assert app.focused is not None


async def test_theme_choice_is_remembered(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert themes.saved_theme() is None  # starting does not pin the default
        app.theme = "cockpit-light"
        await pilot.pause()
    assert themes.saved_theme() == "cockpit-light"
    again = make_app(sample_config)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "cockpit-light"


async def test_theme_command_in_palette_lists_bundled_themes(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE):
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Theme" in titles
        for name in BUNDLED:
            assert name in app.available_themes


async def test_a_saved_theme_that_is_gone_falls_back_to_the_default(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    themes.save_theme("deleted-theme")
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == themes.DEFAULT_THEME


async def _highlighted(pilot: Pilot[None], text: str) -> None:
    """Wait (bounded) until the palette's highlighted entry mentions ``text``."""
    from textual.command import CommandList

    for _ in range(100):
        await pilot.pause(0.05)
        lists = pilot.app.screen.query(CommandList)
        if lists:
            options = lists.first()
            index = options.highlighted
            if index is not None and text in str(options.get_option_at_index(index).prompt):
                return
    raise AssertionError(f"the palette never offered {text!r}")


async def test_switching_theme_from_the_command_palette(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"Theme")
        await _highlighted(pilot, "Theme")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"cockpit-night")
        await _highlighted(pilot, "cockpit-night")
        await pilot.press("enter")
        for _ in range(100):
            if app.theme == "cockpit-night" and themes.saved_theme() == "cockpit-night":
                break
            await pilot.pause(0.05)
        assert app.theme == "cockpit-night"
    assert themes.saved_theme() == "cockpit-night"
