"""An ack is made once: a second ack of an acked alert says who acked it and sends
nothing; a renewal makes the new ack first, then expires the old one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from cockpit.config import Config, Endpoint, OnCall
from cockpit.model.alerts import Alert
from cockpit.model.matchers import Matcher
from cockpit.model.silences import Silence, ack_comment, exact, is_ack_for, live_acks, new_ack
from cockpit.services import alert_actions
from cockpit.store import Notebook, open_notebook
from cockpit.store.acks import active_acks, record_ack
from cockpit.store.events import latest_events

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
CONFIG = Config(path=None, oncall=OnCall(me="alice"), alertmanager=Endpoint(url="http://am.test"))
ALERT = Alert(
    name="HighErrorRate",
    labels={"alertname": "HighErrorRate", "severity": "critical", "service": "api"},
    fingerprint="abc123",
)


def ack_silence(sid: str, by: str = "bob", **changes: Any) -> Silence:
    made = new_ack(ALERT, by, NOW - timedelta(minutes=20), timedelta(hours=1))
    return replace(made, **{"id": sid, "state": "active", **changes})


class FakeAlertmanager:
    """Keeps silences like Alertmanager: POST adds one, DELETE expires it."""

    def __init__(self, silences: list[Silence]) -> None:
        self.silences = {s.id: s for s in silences}
        self.writes: list[str] = []
        self.refuse_delete = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            items = []
            for s in self.silences.values():
                body = s.to_api()
                body["id"], body["status"] = s.id, {"state": s.state}
                items.append(body)
            return httpx.Response(200, json=items)
        if request.method == "POST":
            body = json.loads(request.content)
            sid = f"new-{len(self.writes)}"
            self.writes.append(f"POST {sid}")
            self.silences[sid] = replace(
                ack_silence(sid), created_by=body["createdBy"], comment=body["comment"]
            )
            return httpx.Response(200, json={"silenceID": sid})
        sid = request.url.path.rsplit("/", 1)[1]
        self.writes.append(f"DELETE {sid}")
        if self.refuse_delete:
            return httpx.Response(500, text="boom")
        self.silences[sid] = replace(self.silences[sid], state="expired")
        return httpx.Response(200)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


def test_live_acks_count_karma_and_wider_acks_but_not_ended_or_plain_silences() -> None:
    mine = ack_silence("s-1")
    karma = replace(
        ack_silence("s-2"), comment="ACK! This alert was acknowledged using karma on x",
        ends_at=NOW + timedelta(hours=2),
    )  # fmt: skip
    wider = ack_silence("s-3", matchers=(Matcher("alertname", "=", "HighErrorRate"),))
    ended = ack_silence("s-4", ends_at=NOW - timedelta(seconds=1))
    expired = ack_silence("s-5", state="expired")
    plain = ack_silence("s-6", comment="maintenance")
    other = ack_silence("s-7", matchers=(Matcher("alertname", "=", "Other"),))
    found = live_acks(ALERT, [mine, karma, wider, ended, expired, plain, other], NOW)
    assert [s.id for s in found] == ["s-2", "s-1", "s-3"]  # latest end first
    assert is_ack_for(mine, ALERT) and is_ack_for(karma, ALERT)
    assert not is_ack_for(wider, ALERT) and not is_ack_for(plain, ALERT)


async def test_second_ack_creates_nothing_and_says_who_and_since() -> None:
    fake = FakeAlertmanager([])
    async with fake.client() as c:
        first = await alert_actions.ack(c, CONFIG, ALERT, NOW)
        second = await alert_actions.ack(c, CONFIG, ALERT, NOW + timedelta(minutes=3))
    assert first.created and not second.created
    assert second.silence_id == first.silence_id
    assert fake.writes == ["POST new-0"]
    assert second.already(UTC) == (
        f"already acked by alice since 15:40 (until 16:40, silence {first.silence_id[:8]})"
    )


async def test_ack_by_someone_else_in_karma_is_found() -> None:
    karma = ack_silence("s-karma", comment="ACK! This alert was acknowledged using karma on x")
    fake = FakeAlertmanager([karma])
    async with fake.client() as c:
        done = await alert_actions.ack(c, CONFIG, ALERT, NOW)
    assert not done.created and done.silence.created_by == "bob" and fake.writes == []


async def test_renew_creates_first_then_expires_only_exact_acks() -> None:
    old = ack_silence("s-old")
    wider = ack_silence("s-wide", matchers=(Matcher("service", "=", "api"),),
                        comment=ack_comment(NOW))  # fmt: skip
    fake = FakeAlertmanager([old, wider])
    async with fake.client() as c:
        done = await alert_actions.ack(c, CONFIG, ALERT, NOW, renew=True)
    assert done.created and done.silence.created_by == "alice"
    assert fake.writes == ["POST new-0", "DELETE s-old"]
    assert [s.id for s in done.replaced] == ["s-old"] and done.problems == ()
    assert fake.silences["s-wide"].state == "active"


async def test_renew_that_cannot_expire_the_old_ack_says_so() -> None:
    fake = FakeAlertmanager([ack_silence("s-old")])
    fake.refuse_delete = True
    async with fake.client() as c:
        done = await alert_actions.ack(c, CONFIG, ALERT, NOW, renew=True)
    assert done.created and done.replaced == ()
    [problem] = done.problems
    assert problem.startswith("older ack s-old not expired: HTTP 500")


@pytest.fixture
def store(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as opened:
        yield opened


def test_renewed_ack_replaces_the_old_row_and_says_renewed(store: Notebook) -> None:
    old = ack_silence("s-old")
    record_ack(store, ALERT, old, "s-old", NOW - timedelta(minutes=20))
    new = replace(new_ack(ALERT, "alice", NOW, timedelta(hours=1)), id="s-new")
    record_ack(store, ALERT, new, "s-new", NOW, replaces=[old])
    assert [a.silence_id for a in active_acks(store, NOW)] == ["s-new"]
    bodies = [e.body for e in latest_events(store) if e.kind == "alert_acked"]
    assert "HighErrorRate ack renewed by alice until 17:00 UTC (was acked by bob)" in bodies
    assert exact(ALERT.labels) == new.matchers
