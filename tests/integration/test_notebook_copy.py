"""Moving in: a whole notebook copied SQLite -> PostgreSQL -> SQLite, every row and id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cockpit.model.checklist import TemplateItem
from cockpit.model.timeline import TimelineEvent
from cockpit.store import Notebook, open_notebook
from cockpit.store.copy import TABLES, CopyRefused, copy_notebook, row_counts
from cockpit.store.events import record_events
from cockpit.store.handoffs import create_draft, sign, tick
from tests.handoff_seed import seed_last_signed, seed_shift


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
    with open_notebook(path) as notebook:
        seed_last_signed(notebook)
        seed_shift(notebook)
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
    return path


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
