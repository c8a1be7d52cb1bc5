"""The incident detail (and the other edit screens: the timeline's note and update
editors, the new-incident form, a runbook step's reason) never loses or scrambles an
edit: a hurried person types fast, tabs on, saves, types on and leaves; what was typed is
what the notebook holds, the cursor stays where the typing was, and leaving with unsaved
edits asks first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from cockpit.config import Config
from cockpit.model.incident_draft import IncidentDraft
from cockpit.services import incidents as service
from cockpit.store import Notebook
from cockpit.store.incidents import open_incidents, require_incident
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.incident_detail import IncidentDetailScreen
from cockpit.ui.screens.incident_editors import NoteEditor, UpdateEditor
from cockpit.ui.screens.incident_form import IncidentFormScreen
from cockpit.ui.screens.runbook_dialogs import ReasonScreen
from cockpit.ui.screens.unsaved import UnsavedEdits

from .conftest import FROZEN

SIZE = (160, 48)
M = timedelta(minutes=1)


def _store(app: CockpitApp) -> Notebook:
    assert app.notebook is not None
    return app.notebook


async def _open(app: CockpitApp, pilot: Pilot[None]) -> tuple[str, IncidentDetailScreen]:
    draft = IncidentDraft(title="API down", severity="Sev2", detected_at=FROZEN - 5 * M)
    incident = service.create_from_draft(_store(app), draft, now=FROZEN - 5 * M).id
    screen = IncidentDetailScreen(incident)
    await app.push_screen(screen)
    await pilot.pause()
    return incident, screen


async def burst(pilot: Pilot[None], *keys: str) -> None:
    """Keys as a terminal sends them when someone types fast: all queued at once, none
    waiting for the one before to be handled."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        char = key if len(key) == 1 else None
        if key == "space":
            char = " "
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


def typed(text: str) -> Iterable[str]:
    return ("space" if c == " " else c for c in text)


def _area(screen: IncidentDetailScreen, name: str) -> TextArea:
    return screen.query_one(f"#field-{name}", TextArea)


