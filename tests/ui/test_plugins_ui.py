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


async def test_a_notifier_failing_in_its_thread_is_reported_in_the_app(
    make_app: Callable[..., CockpitApp],
    sample_config: Config,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import UTC, datetime

    from cockpit.services import notify
    from cockpit.services.notify import Notification

    plugin_fakes.install(tmp_path, monkeypatch)
    config = dataclasses.replace(sample_config, plugins={"flaky": PluginSettings(True)})
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        at = datetime(2026, 11, 20, tzinfo=UTC)
        notify.publish(Notification("incident_created", "bug", "a bug", at))
        assert app.plugins.flush(5)
        for _ in range(50):
            await pilot.pause(0.02)
            notes = [n.message for n in app._notifications if n.title == "Plugins"]
            if notes:
                break
        assert notes == ["Plugin flaky disabled: raised while delivering: KeyError: 'bug'"]
    assert not any(name == "plugin:flaky" for name, _ in notify._sinks)  # unhooked at exit
