"""Live across cockpits: what another cockpit (or the CLI) writes to the same notebook shows
here without a refresh key, on a SQLite file and on PostgreSQL; the handoff screen keeps
text typed here and says what another cockpit changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from textual.widgets import SelectionList, TextArea

from cockpit.config import Config
from cockpit.model.timeline import TimelineEvent
from cockpit.services.handoff_edits import save_sections
from cockpit.store import open_notebook
from cockpit.store.events import latest_events, record_events
from cockpit.store.handoffs import current_draft, get_handoff, tick
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.timeline import TimelinePane
from cockpit.ui.screens.handoff import HandoffScreen
from tests.waiting import until

from .conftest import FROZEN, frozen_clock

SIZE = (160, 48)


async def _until(pilot: object, condition: Callable[[], bool]) -> None:
    """Let the app run until ``condition`` holds (the watcher wakes within about a second;
    10 s is the bound)."""
    await until(pilot, "the change on the screen", condition)


async def test_a_note_written_elsewhere_shows_in_the_timeline(
    sample_config: Config, notebook_target: str | Path
) -> None:
    app = CockpitApp(
        sample_config, notebook_target, clock=frozen_clock, poll=False, cursor_blink=False
    )
    async with app.run_test(size=SIZE) as pilot:
        app.watch_notebook()  # on in a live cockpit; tests without polling start it here
        watcher = app.watcher
        assert watcher is not None
        await _until(pilot, watcher.watching.is_set)  # written after: only the feed shows it
        pane = app.query_one(TimelinePane)
        with open_notebook(notebook_target) as elsewhere:  # another cockpit, or the CLI
            record_events(
                elsewhere,
                [TimelineEvent(kind="note", occurred_at=FROZEN - timedelta(minutes=1),
                               source="user", subject="from bob's laptop",
                               body="rolled back the deploy", author="bob")],
            )  # fmt: skip
        await _until(
            pilot,
            lambda: any("rolled back the deploy" in e.body for e in pane.events_by_key.values()),
        )


async def test_the_handoff_screen_keeps_text_typed_here_and_says_what_changed_elsewhere(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HandoffScreen) and screen.handoff is not None
        notes = screen.query_one("#handoff-notes", TextArea)
        notes.focus()
        await pilot.press(*"mine")  # typed here, not saved yet (saves after a pause)
        with open_notebook(tmp_path / "data" / "cockpit.sqlite3") as elsewhere:
            draft = current_draft(elsewhere)
            assert draft is not None
            save_sections(elsewhere, draft.id, {"notes": "theirs", "at_risk": "db-2 disk"})
            first = draft.checklist[0]
            tick(elsewhere, first.id, checked=True, by="sam", at=FROZEN)
        shown: list[str] = []
        app.notify = lambda message, **_: shown.append(str(message))  # type: ignore[method-assign]
        screen.notebook_changed()
        await pilot.pause()
        # The section typed here keeps its text; the other section and the tick show.
        assert notes.text == "mine"
        assert screen.query_one("#handoff-at_risk", TextArea).text == "db-2 disk"
        checklist = screen.query_one(SelectionList)
        assert first.id in checklist.selected
        assert any("changed “notes” while you were typing" in m for m in shown)
        assert any("“at risk” was changed in another cockpit" in m for m in shown)
        screen.flush()  # last write wins, and the other side is told (it reloads too)
        with open_notebook(tmp_path / "data" / "cockpit.sqlite3") as elsewhere:
            saved = get_handoff(elsewhere, draft.id)
            kept = [e for e in latest_events(elsewhere) if e.kind == "note"]
        assert saved is not None and saved.notes == "mine" and saved.at_risk == "db-2 disk"
        # What "mine" replaced is not lost: it is a note on the timeline, in alice's name.
        assert len(kept) == 1 and kept[0].body.endswith("that text was:\ntheirs")
        assert kept[0].author == "alice"
