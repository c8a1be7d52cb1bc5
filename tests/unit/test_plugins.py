"""The plugin contract: discovery without import, lazy loading, broken plugins disabled
with a message while the rest run, and the three hooks."""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from cockpit.config import Config, ConfigError, parse
from cockpit.model.conditions import parse_condition
from cockpit.plugins import host as plugin_host
from cockpit.plugins.host import ENABLED, FAILED, NOT_ENABLED, NOT_INSTALLED, PluginHost
from cockpit.services import alert_poll, notify
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.notify import Notification
from cockpit.sources import probes as probe_source

from .. import plugin_fakes

AT = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return plugin_fakes.install(tmp_path, monkeypatch)


@pytest.fixture
def reports() -> list[str]:
    return []


@pytest.fixture
def host(reports: list[str]) -> Iterator[PluginHost]:
    plugin_host_ = PluginHost(reports.append)
    yield plugin_host_
    plugin_host_.close()
    notify.unsubscribe_all()


def _config(text: str, tmp_path: Path) -> Config:
    return parse(tomllib.loads(text), tmp_path / "config.toml")


def _note(subject: str = "INC-1", kind: str = "incident_created") -> Notification:
    return Notification(kind, subject, "Checkout 5xx above 1 %", AT, severity="Sev2")


def test_discovery_lists_plugins_without_importing_them(site: Path) -> None:
    found = plugin_host.discover()
    assert found["exploding"].target == "fakeplug_exploding:Thing"
    assert found["exploding"].distribution == "fakeplugs"
    assert found["exploding"].version == "1.0"
    assert {"recorder", "fakekind", "fakesource"} <= set(found)
    assert not (site / "imported.marker").exists()
    assert not set(plugin_fakes.MODULES) & set(sys.modules)


def test_plugins_not_enabled_are_listed_and_not_imported(
    site: Path, host: PluginHost, tmp_path: Path
) -> None:
    assert host.load(_config("", tmp_path)) == []
    assert host.statuses["exploding"].state == NOT_ENABLED
    assert "[plugins.exploding] enabled = true" in host.statuses["exploding"].detail
    assert not (site / "imported.marker").exists()
    assert "fakeplug_good" not in sys.modules


def test_broken_plugins_are_disabled_with_a_message_and_the_others_run(
    site: Path, host: PluginHost, tmp_path: Path
) -> None:
    config = _config(
        """
        [plugins.exploding]
        enabled = true
        [plugins.notaplugin]
        enabled = true
        [plugins.raising]
        enabled = true
        [plugins.recorder]
        enabled = true
        label = "ops"
        [plugins.gone]
        enabled = true
        """,
        tmp_path,
    )
    messages = host.load(config)
    assert (site / "imported.marker").exists()  # it was tried, and failed
    status = host.statuses
    assert status["exploding"].state == FAILED
    assert status["exploding"].detail == (
        "failed to import fakeplug_exploding:Thing: RuntimeError: boom at import"
    )
    assert status["notaplugin"].state == FAILED
    assert "not a Notifier, AlertSource or ProbeKind subclass" in status["notaplugin"].detail
    assert status["raising"].detail == "raised while starting: ValueError: bad option"
    assert status["gone"].state == NOT_INSTALLED
    assert status["recorder"].state == ENABLED
    assert status["recorder"].kind == "notifier"
    assert len(messages) == 4
    assert "Plugin exploding disabled: failed to import" in messages[0]
    notify.publish(_note())
    assert host.flush(5)
    received = sys.modules["fakeplug_good"].RECEIVED
    assert [(label, n.subject) for label, n in received] == [("ops", "INC-1")]


def test_notifier_that_raises_is_disabled_and_plugin_error_only_reported(
    site: Path, host: PluginHost, reports: list[str], tmp_path: Path
) -> None:
    host.load(_config("[plugins.flaky]\nenabled = true\n", tmp_path))
    notify.publish(_note("expected"))
    assert host.flush(5)
    assert reports == ["Plugin flaky could not deliver incident_created: receiver said no"]
    assert host.enabled("flaky")
    notify.publish(_note("bug"))
    assert host.flush(5)
    assert reports[-1] == "Plugin flaky disabled: raised while delivering: KeyError: 'bug'"
    assert host.statuses["flaky"].state == FAILED
    notify.publish(_note("expected"))  # disabled: no more deliveries, no more reports
    assert host.flush(5)
    assert len(reports) == 2


