"""Incident screens and the timeline pane: Pilot tests on state and the notebook, and
snapshots (frozen clock, no polling)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TextArea

from cockpit.config import Config
from cockpit.model.incident_draft import IncidentDraft, LinkedAlert
from cockpit.services import incidents as service
from cockpit.store import Notebook
from cockpit.store.events import record_events
from cockpit.store.incident_changes import update_fields
from cockpit.store.incident_notes import StatusUpdate, add_action_item, add_note, add_update
from cockpit.store.incidents import require_incident
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.timeline import TimelinePane
from cockpit.ui.screens import incident_detail
from cockpit.ui.screens.incident_detail import IncidentDetailScreen
from cockpit.ui.screens.incident_editors import NoteEditor
from cockpit.ui.screens.incident_form import IncidentFormScreen
from cockpit.ui.screens.incident_list import IncidentListScreen
from tests.waiting import notebook_reads_done

from . import sample_data
from .conftest import FROZEN

SIZE = (160, 48)
M = timedelta(minutes=1)
ALERT = LinkedAlert(
    "fp-HighErrorRate-critical", "HighErrorRate",
    {"alertname": "HighErrorRate", "severity": "critical", "service": "demo-api"},
)  # fmt: skip


def seed_late_incident(store: Notebook) -> str:
    """A Sev1 detected 40 min ago, last status update 20 min ago: late by 5 min."""
    record_events(store, sample_data.timeline_events())
    draft = IncidentDraft(
        title="Checkout 5xx above 1 %", severity="Sev1", components=("demo-api",),
        detected_at=FROZEN - 40 * M, alerts=(ALERT,),
        description="Checkout requests fail with 5xx for about 5 % of users.",
    )  # fmt: skip
    record = service.create_from_draft(store, draft, now=FROZEN - 39 * M, author="alice")
    service.acknowledge(store, record.id, at=FROZEN - 36 * M, responder="alice")
    service.move(store, record.id, "investigating", at=FROZEN - 30 * M, author="alice",
                 note="error ratio climbing")  # fmt: skip
    add_note(store, record.id, "pool exhausted in db logs\nsee dashboard", at=FROZEN - 25 * M,
             author="sam")  # fmt: skip
    add_update(store, record.id, StatusUpdate("5 % of checkouts fail", "rolling back 1.42",
               "DBA to check replica"), at=FROZEN - 20 * M, author="alice")  # fmt: skip
    return record.id


def seed_many(store: Notebook) -> list[str]:
    late = seed_late_incident(store)
    sev3 = service.create_from_draft(
        store, IncidentDraft(title="Search slow for some users", severity="Sev3",
                             components=("search",), detected_at=FROZEN - 10 * M),
        now=FROZEN - 10 * M, author="sam",
    ).id  # fmt: skip
    sev2 = service.create_from_draft(
        store, IncidentDraft(title="Payments timeouts", severity="Sev2",
                             detected_at=FROZEN - 300 * M), now=FROZEN, author="sam",
    ).id  # fmt: skip
    service.resolve(store, sev2, "provider fixed their gateway", at=FROZEN - 200 * M)
    sev4 = service.create_from_draft(
        store, IncidentDraft(title="Log gaps in staging", severity="Sev4",
                             detected_at=FROZEN - 600 * M), now=FROZEN, author="sam",
    ).id  # fmt: skip
    service.resolve(store, sev4, "agent restarted", at=FROZEN - 590 * M)
    service.move(store, sev4, "closed", at=FROZEN - 580 * M)
    return [late, sev3, sev2, sev4]


def _store(app: CockpitApp) -> Notebook:
    assert app.notebook is not None
    return app.notebook


def _rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row(key)] for key in table.rows]


# -- timeline pane ------------------------------------------------------------------------


def test_snapshot_timeline_with_a_late_status_update(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app: CockpitApp = pilot.app  # type: ignore[assignment]
        seed_late_incident(_store(app))
        app.refresh_timeline()
        await pilot.press("3", "z")
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


async def test_timeline_shows_the_incident_in_time_order_and_marks_late(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident = seed_late_incident(_store(app))
        app.refresh_timeline()
        await pilot.pause()
        pane = app.query_one(TimelinePane)
        assert pane.shown_incident == incident
        assert "status update LATE by 5m00s" in str(pane.border_title)
        assert pane.has_class("-update-late")
        kinds = [row[1] for row in _rows(pane.table)]
        assert kinds == [
            "status change", "incident linked", "status change", "status change", "note",
            "update", "alert fired", "probe down",
        ]  # fmt: skip
        times = [row[0] for row in _rows(pane.table)]
        assert times == sorted(times)
        # Filter by type: t cycles all -> status -> notes & updates -> alerts ...
        await pilot.press("3", "t", "t")
        assert [row[1] for row in _rows(pane.table)] == ["note", "update"]
        assert "showing notes & updates" in str(pane.border_title)
        await pilot.press("t")
        assert [row[1] for row in _rows(pane.table)] == ["alert fired"]
        # A structured update restarts the countdown.
        await pilot.press("u")
        assert app.screen.__class__.__name__ == "UpdateEditor"
        app.screen.query_one("#update-conditions", TextArea).text = "stable"
        app.screen.query_one("#update-actions", TextArea).text = "watching"
        await pilot.press("ctrl+s")
        assert not pane.has_class("-update-late")
        assert "next update in 15m00s" in str(pane.border_title)


async def test_note_is_in_the_database_before_the_key_press_returns(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident = seed_late_incident(_store(app))
        app.refresh_timeline()
        assert app.notebook_target is not None

        def notes_on_disk() -> list[str]:
            # A second connection sees only what is committed.
            conn = sqlite3.connect(app.notebook_target)  # type: ignore[arg-type]
            try:
                rows = conn.execute(
                    "SELECT body FROM notes WHERE incident_id = ? ORDER BY id", (incident,)
                ).fetchall()
            finally:
                conn.close()
            return [r[0] for r in rows]

        before = notes_on_disk()
        await pilot.press("3", "n")
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        editor.query_one(TextArea).text = "first line\nsecond line"
        # The save handler itself commits: checked with no await in between.
        editor.action_save()
        assert notes_on_disk() == [*before, "first line\nsecond line"]
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        # Through the key, too; an empty note is refused and the editor stays open.
        await pilot.press("n")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"typed", "enter", *"note", "ctrl+s")
        assert notes_on_disk()[-1] == "typed\nnote"
        pane = app.query_one(TimelinePane)
        assert any(row[2] == "typed / note" for row in _rows(pane.table))


async def test_note_without_an_incident_says_what_to_do(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "n")
        assert not isinstance(app.screen, NoteEditor)
        assert any("No incident to write on" in str(n.message) for n in app._notifications)


# -- list ---------------------------------------------------------------------------------


def test_snapshot_incident_list(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        seed_many(_store(pilot.app))  # type: ignore[arg-type]
        await pilot.press("i")
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


async def test_list_orders_flags_and_opens(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, IncidentListScreen)
        message = screen.query_one(".pane-message")
        assert message.display and "No incidents recorded yet" in str(message.render())
        await pilot.press("escape")
        late, sev3, sev2, sev4 = seed_many(_store(app))
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, IncidentListScreen)
        rows = _rows(screen.query_one(DataTable))
        assert [r[0] for r in rows] == [late, sev3, sev2, sev4]
        assert rows[0][5] == "status update late"
        assert rows[2][5] == "postmortem due"
        assert rows[3][5] == ""
        await pilot.press("down", "f")
        assert app.query_one(TimelinePane).incident_id == sev3
        await pilot.press("enter")
        assert isinstance(app.screen, IncidentDetailScreen)
        assert app.screen.incident_id == sev3


# -- detail -------------------------------------------------------------------------------


def test_snapshot_incident_detail(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app: CockpitApp = pilot.app  # type: ignore[assignment]
        store = _store(app)
        incident = seed_late_incident(store)
        update_fields(store, incident, {"commander": "sam", "impact": "5 % of checkouts",
                                        "suspected_cause": "db pool exhausted"})  # fmt: skip
        add_action_item(store, incident, "Alert on pool saturation", owner="sam")
        app.push_screen(IncidentDetailScreen(incident))
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


async def test_detail_edits_moves_and_exports(
    make_app: Callable[..., CockpitApp], sample_config: Config, tmp_path: Any
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        store = _store(app)
        incident = seed_late_incident(store)
        await app.push_screen(IncidentDetailScreen(incident))
        screen = app.screen
        screen.query_one("#field-title", Input).value = "Checkout down"
        screen.query_one("#field-commander", Input).value = "sam"
        screen.query_one("#field-components", Input).value = "demo-api, checkout"
        screen.query_one("#field-root_cause", TextArea).text = "pool too small"
        screen.query_one("#field-severity", Select).value = "Sev2"
        await pilot.press("ctrl+s")
        record = require_incident(store, incident)
        assert (record.title, record.commander, record.root_cause, record.severity) == (
            "Checkout down", "sam", "pool too small", "Sev2",
        )  # fmt: skip
        assert record.components == ("checkout", "demo-api")
        # Refused move: the message names the allowed ones and nothing changes.
        move_to = screen.query_one("#move-to", Select)
        assert [v for _, v in move_to._options if isinstance(v, str)] == [
            "mitigated", "resolved",
        ]  # fmt: skip
        move_to.value = "resolved"
        screen.query_one("#move-note", Input).value = "rolled back"
        await pilot.press("ctrl+t")
        record = require_incident(store, incident)
        assert (record.status, record.resolved_at) == ("resolved", FROZEN)
        # Empty title refused.
        screen.query_one("#field-title", Input).value = " "
        await pilot.press("ctrl+s")
        assert require_incident(store, incident).title == "Checkout down"
        assert any("needs a title" in str(n.message) for n in app._notifications)
        # Action item by Enter; report copied and saved.
        screen.query_one("#action-what", Input).value = "Raise pool size"
        screen.query_one("#action-due", Input).value = "2026-12-01"
        screen.query_one("#action-what", Input).focus()
        await pilot.press("enter")
        items = screen.query_one("#action-items", DataTable)
        assert _rows(items) == [["[ ]", "Raise pool size", "—", "2026-12-01", "—"]]
        items.focus()
        await pilot.press("enter")
        assert _rows(items)[0][0] == "[x]"
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("ctrl+r")
        assert copied and copied[0].startswith(f"# Postmortem: {incident} Checkout down")
        assert "| Raise pool size | — | 2026-12-01 |" in copied[0]
        target = tmp_path / "report.md"
        screen.query_one("#report-template", Select).value = "db"
        screen.query_one("#report-path", Input).value = str(target)
        await pilot.press("ctrl+o")
        assert target.read_text().startswith("# Incident report (DB outage)")
        screen.query_one("#postmortem", Input).value = "https://wiki/pm/1"
        await pilot.press("ctrl+k")
        assert require_incident(store, incident).postmortem_done


# -- form ---------------------------------------------------------------------------------


def test_snapshot_incident_form_prefilled_from_an_alert(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    draft = IncidentDraft(
        title="HighErrorRate: 5xx ratio above 1 %", severity="Sev2",
        description="5xx ratio above 1 % (now 4.8%)", components=("demo-api",),
        detected_at=FROZEN - 12 * M, alerts=(ALERT,),
    )  # fmt: skip

    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(IncidentFormScreen(draft))
        await pilot.pause()

    assert snap_compare(make_app(sample_config), terminal_size=SIZE, run_before=run_before)


def test_snapshot_incident_form_blank(
    snap_compare: Any, make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    assert snap_compare(make_app(sample_config), terminal_size=SIZE, press=["N"])


async def test_form_creates_from_a_draft_and_refuses_an_empty_title(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        assert isinstance(app.screen, IncidentFormScreen)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, IncidentFormScreen)
        assert _store(app).connection.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
        await pilot.press("escape")
        draft = IncidentDraft(title="HighErrorRate", severity="Sev2", components=("demo-api",),
                              detected_at=FROZEN - 12 * M, alerts=(ALERT,))  # fmt: skip
        await app.push_screen(IncidentFormScreen(draft))
        await pilot.press(*" now", "ctrl+s")
        assert not isinstance(app.screen, IncidentFormScreen)
        incident = "INC-20261120-161805"
        record = require_incident(_store(app), incident)
        assert (record.title, record.severity, record.detected_at) == (
            "HighErrorRate now", "Sev2", FROZEN - 12 * M,
        )  # fmt: skip
        from cockpit.store.incidents import linked_alerts

        assert linked_alerts(_store(app), incident) == [ALERT]
        assert app.query_one(TimelinePane).shown_incident == incident


async def test_polling_app_ticks_the_clocks_and_announces_a_due_update(
    make_app: Callable[..., CockpitApp], empty_config: Config
) -> None:
    from cockpit.services import notify
    from cockpit.ui.panes import timeline

    # The tick is called here, not waited for: the test does not depend on timer luck.
    now = [FROZEN]
    app = make_app(empty_config, poll=True, clock=lambda: now[0])
    seen: list[notify.Notification] = []
    notify.subscribe("test", seen.append)
    try:
        async with app.run_test(size=SIZE) as pilot:
            pane = app.query_one(TimelinePane)
            assert timeline.TICK in [t._interval for t in pane._timers]
            draft = IncidentDraft(title="API down", severity="Sev1", detected_at=FROZEN)
            incident = service.create_from_draft(_store(app), draft, now=FROZEN).id
            # Each tick reads (and announces) on the notebook thread: wait for it to end.
            # Not for the pane's look: the notebook watcher may redraw it first.
            pane._tick()
            await notebook_reads_done(pilot)
            assert "next update in 15m00s" in str(pane.border_title)
            assert seen[-1].kind == "incident_created"
            now[0] = FROZEN + 11 * M
            pane._tick()
            await notebook_reads_done(pilot)
            assert pane.has_class("-update-due") and "due in 4m00s" in str(pane.border_title)
            assert [(n.kind, n.subject) for n in seen[1:]] == [
                ("incident_status_update_due", incident)
            ]
            now[0] = FROZEN + 16 * M
            pane._tick()
            await notebook_reads_done(pilot)
            assert pane.has_class("-update-late") and not pane.has_class("-update-due")
            assert len(seen) == 2  # one announcement per deadline
    finally:
        notify.unsubscribe_all()


async def test_saving_sends_only_what_was_edited(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        store = _store(app)
        draft = IncidentDraft(title="API down", severity="Sev2", detected_at=FROZEN - 5 * M)
        incident = service.create_from_draft(store, draft, now=FROZEN - 5 * M).id
        await app.push_screen(IncidentDetailScreen(incident))
        screen = app.screen
        # A move sets the responder; the form shows it, and a bare save keeps it.
        screen.query_one("#move-to", Select).value = "acknowledged"
        await pilot.press("ctrl+t")
        assert screen.query_one("#field-responder", Input).value == "alice"
        await pilot.press("ctrl+s")
        assert any("Nothing to save" in str(n.message) for n in app._notifications)
        assert require_incident(store, incident).responder == "alice"
        # Someone else raises the severity while the title is being edited here.
        service.save_fields(store, incident, {}, components=None, severity="Sev1", at=FROZEN)
        screen.query_one("#field-title", Input).value = "API down in eu-west"
        await pilot.press("ctrl+s")
        record = require_incident(store, incident)
        assert (record.title, record.severity, record.responder) == (
            "API down in eu-west", "Sev1", "alice",
        )  # fmt: skip
        assert str(screen.query_one("#field-severity", Select).value) == "Sev1"


async def test_the_detail_clocks_count_down_while_open(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    now = [FROZEN]
    app = make_app(sample_config, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        draft = IncidentDraft(title="API down", severity="Sev1", detected_at=FROZEN)
        incident = service.create_from_draft(_store(app), draft, now=FROZEN).id
        await app.push_screen(IncidentDetailScreen(incident))
        screen = app.screen
        assert isinstance(screen, IncidentDetailScreen)
        assert incident_detail.TICK in [t._interval for t in screen._timers]
        summary = screen.query_one("#incident-summary", Static)
        assert "next update in 15m00s" in str(summary.render())
        now[0] = FROZEN + 4 * M
        screen.tick()  # what its one-second timer does; the read runs on the notebook thread
        await notebook_reads_done(pilot)
        assert "next update in 11m00s" in str(summary.render())
