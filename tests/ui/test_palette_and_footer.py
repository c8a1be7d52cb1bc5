"""Issue 14 item 8: the footer offers the fault key only in the demo; the palette has one
maximise command and only the bundled and user themes."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandPalette
from textual.widgets import Footer

from cockpit import locations, themes
from cockpit.config import Config
from cockpit.ui.app import CockpitApp, DemoInfo

SIZE = (160, 48)
FAULT = "Set a demo fault"


def _footer_keys(app: CockpitApp) -> set[str]:
    return {a.binding.key for a in app.screen.active_bindings.values() if a.binding.show}


async def test_the_fault_key_is_offered_only_in_the_demo(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE):
        assert app.query_one(Footer)
        assert "f" not in _footer_keys(app)
        assert {"z", "p", "r", "q"} <= _footer_keys(app)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert FAULT not in titles
    demo = make_app(sample_config, demo=DemoInfo("http://127.0.0.1:9"))
    async with demo.run_test(size=SIZE):
        assert "f" in _footer_keys(demo)
        assert FAULT in {c.title for c in demo.get_system_commands(demo.screen)}


async def test_one_maximise_command_in_the_palette(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")  # a pane is focused: Textual would offer its Maximize
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Maximize" not in titles and "Minimize" not in titles
        assert titles.count("Maximise or restore the focused pane") == 1
        await pilot.press("z")
        assert app.screen.maximized is not None
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Minimize" not in titles
        assert "Theme" in titles and "Quit" in titles


async def test_the_theme_picker_offers_bundled_and_user_themes_only(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    folder = locations.user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\n[colors]\nprimary = "#123456"\n')
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        expected = set(themes.load_themes()[0])
        assert "mine" in expected
        assert set(app.available_themes) == expected
        assert "textual-dark" not in app.available_themes
        app.action_change_theme()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
