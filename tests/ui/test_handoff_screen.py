"""The handoff screen (before and after sign-off, notes saved as you type, refusals) and
the weekly review screen: Pilot tests and snapshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static, TextArea

from cockpit.config import Config
from cockpit.store import open_notebook
from cockpit.store.handoffs import current_draft, last_signed
from cockpit.ui.app import CockpitApp
from cockpit.ui.header import OnCallHeader
from cockpit.ui.screens.handoff import HandoffScreen, SignOffScreen
from cockpit.ui.screens.review import ReviewScreen
from tests import handoff_seed as seed
from tests.waiting import notebook_reads_done

SIZE = (160, 48)


def _now() -> Any:
    return seed.NOW


def _seeded_app(make_app: Callable[..., CockpitApp], config: Config, tmp_path: Path) -> CockpitApp:
    database = tmp_path / "data" / "cockpit.sqlite3"
    with open_notebook(database) as store:
        # The UI's roster is [alice, sam] from the default anchor: sam took over on 13 Nov.
        seed.seed_last_signed(store, "alice", "sam")
        seed.seed_shift(store)
    app = make_app(config, clock=_now)
    app.recording.alerts = seed.live().alerts  # what the last alert poll saw
    return app


def _digest_text(app: CockpitApp) -> str:
    return str(app.screen.query_one("#handoff-digest-text", Static).render())


async def test_handoff_screen_shows_the_digest_and_saves_ticks_and_notes(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    app = _seeded_app(make_app, sample_config, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        text = _digest_text(app)
        assert "`DiskFull`" in text and "`HighErrorRate`" in text and "INC-" in text
        assert "not known: silences: live refresh is off" in text
        checklist = screen.query_one(SelectionList)
        checklist.focus()
        await pilot.press("space")  # the first item: the outgoing engineer's
        notes = screen.query_one("#handoff-notes", TextArea)
        notes.focus()
        await pilot.press(*"db-2 ok")
        await pilot.pause()
        screen.flush()  # what the save delay's timer calls; called, not waited for
        assert app.notebook is not None
        draft = current_draft(app.notebook)
        assert draft is not None
        assert draft.notes == "db-2 ok"
        first = draft.checklist[0]
        assert (first.checked, first.checked_by, first.part) == (True, draft.outgoing, "outgoing")
        assert "db-2 ok" in _digest_text(app)


async def test_notes_typed_just_before_quitting_are_kept(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    app = _seeded_app(make_app, sample_config, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        app.screen.query_one("#handoff-time_critical", TextArea).focus()
        await pilot.press(*"renew cert")
        app.exit()  # well inside the save delay
    with open_notebook(tmp_path / "data" / "cockpit.sqlite3") as store:
        draft = current_draft(store)
        assert draft is not None and draft.time_critical == "renew cert"


async def test_sign_off_refuses_the_outgoing_then_signs_read_only(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    app = _seeded_app(make_app, sample_config, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HandoffScreen) and screen.handoff is not None
        outgoing, incoming = screen.handoff.outgoing, screen.handoff.incoming
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SignOffScreen)
        name = app.screen.query_one(Input)
        assert name.value == incoming
        name.value = outgoing
        await pilot.press("enter")
        await pilot.pause()
        error = str(app.screen.query_one("#sign-off-error", Static).render())
        assert f"Refused: {outgoing} is the outgoing engineer" in error
        name.value = str(incoming)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.handoff.signed and screen.handoff.signed_by == incoming
        assert screen.query_one("#handoff-notes", TextArea).read_only
        assert screen.query_one(SelectionList).disabled
        assert f"signed by {incoming}" in _digest_text(app)
        await pilot.press("ctrl+s")  # signing again is refused with the reason
        await pilot.pause()
        assert not isinstance(app.screen, SignOffScreen)
        assert app.notebook is not None
        signed = last_signed(app.notebook)
        assert signed is not None and signed.signed_by == incoming
        assert signed.digest == _digest_text(app)
        # The header's reminder is gone once the handoff is signed (the app reads the
        # signature on its notebook thread when the dialog closes).
        await notebook_reads_done(pilot)
        header = app.query_one(OnCallHeader)
        header.refresh_text()
        assert header.reminder is None


async def test_n_opens_the_shift_notes_ready_to_type(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    app = _seeded_app(make_app, sample_config, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"paged twice")
        await pilot.press("escape")  # closing saves at once
        await pilot.pause()
        assert not isinstance(app.screen, HandoffScreen)
        assert app.notebook is not None
        draft = current_draft(app.notebook)
        assert draft is not None and draft.notes == "paged twice"


async def test_past_handoffs_open_read_only(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    app = _seeded_app(make_app, sample_config, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HandoffScreen) and screen.handoff is not None
        assert screen.handoff.signed_by == "sam"  # the seeded one
        assert _digest_text(app) == "# old"
        assert screen.query_one("#handoff-notes", TextArea).read_only


async def test_header_names_now_next_and_reminds(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    app = _seeded_app(make_app, sample_config, tmp_path)
    async with app.run_test(size=SIZE):
        header = app.query_one(OnCallHeader)
        text = str(header.render())
        assert "· next: " in text
        # Within the hour the badge takes the place of the plain handoff time.
        assert "HANDOFF IN 30m (h opens it)" in text
        assert "handoff Fri 17:00" not in text
        assert header.has_class("-handoff")


async def test_reminder_notifies_when_it_starts(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    from datetime import timedelta

    with open_notebook(tmp_path / "data" / "cockpit.sqlite3") as store:
        seed.seed_last_signed(store, "alice", "sam")  # last week's handoff was signed
    now = [seed.NOW - timedelta(hours=2)]  # 14:30 Berlin: no reminder yet
    app = make_app(sample_config, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        header = app.query_one(OnCallHeader)
        header.refresh_text()  # the notebook is open now: its signatures count
        assert header.reminder is None and not header.has_class("-handoff")
        now[0] = seed.NOW  # 16:30 Berlin, half an hour before the handoff
        header.refresh_text()
        await pilot.pause()
        assert header.reminder is not None and header.reminder.kind == "soon"
        assert [n.message for n in app._notifications] == [
            "Handoff at 17:00: the digest and checklist are under h."
        ]
        header.refresh_text()  # once per reminder, not every second
        now[0] = seed.NOW + timedelta(minutes=31)
        header.refresh_text()
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == (
            "It is handoff time (17:00): open the handoff with h."
        )
        assert len(app._notifications) == 2


async def test_review_screen_moves_between_weeks(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    app = _seeded_app(make_app, sample_config, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = str(app.screen.query_one("#review-text", Static).render())
        assert "Weekly review 2026-W47" in text and "Sev2: 1" in text
        await pilot.press("left_square_bracket")
        text = str(app.screen.query_one("#review-text", Static).render())
        assert "Weekly review 2026-W46" in text and "Sev3: 1" in text
        await pilot.press("right_square_bracket", "right_square_bracket")
        text = str(app.screen.query_one("#review-text", Static).render())
        assert "Weekly review 2026-W47" in text  # not a week that has not happened
        assert any("current week" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        assert not isinstance(app.screen, ReviewScreen)


def test_snapshot_handoff_before_sign_off(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("h")
        await pilot.pause()
        pilot.app.screen.query_one(SelectionList).focus()
        await pilot.press("space", "down", "space")
        area = pilot.app.screen.query_one("#handoff-at_risk", TextArea)
        area.focus()
        await pilot.press(*"db-2 replica lags")
        await pilot.pause()
        pilot.app.screen.flush()  # type: ignore[attr-defined]  # the save delay's timer
        await pilot.pause()

    app = _seeded_app(make_app, sample_config, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_handoff_after_sign_off(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    app = _seeded_app(make_app, sample_config, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_weekly_review(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Path
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("w")
        await pilot.pause()

    app = _seeded_app(make_app, sample_config, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_busy_notebook_is_reported_not_a_crash(
    make_app: Callable[..., CockpitApp],
    sample_config: Config,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    # Notebook.transaction re-raises SQLite's own errors ("database is locked" while another
    # cockpit writes): every write and read of the screens says so and carries on.
    import sqlite3

    from cockpit.services import handoff_edits
    from cockpit.ui.screens import handoff as handoff_screen
    from cockpit.ui.screens import review as review_screen

    def locked(*args: object, **kwargs: object) -> Any:
        raise sqlite3.OperationalError("database is locked")

    app = _seeded_app(make_app, sample_config, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        monkeypatch.setattr(handoff_edits, "save_text", locked)  # the writes are the service's
        monkeypatch.setattr(handoff_edits, "tick", locked)
        monkeypatch.setattr(handoff_screen, "build_digest", locked)
        screen.query_one("#handoff-notes", TextArea).focus()
        await pilot.press(*"db-2")
        await pilot.pause()
        screen.flush()  # the save fails: the text is kept for the next try
        assert screen._pending["notes"] == "db-2"
        screen.query_one(SelectionList).focus()
        await pilot.press("space")
        await pilot.pause()
        assert "notebook is busy" in _digest_text(app)
        assert screen._sign("bob") is not None  # refused with the reason, not raised
        messages = [n.message for n in app._notifications]
        assert any("Could not save the handoff notes" in m and "busy" in m for m in messages)
        assert any("Could not save the tick" in m for m in messages)
        monkeypatch.undo()
        await pilot.press("escape")  # closing writes the kept text
        await pilot.pause()
        assert app.notebook is not None
        draft = current_draft(app.notebook)
        assert draft is not None and draft.notes == "db-2"
        monkeypatch.setattr(review_screen, "build_review", locked)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = str(app.screen.query_one("#review-text", Static).render())
        assert "could not be read: database is locked" in text
