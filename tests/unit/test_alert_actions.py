"""Silences, acks and their error paths, against httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from cockpit.config import Auth, Config, Endpoint, OnCall
from cockpit.model.alerts import Alert, groups_by_fingerprint, rules_from_prometheus
from cockpit.model.matchers import parse_matchers
from cockpit.model.silences import (
    ack_of,
    display_state,
    ended_since,
    expiring_acks,
    from_api,
    index,
    is_ack_comment,
    matches_no_alert,
)
from cockpit.services import alert_actions
from cockpit.services.alert_actions import ActionRefused
from cockpit.sources import alertmanager
from cockpit.sources.alertmanager import AlertmanagerRefused
from cockpit.sources.errors import SourceError

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
AM = Endpoint(url="http://am.test")
CONFIG = Config(path=None, oncall=OnCall(me="alice"), alertmanager=AM)
ALERT = Alert(
    name="HighErrorRate",
    labels={"alertname": "HighErrorRate", "severity": "critical", "service": "api"},
    fingerprint="abc123",
    state="firing",
)
Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def test_ack_posts_karma_shaped_silence_for_exact_labels() -> None:
    sent: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v2/silences"
        if request.method == "GET":
            return httpx.Response(200, json=[])
        assert request.method == "POST"
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"silenceID": "s-1"})

    async with client(handler) as c:
        done = await alert_actions.ack(c, CONFIG, ALERT, NOW, note="on it")
    assert done.created and done.silence_id == "s-1" and done.silence.id == "s-1"
    body = sent[0]
    assert body["createdBy"] == "alice"
    assert str(body["comment"]).startswith("ACK! This alert was acknowledged using cockpit on ")
    assert str(body["comment"]).endswith(": on it")
    assert body["endsAt"] == (NOW + timedelta(hours=1)).isoformat()
    assert body["matchers"] == [
        {"name": k, "value": v, "isRegex": False, "isEqual": True}
        for k, v in sorted(ALERT.labels.items())
    ]


async def test_refusal_message_is_shown() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=[])
        return httpx.Response(400, json="silence invalid: end time must not be in the past")

    async with client(handler) as c:
        with pytest.raises(AlertmanagerRefused, match="end time must not be in the past"):
            await alert_actions.ack(c, CONFIG, ALERT, NOW)


async def test_read_only_refuses_before_sending() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent in read-only mode")

    config = replace(CONFIG, read_only=True)
    async with client(handler) as c:
        with pytest.raises(ActionRefused, match="read-only"):
            await alert_actions.ack(c, config, ALERT, NOW)
        with pytest.raises(ActionRefused, match="read-only"):
            await alert_actions.expire(c, config, "s-1")
        with pytest.raises(ActionRefused, match="read-only"):
            await alert_actions.create_silence(
                c, config, parse_matchers("a=b"), timedelta(hours=1), "x", NOW
            )


async def test_new_silence_needs_comment_and_real_matchers() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("refused input must not be sent")

    async with client(handler) as c:
        with pytest.raises(ActionRefused, match="comment"):
            await alert_actions.create_silence(
                c, CONFIG, parse_matchers("a=b"), timedelta(hours=1), "  ", NOW
            )
        with pytest.raises(ActionRefused, match="every alert"):
            await alert_actions.create_silence(
                c, CONFIG, parse_matchers('a=~".*"'), timedelta(hours=1), "why", NOW
            )
        with pytest.raises(ActionRefused, match="duration"):
            await alert_actions.create_silence(
                c, CONFIG, parse_matchers("a=b"), timedelta(0), "why", NOW
            )


async def test_expire_sends_delete_and_unknown_id_is_refused() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/nope"):
            return httpx.Response(404, text="silence not found")
        return httpx.Response(200)

    async with client(handler) as c:
        await alert_actions.expire(c, CONFIG, "s-1")
        with pytest.raises(AlertmanagerRefused, match=r"404.*silence not found"):
            await alert_actions.expire(c, CONFIG, "nope")
    assert seen[0] == "DELETE /api/v2/silence/s-1"


async def test_connection_refused_and_auth_headers() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("All connection attempts failed") from ConnectionRefusedError()

    async with client(down) as c:
        with pytest.raises(SourceError, match="connection refused"):
            await alertmanager.fetch_silences(c, AM)

    def check_auth(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer t0ken"
        if request.method == "GET":
            return httpx.Response(200, json=[])
        return httpx.Response(200, json={"silenceID": "x"})

    monkey_config = replace(CONFIG, alertmanager=replace(AM, auth=Auth("bearer", "AM_TOKEN")))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COCKPIT_SECRET_AM_TOKEN", "t0ken")
        async with client(check_auth) as c:
            await alert_actions.ack(c, monkey_config, ALERT, NOW)


async def test_silences_that_are_not_a_list_are_an_error() -> None:
    async with client(lambda r: httpx.Response(200, json={"x": 1})) as c:
        with pytest.raises(SourceError, match="is this Alertmanager"):
            await alertmanager.fetch_silences(c, AM)
        with pytest.raises(SourceError, match="is this Alertmanager"):
            await alertmanager.fetch_groups(c, AM)


def _silence(sid: str, comment: str, ends: timedelta, state: str = "active") -> dict[str, object]:
    return {
        "id": sid,
        "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False}],
        "startsAt": (NOW - timedelta(minutes=30)).isoformat(),
        "endsAt": (NOW + ends).isoformat(),
        "createdBy": "bob",
        "comment": comment,
        "status": {"state": state},
    }


def test_ack_state_owner_and_expiry_warning() -> None:
    ack = from_api(
        _silence("s-ack", "ACK! This alert was acknowledged using karma on x", timedelta(minutes=5))
    )
    plain = from_api(_silence("s-plain", "maintenance", timedelta(hours=2)))
    assert ack is not None and plain is not None
    silences = index([ack, plain])
    acked = replace(ALERT, state="silenced", silenced_by=("s-ack",))
    silenced = replace(ALERT, state="silenced", silenced_by=("s-plain",))
    assert display_state(acked, silences) == "acked"
    assert display_state(silenced, silences) == "silenced"
    info = ack_of(acked, silences)
    assert info is not None and info.owner == "bob"
    assert expiring_acks([acked, silenced], silences, NOW, timedelta(minutes=10)) == [(acked, info)]
    assert expiring_acks([acked], silences, NOW, timedelta(minutes=4)) == []
    assert is_ack_comment("  ACK! x") and not is_ack_comment("ack")


def test_silence_matching_no_alert_and_ended() -> None:
    s = from_api(_silence("s1", "x", timedelta(hours=1)))
    assert s is not None
    assert not matches_no_alert(s, [ALERT])
    assert matches_no_alert(s, [replace(ALERT, labels={"alertname": "Other"})])
    gone = replace(s, state="expired")
    assert ended_since([s], [gone]) == [gone]
    assert ended_since([s], []) == [s]
    assert ended_since([gone], [gone]) == []
    assert from_api({"id": "x"}) is None


def test_groups_and_rules() -> None:
    groups = [
        {"labels": {"alertname": "A", "service": "api"}, "alerts": [{"fingerprint": "f1"}]},
        {"labels": {}, "alerts": [{"fingerprint": "f2"}, {"fingerprint": "f1"}]},
    ]
    assert groups_by_fingerprint(groups) == {
        "f1": "alertname=A service=api",
        "f2": "(no group labels)",
    }
    rules = rules_from_prometheus(
        {"groups": [{"name": "g", "rules": [
            {"type": "alerting", "name": "A", "health": "err", "lastError": "bad"},
            {"type": "recording", "name": "r"},
        ]}]}
    )  # fmt: skip
    assert [(r.name, r.health, r.last_error) for r in rules] == [("A", "err", "bad")]


def test_cli_refuses_bad_filter_and_read_only(
    capsys: pytest.CaptureFixture[str], tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    from pathlib import Path

    from cockpit import cli

    assert cli.main(["alerts", "--filter", 'severity="critical']) == 2
    assert "position 10" in capsys.readouterr().err
    config = Path(os.environ["COCKPIT_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('read_only = true\n[alertmanager]\nurl = "http://127.0.0.1:9"\n')
    assert cli.main(["ack", "abc"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert cli.main(["silence", "add", "a=b", "--comment", "x"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert cli.main(["ack", "abc", "--for", "soon"]) == 2
    assert "--for" in capsys.readouterr().err


def test_cli_says_cannot_tell_when_alertmanager_is_down(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import os
    from pathlib import Path

    from cockpit import cli
    from cockpit.demo.stack import free_port

    config = Path(os.environ["COCKPIT_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[alertmanager]\nurl = "http://127.0.0.1:{free_port()}"\ntimeout = "2s"\n')
    assert cli.main(["alerts", "--json"]) == 2
    assert "Cannot tell: Alertmanager: connection refused" in capsys.readouterr().err
    assert cli.main(["silence", "list"]) == 2
    assert "connection refused" in capsys.readouterr().err
    assert cli.main(["ack", "abc"]) == 2
    assert "connection refused" in capsys.readouterr().err
