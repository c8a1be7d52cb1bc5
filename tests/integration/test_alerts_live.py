"""Alerts, acks and silences against the real Alertmanager and Prometheus, through the CLI."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cockpit import cli, locations
from cockpit.config import Config, load
from cockpit.demo.stack import DemoStack
from cockpit.store import open_notebook
from cockpit.store.events import latest_events
from tests.waiting import until

from .conftest import wait_for
from .waiting import LIVE


@pytest.fixture
def config(stack: DemoStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Config]:
    assert stack.config_path is not None and stack.alertmanager_url is not None
    monkeypatch.setenv("COCKPIT_CONFIG", str(stack.config_path))
    yield load(stack.config_path)
    # Whatever a test silenced must not mute alerts for the tests after it.
    for item in httpx.get(f"{stack.alertmanager_url}/api/v2/silences", timeout=5).json():
        if item["status"]["state"] != "expired":
            httpx.delete(f"{stack.alertmanager_url}/api/v2/silence/{item['id']}", timeout=5)


def cockpit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def alerts_json(capsys: pytest.CaptureFixture[str], *filters: str) -> list[dict[str, Any]]:
    args = ["alerts", "--json"] + [f"--filter={f}" for f in filters]
    code, out, err = cockpit(capsys, *args)
    assert code == 0, err
    result: list[dict[str, Any]] = json.loads(out)
    return result


def amtool(stack: DemoStack, *argv: str) -> str:
    binary = shutil.which("amtool")
    if binary is None:
        if os.environ.get("COCKPIT_REQUIRE_REAL_STACK") == "1":
            pytest.fail("COCKPIT_REQUIRE_REAL_STACK=1 but amtool is not installed")
        pytest.skip("amtool not installed (Debian package prometheus-alertmanager)")
    done = subprocess.run(
        [binary, f"--alertmanager.url={stack.alertmanager_url}", *argv],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return done.stdout


def am_silences(stack: DemoStack) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = httpx.get(
        f"{stack.alertmanager_url}/api/v2/silences", timeout=5
    ).json()
    return body


def test_fault_fires_ack_shows_everywhere_and_unack_expires(
    stack: DemoStack,
    config: Config,
    faults: Callable[..., str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 5 %, not 50 %: the session stack's 30-day availability SLI must stay above 90 %
    # for the SLO tests, whatever order the tests run in.
    faults("error-rate=5%")

    def critical() -> dict[str, Any] | None:
        found = alerts_json(capsys, 'alertname="HighErrorRate"', "severity=critical")
        return next((a for a in found if a["state"] == "firing"), None)

    alert = wait_for("HighErrorRate critical in `cockpit alerts`", critical)
    fingerprint = alert["fingerprint"]

    code, out, err = cockpit(
        capsys, "ack", fingerprint[:8], "--for", "30m", "--comment", "looking", "--json"
    )
    assert code == 0, err
    silence_id = json.loads(out)["silenceID"]

    # The Alertmanager API has it, with the ack marker and the configured user.
    [silence] = [s for s in am_silences(stack) if s["id"] == silence_id]
    assert silence["status"]["state"] == "active"
    assert silence["createdBy"] == config.oncall.me
    assert silence["comment"].startswith("ACK! This alert was acknowledged using cockpit on ")
    assert silence["comment"].endswith(": looking")
    assert {m["name"]: m["value"] for m in silence["matchers"]} == alert["labels"]

    # amtool shows the same silence, marker included.
    queried = json.loads(amtool(stack, "silence", "query", "-o", "json"))
    [same] = [s for s in queried if s["id"] == silence_id]
    assert same["comment"].startswith("ACK!") and same["createdBy"] == config.oncall.me

    # The cockpit shows the alert as acked, with its owner.
    def acked() -> dict[str, Any] | None:
        found = alerts_json(capsys, "severity=critical", 'alertname="HighErrorRate"')
        return next((a for a in found if a["state"] == "acked"), None)

    shown = wait_for("the alert shown as acked", acked, timeout=15)
    assert shown["ack"]["owner"] == config.oncall.me
    assert shown["ack"]["silenceID"] == silence_id
    code, out, _ = cockpit(capsys, "alerts", '--filter=alertname="HighErrorRate"')
    assert code == 0 and out.startswith("SEVERITY")
    [row] = [line for line in out.splitlines() if fingerprint in line]
    assert row.split()[:3] == ["critical", "HighErrorRate", "acked"]
    assert f" {config.oncall.me} " in row

    code, out, err = cockpit(capsys, "unack", fingerprint)
    assert code == 0, err
    [after] = [s for s in am_silences(stack) if s["id"] == silence_id]
    assert after["status"]["state"] == "expired"
    active_ids = [s["id"] for s in json.loads(amtool(stack, "silence", "query", "-o", "json"))]
    assert silence_id not in active_ids

    with open_notebook(locations.database_file()) as store:
        kinds = {(e.kind, e.fingerprint) for e in latest_events(store)}
    assert ("alert_acked", fingerprint) in kinds
    assert ("alert_unacked", fingerprint) in kinds


def test_amtool_silence_shows_in_the_cockpit_and_expires(
    stack: DemoStack, config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    silence_id = amtool(
        stack, "silence", "add", "alertname=NoSuchAlert", "service=demo-api",
        "--author=bob", "--comment=maintenance window", "--duration=1h",
    ).strip()  # fmt: skip
    code, out, err = cockpit(capsys, "silence", "list", "--json")
    assert code == 0, err
    [listed] = [s for s in json.loads(out) if s["id"] == silence_id]
    assert listed["createdBy"] == "bob" and listed["comment"] == "maintenance window"
    assert listed["state"] == "active" and not listed["ack"]
    assert listed["matchesNoAlert"] is True
    assert 'alertname="NoSuchAlert"' in listed["matchers"]

    code, out, err = cockpit(capsys, "silence", "expire", silence_id)
    assert code == 0, err
    [after] = [s for s in am_silences(stack) if s["id"] == silence_id]
    assert after["status"]["state"] == "expired"


def test_bad_matcher_is_refused_before_sending(
    stack: DemoStack, config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(am_silences(stack))
    code, _, err = cockpit(capsys, "silence", "add", 'service="demo-api', "--comment", "x")
    assert code == 2
    assert "position 9" in err and "unterminated" in err
    code, _, err = cockpit(capsys, "silence", "add", "service=demo-api", "--comment", " ")
    assert code == 2 and "needs a comment" in err
    assert len(am_silences(stack)) == before
    code, _, err = cockpit(capsys, "silence", "expire", "not-a-silence-id")
    assert code == 1 and "no silence has an id starting 'not-a-silence-id'" in err


def test_cockpit_silence_add_reaches_amtool(
    stack: DemoStack, config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cockpit(
        capsys, "silence", "add", 'alertname=~"Nothing.*"', "--for", "20m",
        "--comment", "planned", "--json",
    )  # fmt: skip
    assert code == 0, err
    silence_id = json.loads(out)["silenceID"]
    queried = json.loads(amtool(stack, "silence", "query", "-o", "json"))
    [same] = [s for s in queried if s["id"] == silence_id]
    assert same["comment"] == "planned"
    assert same["matchers"][0]["isRegex"] is True


def test_pending_alert_shows_as_pending(
    config: Config, faults: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    # RedisLatencyHigh holds 10 s (`for: 10s`) before it fires: until then only
    # Prometheus knows it, as pending.
    faults("redis-latency=20ms")

    def pending() -> dict[str, Any] | None:
        found = alerts_json(capsys, 'alertname="RedisLatencyHigh"')
        return next((a for a in found if a["state"] == "pending"), None)

    alert = wait_for("RedisLatencyHigh pending", pending, timeout=20)
    assert alert["fingerprint"] == "" and alert["severity"] == "warning"


async def test_ack_and_unack_from_the_screen(
    stack: DemoStack, config: Config, faults: Callable[..., str], tmp_path: Any
) -> None:
    from cockpit.ui.alerts_controller import write_key
    from cockpit.ui.app import CockpitApp
    from cockpit.ui.panes.alerts import AlertsPane

    # 5 %, not 50 %: the session stack's 30-day availability SLI must stay above 90 %
    # for the SLO tests, whatever order the tests run in.
    faults("error-rate=5%")
    app = CockpitApp(config, tmp_path / "ui.sqlite3")
    async with app.run_test(size=(160, 48)) as pilot:
        pane = app.query_one(AlertsPane)

        def row_of(state: str) -> str | None:
            for key in pane.table.rows:
                cells = [str(c) for c in pane.table.get_row(key)]
                if cells[1] == "HighErrorRate" and cells[0] == "critical" and cells[4] == state:
                    return str(key.value)
            return None

        await until(pilot, "HighErrorRate firing in the pane", lambda: row_of("firing"), LIVE)
        fingerprint = row_of("firing")
        app.action_focus_pane("alerts")
        keys = [str(k.value) for k in pane.table.rows]
        pane.table.move_cursor(row=keys.index(str(fingerprint)))
        await pilot.press("a")

        def ack_silences() -> list[dict[str, Any]]:
            return [
                s for s in am_silences(stack)
                if s["status"]["state"] == "active" and s["comment"].startswith("ACK!")
            ]  # fmt: skip

        await until(pilot, "the ack silence in Alertmanager", ack_silences, LIVE)
        [silence] = ack_silences()
        assert silence["createdBy"] == config.oncall.me
        await until(pilot, "the row shown as acked", lambda: row_of("acked"), LIVE)
        row = [str(c) for c in pane.table.get_row(str(fingerprint))]
        assert row[6].startswith(f"{config.oncall.me} ")
        # A poll can show the ack before the ack's own write has ended; an unack pressed
        # then is refused ("still being sent"), as it must be: wait for the write's end.
        shown = app.alert_control.snapshot()
        assert shown is not None
        [acked] = [a for a in shown.alerts if a.fingerprint == fingerprint]
        writes, key = app.alert_control.writes, write_key(acked)
        await until(pilot, "the ack's write to end", lambda: not writes.busy(key), LIVE)

        await pilot.press("u")
        await until(pilot, "the ack silence expired", lambda: not ack_silences(), LIVE)
        await until(pilot, "the row firing again", lambda: row_of("firing"), LIVE)


@pytest.fixture
def test_alerts(stack: DemoStack) -> Iterator[Callable[..., list[dict[str, Any]]]]:
    """Alerts sent straight to the real Alertmanager (as Prometheus would), with a label
    of this test's own; they are resolved afterwards."""
    run = uuid.uuid4().hex[:8]
    sent: list[dict[str, Any]] = []

    def send(*names: str) -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        for name in names:
            sent.append({
                "labels": {"alertname": name, "severity": "warning", "run": run},
                "annotations": {"summary": f"{name} for a test"},
                "startsAt": now.isoformat(), "endsAt": (now + timedelta(minutes=10)).isoformat(),
            })  # fmt: skip
        httpx.post(f"{stack.alertmanager_url}/api/v2/alerts", json=sent, timeout=5)

        def arrived() -> list[dict[str, Any]] | None:
            found = [
                a for a in httpx.get(f"{stack.alertmanager_url}/api/v2/alerts", timeout=5).json()
                if a["labels"].get("run") == run
            ]  # fmt: skip
            return found if len(found) == len(sent) else None

        return wait_for("the test alerts in Alertmanager", arrived, timeout=15)

    yield send
    now = datetime.now(UTC).isoformat()
    ended = [{**a, "endsAt": now} for a in sent]
    httpx.post(f"{stack.alertmanager_url}/api/v2/alerts", json=ended, timeout=5)


