"""A broken plugin at start-up: one notification, and the cockpit runs on."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from cockpit.config import Config, PluginSettings
from cockpit.plugins.host import ENABLED, FAILED
from cockpit.ui.app import CockpitApp

from .. import plugin_fakes
from .test_main_screen import SIZE


async def test_broken_plugin_is_disabled_with_a_message_and_the_app_runs(
    make_app: Callable[..., CockpitApp],
    sample_config: Config,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plugin_fakes.install(tmp_path, monkeypatch)
    plugins = {"exploding": PluginSettings(True), "recorder": PluginSettings(True)}
    app = make_app(dataclasses.replace(sample_config, plugins=plugins))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notes = [n for n in app._notifications if n.title == "Plugins"]
        assert len(notes) == 1
        assert notes[0].message.startswith("Plugin exploding disabled: failed to import")
        assert app.plugins.statuses["exploding"].state == FAILED
        assert app.plugins.statuses["recorder"].state == ENABLED
        await pilot.press("2")
        assert app.focused is not None
