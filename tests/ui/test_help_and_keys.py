"""`?` lists the focused pane's keys and the global ones; [keys] remaps bindings."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from cockpit.config import Config, ConfigError, parse
from cockpit.keymap import action_id, check_keymap
from cockpit.ui.app import ACTIONS, CockpitApp
from cockpit.ui.screens.help import HelpScreen

from .test_main_screen import SIZE, _fill


def _rows(app: CockpitApp) -> list[tuple[str, str, str]]:
    table = app.screen.query_one(DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]  # type: ignore[misc]


async def test_question_mark_lists_the_focused_panes_keys_then_global_ones(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.title_text == "Keys: Probes pane and global"
        rows = _rows(app)
        where = [w for _, _, w in rows]
        assert where[0] == "Probes"  # the pane's own (its table's) keys come first
        assert ("⏎", "Select", "Probes") in rows
        described = {(k, d) for k, d, w in rows if w == "global"}
        for key, action, description in ACTIONS:
            if action == "demo_fault":  # only in `cockpit demo`
                assert (key, description) not in described
            else:
                assert (key, description) in described
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


def test_snapshot_help_screen(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        _fill(pilot.app)  # type: ignore[arg-type]
        await pilot.press("2", "question_mark")
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


def _with_keys(config: Config, tmp_path: Path, text: str) -> Config:
    keys = parse(tomllib.loads(text), tmp_path / "config.toml").keys
    return dataclasses.replace(config, keys=keys)


async def test_keys_remapped_in_config(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    config = _with_keys(sample_config, tmp_path, '[keys]\ntoggle_pause = "space"\n')
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        assert not app.paused
        await pilot.press("space")
        assert app.paused
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Pause or resume refresh"] == "key: space"


def test_every_action_has_a_distinct_id() -> None:
    ids = [action_id(action) for _, action, _ in ACTIONS]
    assert len(ids) == len(set(ids))
    assert "focus_pane_slo" in ids and "toggle_pause" in ids and "show_help" in ids


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ('[keys]\npause_it = "p"\n', "keys.pause_it", "unknown action; actions: "),
        (
            '[keys]\ntoggle_pause = "r"\n',
            "keys.toggle_pause",
            "r is already the key of refresh_now",
        ),
        ('[keys]\nquit = "ctrl+p"\n', "keys.quit", "ctrl+p is kept for the command palette"),
        ('[keys]\nquit = "Ctrl Q"\n', "keys.quit", "'ctrl q' is not a key name"),
        ("[keys]\nquit = 3\n", "keys.quit", "expected a key like"),
    ],
)
def test_bad_keys_are_config_errors_naming_file_key_and_reason(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as info:
        parse(tomllib.loads(text), tmp_path / "config.toml")
    problem = info.value.problems[0]
    assert problem.file == str(tmp_path / "config.toml")
    assert problem.key == key
    assert reason in problem.reason


def test_swapping_two_keys_is_fine() -> None:
    assert check_keymap(ACTIONS, {"toggle_pause": "r", "refresh_now": "p"}) == []


async def test_main_screen_keys_wait_while_another_screen_is_open(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    from cockpit.ui.screens.incident_list import IncidentListScreen

    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IncidentListScreen)
        depth = len(app.screen_stack)
        # Opening keys do not pile screens up; pane keys do not reach the hidden panes.
        await pilot.press("i", "h", "w", "S", "N", "R", "1", "z")
        await pilot.pause()
        assert len(app.screen_stack) == depth
        assert isinstance(app.screen, IncidentListScreen)
        assert app.check_action("open_handoff", ()) is False
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1
        assert app.check_action("open_handoff", ()) is True