def ack_silences_for(stack: DemoStack, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The live ACK! silences for exactly ``labels``, as amtool lists them."""
    queried = json.loads(amtool(stack, "silence", "query", "-o", "json"))
    return [
        s for s in queried
        if s["comment"].startswith("ACK!")
        and {m["name"]: m["value"] for m in s["matchers"]} == labels
    ]  # fmt: skip


def test_ack_twice_leaves_one_ack_and_force_renews_it(
    stack: DemoStack,
    config: Config,
    test_alerts: Callable[..., list[dict[str, Any]]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    [alert] = test_alerts("AckOnce")
    fingerprint, labels = alert["fingerprint"], alert["labels"]
    code, out, err = cockpit(capsys, "ack", fingerprint, "--json")
    assert code == 0, err
    first = json.loads(out)
    code, out, err = cockpit(capsys, "ack", fingerprint[:10])
    assert code == 0, err
    [only] = ack_silences_for(stack, labels)  # amtool sees exactly one ack
    assert only["id"] == first["silenceID"] and first["created"] is True
    assert f"is already acked by {config.oncall.me} since " in out
    assert "nothing created; --force renews it" in out

    code, out, err = cockpit(capsys, "ack", fingerprint, "--force", "--json")
    assert code == 0, err
    renewed = json.loads(out)
    assert renewed["created"] is True and renewed["replaced"] == [first["silenceID"]]
    [only] = ack_silences_for(stack, labels)
    assert only["id"] == renewed["silenceID"] != first["silenceID"]
    with open_notebook(locations.database_file()) as store:
        acked = [e for e in latest_events(store) if e.kind == "alert_acked"]
    assert sum(e.fingerprint == fingerprint for e in acked) == 2  # the ack and its renewal


def test_silence_expire_takes_the_short_id(
    stack: DemoStack, config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    silence_id = amtool(
        stack, "silence", "add", "alertname=NoSuchAlert", "--author=bob",
        "--comment=short id", "--duration=1h",
    ).strip()  # fmt: skip
    code, out, err = cockpit(capsys, "silence", "expire", silence_id[:8])
    assert code == 0, err
    assert out.strip() == f"expired {silence_id}"
    [after] = [s for s in am_silences(stack) if s["id"] == silence_id]
    assert after["status"]["state"] == "expired"
    code, out, err = cockpit(capsys, "silence", "expire", silence_id[:8])
    assert code == 0 and out.strip() == f"{silence_id} had already expired"


def test_wide_silence_shows_what_it_catches_and_needs_a_yes(
    stack: DemoStack,
    config: Config,
    test_alerts: Callable[..., list[dict[str, Any]]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test_alerts("WideOne", "WideTwo")
    before = len(am_silences(stack))
    code, _, err = cockpit(capsys, "silence", "add", 'alertname!="x"', "--comment", "oops")
    assert code == 2
    assert "these matchers catch every alert" in err and "WideOne (1), WideTwo (1)" in err
    assert "add --yes to create it anyway" in err
    assert len(am_silences(stack)) == before

    # On a terminal it asks; no is no.
    from cockpit.cli import silences as cli_alerts

    monkeypatch.setattr(cli_alerts, "interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, _, err = cockpit(capsys, "silence", "add", 'alertname=~"Wide.*"', "--comment", "c")
    assert code == 2 and "2 different alert names" in err and "Create this silence? [y/N]" in err
    assert len(am_silences(stack)) == before
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out, err = cockpit(capsys, "silence", "add", 'alertname=~"Wide.*"', "--comment", "c")
    assert code == 0, err
    assert "catches 2 alerts now: WideOne (1), WideTwo (1)" in out
    assert len(am_silences(stack)) == before + 1

    monkeypatch.setattr(cli_alerts, "interactive", lambda: False)
    code, out, err = cockpit(
        capsys, "silence", "add", 'alertname="WideOne"', "--comment", "one name", "--json"
    )
    assert code == 0, err  # one alert name: no question
    assert json.loads(out)["catches"]["names"] == ["WideOne"]
