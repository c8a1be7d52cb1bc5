"""`cockpit plugins list`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cockpit import locations
from cockpit.cli import main

from .. import plugin_fakes


def test_plugins_list_shows_each_with_its_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin_fakes.install(tmp_path, monkeypatch)
    config = locations.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[plugins.recorder]\nenabled = true\n[plugins.exploding]\nenabled = true\n")
    assert main(["plugins", "list", "--json"]) == 1
    states = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert states["recorder"]["state"] == "enabled"
    assert states["recorder"]["kind"] == "notifier"
    assert states["recorder"]["distribution"] == "fakeplugs"
    assert states["exploding"]["state"] == "failed"
    assert states["flaky"]["state"] == "not enabled"
    config.write_text("[plugins.recorder]\nenabled = true\n")
    assert main(["plugins", "list"]) == 0
    out = capsys.readouterr().out
    assert any(line.startswith("recorder") and "enabled" in line for line in out.splitlines())


def test_cli_commands_load_notifiers_on_their_first_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    from datetime import UTC, datetime

    from cockpit.cli.plugins import lazy_notifiers
    from cockpit.services import notify
    from cockpit.services.notify import Notification

    plugin_fakes.install(tmp_path, monkeypatch)
    config = locations.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[plugins.recorder]\nenabled = true\n")
    loader = lazy_notifiers()
    try:
        assert loader.host is None and "fakeplug_good" not in sys.modules  # nothing yet
        at = datetime(2026, 11, 20, tzinfo=UTC)
        notify.publish(Notification("handoff_signed", "handoff-1", "alice to sam", at))
        notify.publish(Notification("incident_resolved", "INC-1", "fixed", at))
    finally:
        loader.close()
    received = sys.modules["fakeplug_good"].RECEIVED
    assert [n.subject for _, n in received] == ["handoff-1", "INC-1"]
    notify.publish(Notification("incident_resolved", "INC-2", "after close", at))
    assert len(received) == 2
    notify.unsubscribe_all()
