"""What a silence catches before it is made, and silences named by a short id."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from cockpit.config import Config, Endpoint, OnCall
from cockpit.model.alerts import Alert
from cockpit.model.matchers import parse_matchers
from cockpit.model.silence_scope import SilenceIdError, blast_radius, resolve_silence_id
from cockpit.model.silences import Silence
from cockpit.services import alert_actions

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
CONFIG = Config(path=None, oncall=OnCall(me="alice"), alertmanager=Endpoint(url="http://am.test"))


def alert(name: str, **labels: str) -> Alert:
    return Alert(name=name, labels={"alertname": name, "service": "api", **labels})


ALERTS = [
    alert("HighErrorRate", severity="critical"),
    alert("HighErrorRate", severity="warning"),
    alert("HighCpu", severity="critical"),
    replace(alert("Pending"), state="pending"),
]


def test_negative_matcher_catches_everything_and_asks() -> None:
    radius = blast_radius(parse_matchers('alertname!="x"'), ALERTS)
    assert radius.catches_everything and radius.needs_confirmation
    assert radius.names == ("HighCpu", "HighErrorRate")  # the pending one is not caught now
    assert radius.describe() == (
        "catches 3 alerts now: HighCpu (1), HighErrorRate (2); it would catch every alert "
        "that lacks these labels, new ones too"
    )
    assert radius.reason() == "these matchers catch every alert"


def test_two_names_ask_one_name_does_not() -> None:
    two = blast_radius(parse_matchers('severity="critical"'), ALERTS)
    assert two.names == ("HighCpu", "HighErrorRate") and not two.catches_everything
    assert two.needs_confirmation and two.reason() == "these matchers catch 2 different alert names"
    one = blast_radius(parse_matchers('alertname="HighErrorRate"'), ALERTS)
    assert not one.needs_confirmation and one.reason() == ""
    assert one.describe() == "catches 2 alerts now: HighErrorRate (2)"
    none = blast_radius(parse_matchers('alertname="Later"'), ALERTS)
    assert none.describe() == "catches no alert now" and not none.needs_confirmation


def test_hostile_alert_names_are_printed_safely() -> None:
    radius = blast_radius(parse_matchers('service="api"'), [alert("Evil\x1b[2J")])
    assert "\x1b" not in radius.describe() and "Evil?[2J (1)" in radius.describe()


def silence(sid: str, state: str = "active") -> Silence:
    return Silence(sid, parse_matchers('alertname="X"'), NOW, NOW + timedelta(hours=1),
                   state=state)  # fmt: skip


SILENCES = [silence("87a9b425-1111"), silence("87a9c000-2222"), silence("0badf00d-3333")]


def test_short_id_resolves_and_ambiguous_or_unknown_is_refused() -> None:
    assert resolve_silence_id(SILENCES, "87a9b425").id == "87a9b425-1111"
    assert resolve_silence_id(SILENCES, "0BADF00D").id == "0badf00d-3333"
    assert resolve_silence_id(SILENCES, "0badf00d-3333").id == "0badf00d-3333"
    with pytest.raises(SilenceIdError) as ambiguous:
        resolve_silence_id(SILENCES, "87a9")
    assert "87a9b425-1111" in str(ambiguous.value) and "87a9c000-2222" in str(ambiguous.value)
    assert len(ambiguous.value.matches) == 2
    with pytest.raises(SilenceIdError, match="no silence has an id starting 'ffff'") as none:
        resolve_silence_id(SILENCES, "ffff")
    assert none.value.matches == ()
    with pytest.raises(SilenceIdError, match="empty"):
        resolve_silence_id(SILENCES, " ")


def alerts_api() -> list[dict[str, object]]:
    return [{"labels": dict(a.labels), "fingerprint": a.name} for a in ALERTS[:3]]


async def test_create_silence_asks_before_a_wide_silence_and_sends_nothing() -> None:
    posted: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            assert request.url.path == "/api/v2/alerts"
            return httpx.Response(200, json=alerts_api())
        posted.append(json.loads(request.content))
        return httpx.Response(200, json={"silenceID": "s-new"})

    wide = parse_matchers('alertname!="x"')
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as c:
        with pytest.raises(alert_actions.NeedsConfirmation) as asked:
            await alert_actions.create_silence(c, CONFIG, wide, timedelta(hours=1), "why", NOW)
        assert posted == []
        assert asked.value.radius.names == ("HighCpu", "HighErrorRate")
        assert "catch every alert" in str(asked.value)
        sid, radius = await alert_actions.create_silence(
            c, CONFIG, wide, timedelta(hours=1), "why", NOW, confirmed=True
        )
        assert sid == "s-new" and len(posted) == 1 and len(radius.alerts) == 3
        narrow = parse_matchers('alertname="HighCpu"')
        sid, radius = await alert_actions.create_silence(
            c, CONFIG, narrow, timedelta(hours=1), "why", NOW
        )
        assert radius.describe() == "catches 1 alert now: HighCpu (1)" and len(posted) == 2


async def test_find_silences_by_short_id() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        items = []
        for s in SILENCES:
            body = s.to_api()
            body["status"] = {"state": s.state}
            items.append(body)
        return httpx.Response(200, json=items)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as c:
        found = await alert_actions.find_silences(c, CONFIG, ["87a9b425", "87a9", "nope"])
    assert isinstance(found[0], Silence) and found[0].id == "87a9b425-1111"
    assert isinstance(found[1], alert_actions.UnknownSilence) and len(found[1].matches) == 2
    assert isinstance(found[2], alert_actions.UnknownSilence) and found[2].matches == ()
