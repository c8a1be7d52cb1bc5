"""The alert use cases note what they did in the notebook themselves (issue 16): the
TUI hands them its open notebook, the CLI the file; a notebook that fails is reported in
the outcome and never undoes Alertmanager's change."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from cockpit.services import alert_actions
from cockpit.store import Notebook, open_notebook
from cockpit.store.acks import acks_for, active_acks
from cockpit.store.events import latest_events
from tests.unit.test_ack_once import ALERT, CONFIG, NOW, FakeAlertmanager, ack_silence


@pytest.fixture
def notebook(tmp_path: Path) -> Iterator[Notebook]:
    with open_notebook(tmp_path / "n.db") as opened:
        yield opened


async def test_an_ack_is_noted_in_the_open_notebook(notebook: Notebook) -> None:
    am = FakeAlertmanager([])
    async with am.client() as c:
        done = await alert_actions.ack(c, CONFIG, ALERT, NOW, notebook=notebook)
    assert done.created and done.unnoted is None
    assert [a.silence_id for a in active_acks(notebook, NOW)] == [done.silence_id]
    assert [e.kind for e in latest_events(notebook)] == ["alert_acked"]


async def test_an_ack_is_noted_in_the_notebook_file(tmp_path: Path) -> None:
    # The CLI's way: the file, opened for the one write and closed again.
    path = tmp_path / "cli.db"
    am = FakeAlertmanager([])
    async with am.client() as c:
        done = await alert_actions.ack(c, CONFIG, ALERT, NOW, notebook=path)
    assert done.unnoted is None
    with open_notebook(path) as reopened:
        assert [a.silence_id for a in acks_for(reopened, ALERT.fingerprint)] == [done.silence_id]


async def test_an_ack_the_notebook_refuses_still_stands_in_alertmanager(tmp_path: Path) -> None:
    am = FakeAlertmanager([])
    where = tmp_path / "not-a-dir"
    where.write_text("a file where a folder should be")
    async with am.client() as c:
        done = await alert_actions.ack(c, CONFIG, ALERT, NOW, notebook=where / "n.db")
    assert done.created and am.writes == ["POST new-0"]
    assert done.unnoted is not None


async def test_an_already_acked_alert_writes_nothing(notebook: Notebook) -> None:
    am = FakeAlertmanager([ack_silence("s-1")])
    async with am.client() as c:
        done = await alert_actions.ack(c, CONFIG, ALERT, NOW, notebook=notebook)
    assert not done.created
    assert latest_events(notebook) == []


async def test_an_unack_expires_and_notes_each_ack(notebook: Notebook) -> None:
    acks = [ack_silence("s-1"), ack_silence("s-2", by="carol")]
    am = FakeAlertmanager(acks)
    async with am.client() as c:
        done = await alert_actions.unack(c, CONFIG, ALERT, acks, NOW, notebook=notebook)
    assert done.expired == ("s-1", "s-2") and done.failed is None and done.unnoted is None
    assert am.writes == ["DELETE s-1", "DELETE s-2"]
    assert [e.kind for e in latest_events(notebook)] == ["alert_unacked", "alert_unacked"]


async def test_an_unack_stopped_by_alertmanager_says_what_it_did(notebook: Notebook) -> None:
    acks = [ack_silence("s-1")]
    am = FakeAlertmanager(acks)
    am.refuse_delete = True
    async with am.client() as c:
        done = await alert_actions.unack(c, CONFIG, ALERT, acks, NOW, notebook=notebook)
    assert done.expired == () and done.failed is not None
    assert latest_events(notebook) == []


async def test_a_locked_notebook_is_the_outcome_not_an_exception(notebook: Notebook) -> None:
    acks = [ack_silence("s-1")]
    am = FakeAlertmanager(acks)

    class Locked(Notebook):
        def __init__(self) -> None:  # no file: every write fails as a locked one would
            pass

        def transaction(self):  # type: ignore[no-untyped-def]
            raise sqlite3.OperationalError("database is locked")

    async with am.client() as c:
        done = await alert_actions.unack(c, CONFIG, ALERT, acks, NOW, notebook=Locked())
    assert done.expired == ("s-1",)
    assert isinstance(done.unnoted, sqlite3.OperationalError)


async def test_expiring_an_ack_silence_ends_the_ack_but_a_plain_silence_writes_nothing(
    notebook: Notebook,
) -> None:
    ack = ack_silence("s-1")
    plain = ack_silence("s-2", comment="maintenance window")
    am = FakeAlertmanager([ack, plain])
    async with am.client() as c:
        assert await alert_actions.expire_silence(c, CONFIG, plain, NOW, notebook=notebook) is None
        assert latest_events(notebook) == []
        assert await alert_actions.expire_silence(c, CONFIG, ack, NOW, notebook=notebook) is None
    assert [e.kind for e in latest_events(notebook)] == ["alert_unacked"]


async def test_extending_an_ack_moves_its_notebook_row(notebook: Notebook) -> None:
    first = FakeAlertmanager([])
    async with first.client() as c:
        acked = await alert_actions.ack(c, CONFIG, ALERT, NOW, notebook=notebook)
    am = FakeAlertmanager([acked.silence])
    async with am.client() as c:
        done = await alert_actions.extend(
            c, CONFIG, acked.silence, timedelta(hours=1), NOW, notebook=notebook
        )
    assert done.unnoted is None
    (row,) = active_acks(notebook, NOW)
    assert row.silence_id == done.silence_id and row.expires_at == done.ends_at


def test_silences_that_ended_become_events(notebook: Notebook) -> None:
    ended = [ack_silence("s-9", comment="maintenance", state="expired")]
    assert alert_actions.note_silences_expired(notebook, ended, NOW) is None
    assert [e.kind for e in latest_events(notebook)] == ["silence_expired"]