async def test_probe_kind_hook_runs_plugin_schemes(
    site: Path, host: PluginHost, reports: list[str], tmp_path: Path
) -> None:
    config = _config(
        """
        [plugins.fakekind]
        enabled = true
        [[probe]]
        name = "fine"
        url = "fakekind://db.internal:5432"
        [[probe]]
        name = "bug"
        url = "fakekind://explode:1"
        """,
        tmp_path,
    )
    assert config.probes[0].conditions == ()  # the plugin brings its defaults
    host.load(config)
    async with httpx.AsyncClient() as client:
        fine = await probe_source.run_probe(client, config.probes[0], ())
        assert fine.ok and fine.conditions[0].text == "[CONNECTED] == true"
        bug = await probe_source.run_probe(client, config.probes[1], ())
        assert not bug.ok and bug.category == "plugin"
        assert bug.reason == "raised while probing: ZeroDivisionError"
        assert reports == ["Plugin fakekind disabled: raised while probing: ZeroDivisionError"]
        after = await probe_source.run_probe(client, config.probes[0], ())
        assert not after.ok and "no enabled plugin for fakekind://" in after.reason


def test_probe_scheme_needs_an_enabled_plugin_section(tmp_path: Path) -> None:
    text = '[[probe]]\nname = "x"\nurl = "fakekind://db:1"\n'
    with pytest.raises(ConfigError) as info:
        _config(text, tmp_path)
    assert info.value.problems[0].key == "probe[0].url"
    config = _config(text + "[plugins.fakekind]\nenabled = true\n", tmp_path)
    assert config.probes[0].url == "fakekind://db:1"


def test_plugin_options_never_hold_secrets(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        _config('[plugins.webhook]\nenabled = true\ntoken = "abc"\n', tmp_path)
    assert info.value.problems[0].key == "plugins.webhook.token"
    with pytest.raises(ConfigError) as info:
        _config('[plugins.webhook]\nenabled = "yes"\n', tmp_path)
    assert info.value.problems[0].key == "plugins.webhook.enabled"


async def test_alert_source_hook_joins_alerts_and_keeps_them_on_failure(
    site: Path, host: PluginHost, tmp_path: Path
) -> None:
    host.load(_config("[plugins.fakesource]\nenabled = true\n", tmp_path))
    assert "fakesource" in alert_poll.ALERT_SOURCES
    poller = AlertPoller(_config("", tmp_path))
    async with httpx.AsyncClient() as client:
        first = await poller.poll(client)
        assert [a.name for a in first.alerts] == ["FromPlugin"]
        second = await poller.poll(client)  # the source fails: its last alerts stay
        assert [a.name for a in second.alerts] == ["FromPlugin"]
        assert second.pending_error == "fakesource: second server unreachable"


def test_close_unhooks_everything(site: Path, tmp_path: Path) -> None:
    host = PluginHost()
    host.load(
        _config(
            "[plugins.fakekind]\nenabled = true\n[plugins.fakesource]\nenabled = true\n"
            "[plugins.recorder]\nenabled = true\n",
            tmp_path,
        )
    )
    assert "fakekind" in probe_source.PROBE_KINDS
    host.close()
    assert "fakekind" not in probe_source.PROBE_KINDS
    assert "fakesource" not in alert_poll.ALERT_SOURCES
    notify.publish(_note())
    assert sys.modules["fakeplug_good"].RECEIVED == []


def test_default_conditions_parse(site: Path) -> None:
    del site
    module: Any = __import__("fakeplug_good")
    for text in module.FakeKind.default_conditions:
        parse_condition(text)


def test_plugin_contract_and_theme_parsing_never_import_textual() -> None:
    import ast

    import cockpit

    package = Path(cockpit.__file__).parent
    for path in [*sorted((package / "plugins").glob("*.py")), package / "themes.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] == "textual" for n in names), path
