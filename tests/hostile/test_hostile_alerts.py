"""Hostile alerts POSTed into a real Alertmanager: escape sequences (clear screen, window
title, clipboard write, conceal), bidi overrides, newlines and Rich markup in labels and
annotations. `cockpit alerts` prints them visibly, one row per alert, with no ESC or BEL;
the alerts pane and the alert detail show them visibly; `--json` keeps the raw values."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from cockpit import cli
from cockpit.config import Config, load
from cockpit.demo.stack import find_binary, free_port
from cockpit.model.text import visible
from cockpit.services.alert_poll import AlertPoller
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.screens.alert_detail import AlertDetailScreen
from tests.ui.conftest import make_app

__all__ = ["make_app"]  # a fixture, imported for this module

HOSTILE_SERVICES = {
    "clear": "\x1b[2J\x1b[H",
    "title": "\x1b]0;owned title\x07",
    "clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "newline": "api\nCRITICAL  FakeAlert  firing",
    "conceal": "\x1b[8mhidden\x1b[0m",
    "bidi": "evil\u202egnp.exe",
    "markup": "[bold]x[/bold] [link=http://evil.example]y[/link] [/]",
    "c1": "\x9b2J",
}
ANNOTATION = "line one\n\x1b[5mblink\x1b[0m \x1b]8;;http://evil.example\x07link\x1b]8;;\x07"
ALERTMANAGER_YML = "route:\n  receiver: none\n  group_wait: 0s\nreceivers:\n  - name: none\n"


@pytest.fixture(scope="module")
def alertmanager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = find_binary("alertmanager")
    if binary is None:
        if os.environ.get("COCKPIT_REQUIRE_REAL_STACK") == "1":
            pytest.fail("COCKPIT_REQUIRE_REAL_STACK=1 but alertmanager is not installed")
        pytest.skip("alertmanager not installed (Debian package prometheus-alertmanager)")
    work = tmp_path_factory.mktemp("am")
    (work / "am.yml").write_text(ALERTMANAGER_YML)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [binary, f"--config.file={work / 'am.yml'}", f"--storage.path={work / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
            "--log.level=warn"]  # fmt: skip
    with open(work / "am.log", "wb") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"alertmanager did not start: {(work / 'am.log').read_text()}")
            time.sleep(0.1)
        now = datetime.now(UTC)
        alerts = [
            {
                "labels": {"alertname": "Hostile", "severity": "critical", "kind": kind,
                           "service": value},
                "annotations": {"summary": f"summary {value}", "description": ANNOTATION},
                "startsAt": (now - timedelta(minutes=5)).isoformat(),
                "endsAt": (now + timedelta(hours=1)).isoformat(),
            }
            for kind, value in HOSTILE_SERVICES.items()
        ]  # fmt: skip
        alerts.append({
            "labels": {"alertname": "Markup[/]\x1b[2J", "severity": "warning"},
            "annotations": {"summary": "[red]not red[/red]"},
            "startsAt": (now - timedelta(minutes=1)).isoformat(),
        })  # fmt: skip
        httpx.post(f"{url}/api/v2/alerts", json=alerts, timeout=5).raise_for_status()
        deadline = time.monotonic() + 10
        while len(httpx.get(f"{url}/api/v2/alerts", timeout=2).json()) < len(alerts):
            assert time.monotonic() < deadline, "the alerts never showed in Alertmanager"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def config(alertmanager: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[oncall]\nme = "alice"\ntimezone = "UTC"\n\n[alertmanager]\nurl = "{alertmanager}"\n'
    )
    monkeypatch.setenv("COCKPIT_CONFIG", str(path))
    return load(path)


def test_cockpit_alerts_prints_hostile_labels_visibly_one_row_each(
    config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["alerts"]) == 0
    out, err = capsys.readouterr()
    for char in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert char not in out and char not in err, repr(char)
    lines = out.splitlines()
    assert len(lines) == 1 + len(HOSTILE_SERVICES) + 1  # the header, then one row per alert
    assert sum(line.startswith("critical") for line in lines) == len(HOSTILE_SERVICES)
    assert "service=\\x1b[2J\\x1b[H" in out
    assert "service=\\x1b]52;c;cm0gLXJmIH4=\\x07" in out
    assert "service=api\\nCRITICAL  FakeAlert  firing" in out
    assert "evil\\u202egnp.exe" in out
    assert "Markup[/]\\x1b[2J" in out


def test_cockpit_alerts_json_keeps_the_raw_values(
    config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["alerts", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # json.dumps escapes it
    services = {a["labels"].get("kind"): a["labels"].get("service") for a in json.loads(out)}
    assert {k: v for k, v in services.items() if k} == HOSTILE_SERVICES


async def test_the_alerts_pane_and_detail_show_hostile_labels_visibly(
    config: Config, make_app: Callable[..., CockpitApp]
) -> None:
    async with httpx.AsyncClient() as client:
        snapshot = await AlertPoller(config).poll(client)
    assert snapshot.freshness.error is None and len(snapshot.alerts) == len(HOSTILE_SERVICES) + 1
    app = make_app(config)
    async with app.run_test(size=(200, 50)) as pilot:
        pane = app.query_one(AlertsPane)
        pane.update_snapshot(snapshot, datetime.now(UTC))
        await pilot.pause()
        table = pane.table
        shown = [
            " | ".join(cell.plain for cell in table.get_row_at(row))
            for row in range(table.row_count)
        ]
        assert len(shown) == len(snapshot.alerts)
        text = "\n".join(shown)
        for char in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert char not in text, repr(char)
        assert all("\n" not in row for row in shown)
        assert "\\x1b[8mhidden\\x1b[0m" in text
        assert "[link=http://evil.example]y[/link]" in text  # shown as written, not a link
        # Each hostile alert in full (Enter on its row), and the detail's border title.
        app.action_focus_pane("alerts")
        keys = [str(k.value) for k in table.rows]
        for alert in snapshot.alerts:
            table.move_cursor(row=keys.index(alert.fingerprint))
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, AlertDetailScreen), screen
            body = _plain(screen.body)  # what its Static shows
            for char in ("\x1b", "\x07", "\x9b", "\u202e"):
                assert char not in body, (alert.labels, repr(char))
            assert "\\x1b[5mblink" in body or alert.name.startswith("Markup")
            # A border title is markup: it must parse, and read as the name made visible.
            drawn = screen.query_one("#alert-detail")._border_title  # the getter re-escapes
            title = drawn.plain if drawn else ""
            assert title == f"Alert {visible(alert.name)}" and "\x1b" not in title
            await pilot.press("escape")
            await pilot.pause()


def _plain(renderable: object) -> str:
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()
