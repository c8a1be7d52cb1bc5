"""Moving in: a whole notebook copied SQLite -> PostgreSQL -> SQLite, every row and id."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cockpit.cli import main
from cockpit.model.checklist import TemplateItem
from cockpit.model.incident_draft import LinkedAlert
from cockpit.model.run_lease import LeaseHolder
from cockpit.model.timeline import TimelineEvent
from cockpit.store import Notebook, open_notebook
from cockpit.store.announcements import claim_announcement
from cockpit.store.copy import TABLES, CopyRefused, copy_notebook, row_counts
from cockpit.store.events import record_events
from cockpit.store.handoffs import create_draft, sign, tick
from cockpit.store.incident_notes import add_note
from cockpit.store.incidents import link_alerts
from cockpit.store.probe_samples import ProbeSample, record_samples
from cockpit.store.recording_duty import DutyHolder, claim_duty
from cockpit.store.run_leases import take_lease
from tests.handoff_seed import ERR_LABELS, seed_last_signed, seed_shift


def _dump(notebook: Notebook) -> dict[str, list[tuple[object, ...]]]:
    dump: dict[str, list[tuple[object, ...]]] = {}
    for table in TABLES:
        rows = notebook.connection.execute(f"SELECT * FROM {table}").fetchall()
        dump[table] = sorted(
            (tuple(float(v) if isinstance(v, int | float) else v for v in row) for row in rows),
            key=repr,
        )
    return dump


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    path = tmp_path / "mine.sqlite3"
    with open_notebook(path, me="alice") as notebook:
        seed_last_signed(notebook)
        incidents = seed_shift(notebook)
        # A handoff signed with ticked items, then the open draft: a copy must keep the
        # signature, the ticks and the one unsigned handoff.
        template = [TemplateItem("outgoing", "Open incidents handed over"),
                    TemplateItem("incoming", "Pager works")]  # fmt: skip
        start, end = datetime(2026, 11, 20, 16, tzinfo=UTC), datetime(2026, 11, 27, 16, tzinfo=UTC)
        first = create_draft(
            notebook, outgoing="alice", incoming="bob", shift_start=start, shift_end=end,
            template=template, now=start,
        )  # fmt: skip
        tick(notebook, first.checklist[0].id, checked=True, by="alice", at=end)
        sign(notebook, first.id, by="bob", at=end, digest="# shift", closes_slot=False)
        create_draft(
            notebook, outgoing="bob", incoming="carol", shift_start=end,
            shift_end=end + timedelta(days=7), template=template, now=end,
        )  # fmt: skip
        _seed_the_other_kinds(notebook, incidents["open"], end)
        counts = row_counts(notebook)
    # The copy is checked on every kind of row the notebook keeps.
    assert [table for table, n in counts.items() if n == 0] == []
    assert set(counts) == set(TABLES)
    return path


def _seed_the_other_kinds(notebook: Notebook, incident: str, at: datetime) -> None:
    """A note, a linked alert, an announcement, a run's lease taken over, probe samples
    and the recording duty: the rows the shift seed does not make."""
    add_note(notebook, incident, "db-2 failed over\nwatching replication", at=at, author="alice")
    link_alerts(notebook, incident, [LinkedAlert("fp-err", "HighErrorRate", ERR_LABELS)], at=at)
    due = at + timedelta(minutes=30)
    claim_announcement(notebook, incident, "incident_status_update_due", due, at)
    [run] = notebook.connection.execute("SELECT id FROM runbook_runs").fetchall()
    sam = LeaseHolder("sam", "host-a", 123, "sam-token")
    take_lease(notebook, int(run[0]), sam, at - timedelta(minutes=5))
    take_lease(notebook, int(run[0]), LeaseHolder("alice", "host-b", 456, "alice-token"), at,
               take_over=True)  # fmt: skip
    record_samples(
        notebook,
        [ProbeSample("ready", at, "up", True, 12.5),
         ProbeSample("ready", at + timedelta(minutes=1), "down", False, None, "HTTP 503")],
    )  # fmt: skip
    claim_duty(notebook, DutyHolder("recorder", "host-c", 789), at)


def test_a_notebook_goes_to_postgresql_and_back_with_every_row_and_id(
    seeded: Path, pg_server: Any, tmp_path: Path
) -> None:
    url = pg_server.database()
    with open_notebook(seeded) as mine, open_notebook(url) as team:
        expected = _dump(mine)
        report = copy_notebook(mine, team)
        assert report.total == sum(row_counts(mine).values()) > 30
        assert row_counts(team) == row_counts(mine)
        assert _dump(team) == expected
    with open_notebook(url) as team, open_notebook(tmp_path / "back.sqlite3") as back:
        copy_notebook(team, back)
        assert _dump(back) == expected


def test_after_a_copy_new_rows_get_new_ids(seeded: Path, pg_server: Any) -> None:
    with open_notebook(seeded) as mine, open_notebook(pg_server.database()) as team:
        copy_notebook(mine, team)
        highest = team.connection.execute("SELECT max(id) FROM timeline_events").fetchone()[0]
        event = TimelineEvent(
            kind="note",
            occurred_at=datetime(2026, 12, 5, 6, 0, tzinfo=UTC),
            source="user",
            subject="after the move",
        )
        [new_id] = record_events(team, [event])
    assert new_id > highest


def test_a_non_empty_destination_is_refused_unless_merging_and_merging_twice_adds_nothing(
    seeded: Path, pg_server: Any
) -> None:
    url = pg_server.database()
    with open_notebook(seeded) as mine, open_notebook(url) as team:
        copy_notebook(mine, team)
        before = _dump(team)
        with pytest.raises(CopyRefused, match=r"is not empty \(incidents \d+.*--merge"):
            copy_notebook(mine, team)
        again = copy_notebook(mine, team, merge=True)
        assert again.total == 0
        assert sum(again.skipped.values()) == sum(row_counts(mine).values())
        assert _dump(team) == before


def test_a_merge_that_would_lose_a_row_is_refused_whole(
    seeded: Path, pg_server: Any, tmp_path: Path
) -> None:
    other = tmp_path / "theirs.sqlite3"
    with open_notebook(other) as theirs:
        record_events(
            theirs,
            [
                TimelineEvent(
                    kind="note",
                    occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
                    source="user",
                    subject="their note, id 1 like mine",
                )
            ],
        )
    url = pg_server.database()
    with open_notebook(seeded) as mine, open_notebook(url) as team:
        copy_notebook(mine, team)
        before = _dump(team)
        refused = pytest.raises(CopyRefused, match=r"timeline_events id=1 already exists")
        with open_notebook(other) as theirs, refused:
            copy_notebook(theirs, team, merge=True)
        assert _dump(team) == before


SHOWN_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _as_shown(
    target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, int], dict[str, Any]]:
    """What `cockpit notebook info --json` counts and what `incident show --json` shows
    of every incident, read from ``target`` (a file or the team's URL)."""
    monkeypatch.setenv("COCKPIT_NOTEBOOK", target)
    info = _cli_json(capsys, "notebook", "info")
    ids = [i["id"] for i in _cli_json(capsys, "incident", "list")]
    return info["rows"], {i: _cli_json(capsys, "incident", "show", i) for i in ids}


def test_the_cli_copies_every_kind_of_row_to_postgresql_and_back_and_shows_the_same(
    seeded: Path,
    pg_server: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = pg_server.database_name(pg_server.database())
    team = str(pg_server.role(f"copy_{database}", "copy-pw", database))
    monkeypatch.setenv("COCKPIT_SECRET_NOTEBOOK", "copy-pw")
    # `incident show` says how late an update is: from a fixed now, not the wall clock.
    monkeypatch.setattr("cockpit.cli.incident.utc_now", lambda: SHOWN_AT)
    back = str(tmp_path / "back.sqlite3")
    assert main(["notebook", "copy", str(seeded), team]) == 0
    assert main(["notebook", "copy", team, back]) == 0
    capsys.readouterr()
    rows, shown = _as_shown(str(seeded), monkeypatch, capsys)
    assert set(rows) == set(TABLES) and min(rows.values()) > 0
    assert len(shown) == 2 and all(s["timeline"] for s in shown.values())
    assert _as_shown(team, monkeypatch, capsys) == (rows, shown)
    assert _as_shown(back, monkeypatch, capsys) == (rows, shown)