async def test_fast_typing_across_tab_then_save_keeps_every_key_in_its_field(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident, screen = await _open(app, pilot)
        _area(screen, "impact").focus()
        await pilot.pause()
        await pilot.press(*typed("5 % of checkouts"), "tab", *typed("db pool"), "ctrl+s")
        record = require_incident(_store(app), incident)
        assert (record.impact, record.suspected_cause) == ("5 % of checkouts", "db pool")
        cause = _area(screen, "suspected_cause")
        assert cause.has_focus and cause.cursor_location == (0, 7)
        await pilot.press(*typed(" size"))
        assert cause.text == "db pool size"


async def test_a_burst_of_keys_tab_and_save_lands_where_it_was_typed(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident, screen = await _open(app, pilot)
        _area(screen, "impact").focus()
        await pilot.pause()
        await burst(pilot, *typed("5 % of checkouts"), "tab", *typed("db pool"), "ctrl+s",
                    *typed(" size"))  # fmt: skip
        assert _area(screen, "impact").text == "5 % of checkouts"
        cause = _area(screen, "suspected_cause")
        assert cause.text == "db pool size" and cause.cursor_location == (0, 12)
        record = require_incident(_store(app), incident)
        assert (record.impact, record.suspected_cause) == ("5 % of checkouts", "db pool")
        assert not any("Nothing to save" in str(n.message) for n in app._notifications)


async def test_a_burst_then_save_in_a_line_field_saves_all_of_it(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident, screen = await _open(app, pilot)
        title = screen.query_one("#field-title", Input)
        assert title.has_focus
        await burst(pilot, *typed(" in eu-west"), "ctrl+s")
        assert require_incident(_store(app), incident).title == "API down in eu-west"
        assert title.value == "API down in eu-west" and title.cursor_position == 19


async def test_first_save_in_an_empty_text_area_keeps_the_cursor(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident, screen = await _open(app, pilot)
        impact = _area(screen, "impact")
        impact.focus()
        await pilot.pause()
        # The notebook keeps "line one" (trimmed); the field keeps what was typed.
        await pilot.press(*typed("line one"), "enter", "ctrl+s")
        assert require_incident(_store(app), incident).impact == "line one"
        assert impact.cursor_location == (1, 0)
        await pilot.press(*typed("line two"), "ctrl+s")
        assert impact.text == "line one\nline two" and impact.cursor_location == (1, 8)
        assert require_incident(_store(app), incident).impact == "line one\nline two"


async def test_a_change_from_elsewhere_does_not_move_the_cursor_of_the_focused_field(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident, screen = await _open(app, pilot)
        title = screen.query_one("#field-title", Input)
        title.cursor_position = 3
        service.save_fields(_store(app), incident, {"title": "API down hard"}, components=None,
                            severity=None, at=FROZEN)  # fmt: skip
        screen.refresh_summary()
        assert title.value == "API down hard" and title.cursor_position == 3


async def test_escape_with_unsaved_edits_asks_and_keep_editing_keeps_them(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident, screen = await _open(app, pilot)
        await burst(pilot, *typed(" now"), "escape")
        assert isinstance(app.screen, UnsavedEdits)
        await pilot.press("escape")
        assert app.screen is screen
        title = screen.query_one("#field-title", Input)
        assert title.value == "API down now" and title.has_focus
        await pilot.press("!")
        assert title.value == "API down now!"
        assert require_incident(_store(app), incident).title == "API down"


async def test_escape_with_unsaved_edits_then_save_saves_and_closes(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident, screen = await _open(app, pilot)
        await burst(pilot, *typed(" now"), "escape", "s")
        assert require_incident(_store(app), incident).title == "API down now"
        assert screen not in app.screen_stack


async def test_escape_with_unsaved_edits_then_discard_closes_without_saving(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident, screen = await _open(app, pilot)
        await pilot.press(*typed(" now"), "escape", "d")
        assert require_incident(_store(app), incident).title == "API down"
        assert screen not in app.screen_stack


async def test_escape_without_edits_closes_at_once(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        _, screen = await _open(app, pilot)
        await pilot.press("escape")
        assert screen not in app.screen_stack and not isinstance(app.screen, UnsavedEdits)


async def test_escape_with_a_typed_postmortem_link_or_action_item_asks(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        _, screen = await _open(app, pilot)
        screen.query_one("#action-what", Input).value = "Alert on pool saturation"
        screen.query_one("#postmortem", Input).value = "https://wiki/pm/1"
        await pilot.press("escape")
        assert isinstance(app.screen, UnsavedEdits)
        assert "new action item" in app.screen.fields and "postmortem link" in app.screen.fields


async def test_quitting_with_unsaved_edits_asks(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident, _ = await _open(app, pilot)
        await burst(pilot, *typed(" now"), "ctrl+q")
        assert isinstance(app.screen, UnsavedEdits) and app.is_running
        await pilot.press("s")
        assert require_incident(_store(app), incident).title == "API down now"
    assert not app.is_running


# -- the timeline's note and status-update editors ------------------------------------------


async def _timeline_editor(app: CockpitApp, pilot: Pilot[None], key: str) -> str:
    draft = IncidentDraft(title="API down", severity="Sev2", detected_at=FROZEN - 5 * M)
    incident = service.create_from_draft(_store(app), draft, now=FROZEN - 5 * M).id
    app.refresh_timeline()
    await pilot.press("3", key)
    return incident


def _notes(app: CockpitApp, incident: str) -> list[str]:
    rows = _store(app).connection.execute(
        "SELECT body FROM notes WHERE incident_id = ? ORDER BY id", (incident,)
    )
    return [row[0] for row in rows]


async def test_a_burst_then_save_in_the_note_editor_saves_all_of_it(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident = await _timeline_editor(app, pilot, "n")
        assert isinstance(app.screen, NoteEditor)
        await burst(pilot, *typed("pool exhausted"), "enter", *typed("see logs"), "ctrl+s")
        assert _notes(app, incident) == ["pool exhausted\nsee logs"]
        assert not isinstance(app.screen, NoteEditor)


async def test_a_burst_across_tab_in_the_update_editor_keeps_each_part(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await _timeline_editor(app, pilot, "u")
        editor = app.screen
        assert isinstance(editor, UpdateEditor)
        await burst(pilot, *typed("5 % fail"), "tab", *typed("rolling back"), "tab",
                    *typed("a DBA"))  # fmt: skip
        texts = [editor.query_one(f"#update-{n}", TextArea).text
                 for n in ("conditions", "actions", "needs")]  # fmt: skip
        assert texts == ["5 % fail", "rolling back", "a DBA"]


async def test_escape_in_the_note_editor_with_text_asks(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident = await _timeline_editor(app, pilot, "n")
        editor = app.screen
        await burst(pilot, *typed("half a thought"), "escape")
        assert isinstance(app.screen, UnsavedEdits)
        await pilot.press("escape")  # keep editing
        assert app.screen is editor
        await pilot.press(*typed(" more"))
        assert editor.query_one(TextArea).text == "half a thought more"
        await pilot.press("escape", "s")
        assert _notes(app, incident) == ["half a thought more"]
        assert editor not in app.screen_stack


async def test_escape_in_an_empty_note_editor_closes_at_once(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        await _timeline_editor(app, pilot, "n")
        editor = app.screen
        await pilot.press("escape")
        assert editor not in app.screen_stack and not isinstance(app.screen, UnsavedEdits)


# -- the new-incident form ------------------------------------------------------------------


async def test_a_burst_then_create_in_the_new_incident_form_uses_all_of_it(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(IncidentFormScreen())
        await pilot.pause()
        await burst(pilot, *typed("API down"), "tab", "tab", *typed("api"), "ctrl+s")
        assert not isinstance(app.screen, IncidentFormScreen)
        (record,) = open_incidents(_store(app))
        assert (record.title, record.components) == ("API down", ("api",))


async def test_escape_in_the_new_incident_form_with_text_asks(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        form = IncidentFormScreen()
        app.push_screen(form)
        await pilot.pause()
        await burst(pilot, *typed("API down"), "escape")
        assert isinstance(app.screen, UnsavedEdits)
        await pilot.press("escape")
        assert app.screen is form and form.query_one("#title", Input).value == "API down"
        await pilot.press("escape", "d")
        assert form not in app.screen_stack and open_incidents(_store(app)) == []


# -- a runbook step's reason or note ------------------------------------------------------


async def test_escape_on_a_typed_step_note_asks_and_save_gives_it(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    answers: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        dialog = ReasonScreen("Why did step 2 fail?", "note")
        app.push_screen(dialog, answers.append)
        await pilot.pause()
        await burst(pilot, *typed("disk full"), "escape")
        assert isinstance(app.screen, UnsavedEdits) and answers == []
        await pilot.press("escape")
        assert app.screen is dialog
        await pilot.press("escape", "s")
        assert answers == ["disk full"] and dialog not in app.screen_stack


async def test_escape_on_an_empty_step_note_cancels_at_once(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    answers: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ReasonScreen("Why skip step 2?", "reason"), answers.append)
        await pilot.pause()
        await pilot.press("escape")
        assert answers == [None]


async def test_quitting_with_a_typed_note_asks_and_save_keeps_it(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        incident = await _timeline_editor(app, pilot, "n")
        await burst(pilot, *typed("last words"), "ctrl+q")
        assert isinstance(app.screen, UnsavedEdits) and app.is_running
        await pilot.press("s")
        assert _notes(app, incident) == ["last words"]
    assert not app.is_running


async def test_escape_in_an_open_drop_down_closes_only_the_drop_down(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=SIZE) as pilot:
        _, screen = await _open(app, pilot)
        severity = screen.query_one("#field-severity", Select)
        severity.focus()
        await pilot.press("enter")
        assert severity.expanded
        await pilot.press("escape")
        assert not severity.expanded and app.screen is screen
