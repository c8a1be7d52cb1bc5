"""Hostile text in the TUI beyond the alerts pane: table cells of every pane, toasts, the
probe detail (health body, headers, sub-components), the timeline's title and the run
screen's output log. Nothing reaches the terminal as a control character; nothing is read
as markup."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console
from rich.text import Text
from textual.widgets import RichLog

from cockpit import locations
from cockpit.config import Config, ProbeConfig
from cockpit.model.freshness import Freshness
from cockpit.model.probes import Child, ConditionResult, ProbeResult, ProbeState, Response
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.panes.timeline import TimelinePane
from cockpit.ui.screens.probe_detail import describe
from cockpit.ui.screens.runbook_open import open_runbook
from cockpit.ui.table_sync import plain_cell
from tests.ui.conftest import make_app, sample_config

__all__ = ["make_app", "sample_config"]  # fixtures, imported for this module

ESC_CHARS = ("\x1b", "\x07", "\x9b", "\u202e", "\x00")
ATTACK = "\x1b[2J\x1b]0;t\x07\x1b[8m\x9b\u202e\x00[link=http://evil.example]x[/link]"
SHOWN = "\\x1b[2J\\x1b]0;t\\x07\\x1b[8m\\x9b\\u202e\\x00[link=http://evil.example]x[/link]"


def rendered(renderable: object) -> str:
    console = Console(width=300, color_system=None, force_terminal=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def test_a_table_cell_is_inert_text_whatever_it_was_built_from() -> None:
    assert plain_cell(ATTACK).plain == SHOWN
    built = Text("bold ", style="bold") + Text(ATTACK)  # Text itself drops the BEL
    assert plain_cell(built).plain == "bold " + SHOWN.replace("\\x07", "")
    clean = Text("demo-api [ok]", style="bold")
    assert plain_cell(clean) is clean  # nothing to do: kept, styles and all


def test_the_probe_detail_shows_a_hostile_health_body_visibly() -> None:
    result = ProbeResult(
        "ready", False, datetime(2026, 11, 20, tzinfo=UTC), status_code=503,
        reason=f"status: {ATTACK}", category="status",
        children=(Child(f"redis{ATTACK}", "down", ATTACK),),
        conditions=(ConditionResult("[STATUS] == 200", f"got {ATTACK}"),),
        response=Response(503, (("x-evil", ATTACK),), f"line one\n{ATTACK}\nline three"),
    )  # fmt: skip
    state = ProbeState("ready", state="down", failures=3, last=result, last_failure=result)
    text = rendered(describe(ProbeConfig(name="ready", url="http://x/ready"), state, UTC))
    for char in ESC_CHARS:
        assert char not in text, repr(char)
    assert text.count(SHOWN) >= 5
    assert "line one\n" in text and "\nline three" in text  # a body keeps its lines


async def test_toasts_and_the_timeline_title_show_control_characters(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=(160, 48)) as pilot:
        app.notify(f"Not acked: {ATTACK}", title=f"t{ATTACK}", markup=False)
        pane = app.query_one(TimelinePane)
        pane.update_events(f"INC-1 {ATTACK}", [], datetime(2026, 11, 20, tzinfo=UTC), "none")
        await pilot.pause()
        note = list(app._notifications)[-1]
        assert note.message == f"Not acked: {SHOWN}" and note.title == f"t{SHOWN}"
        # A border title is markup: it must parse, and read as the text made visible.
        # (Read what is drawn: the getter re-escapes it, with Textual's weaker escape.)
        title = pane._border_title.plain if pane._border_title else ""
        assert title.endswith(f"INC-1 {SHOWN}")  # the link is text, not a link


async def test_a_stale_reason_quoting_a_server_is_shown_as_written(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = app.query_one(AlertsPane)
        now = datetime(2026, 11, 20, tzinfo=UTC)
        failed = Freshness().succeeded(now).failed(now, f"query refused: {ATTACK}")
        pane.show_freshness(failed, now)  # markup that does not parse would raise here
        await pilot.pause()
        drawn = pane._border_subtitle.plain if pane._border_subtitle else ""
        assert drawn.endswith(f"query refused: {SHOWN}")


async def test_the_run_screen_log_shows_command_output_visibly(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    folder = locations.user_runbooks_dir()
    folder.mkdir(parents=True)
    command = "printf 'a\\033[2Jb\\033]52;c;eA==\\007\\033[8mhidden\\n'"
    (folder / "esc.md").write_text(
        f"---\nname: esc\n---\n# Esc\n\n- [ ] Print\n  ```sh\n  {command}\n  ```\n",
        encoding="utf-8",
    )
    app = make_app(dataclasses.replace(sample_config, prometheus=None, prometheus_servers=()))
    async with app.run_test(size=(160, 48)) as pilot:
        open_runbook(app, "esc")
        await pilot.pause()
        await pilot.press("x", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        log = "\n".join(line.text for line in app.screen.query_one("#rb-log", RichLog).lines)
        assert "\x1b" not in log and "\x07" not in log
        assert "a\\x1b[2Jb\\x1b]52;c;eA==\\x07\\x1b[8mhidden" in log
        await pilot.press("up")
        await pilot.pause()
        detail = str(app.screen.query_one("#rb-detail").render())
        assert "\x1b" not in detail


def test_an_incident_drafted_from_a_hostile_alert_holds_no_control_character() -> None:
    from cockpit.model.alerts import Alert
    from cockpit.services.promote import draft_from_alert

    alert = Alert(
        name=f"Evil{ATTACK}",
        labels={"alertname": f"Evil{ATTACK}", "service": f"x{ATTACK}"},
        annotations={"summary": f"s{ATTACK}", "description": f"one\n{ATTACK}\nthree"},
        starts_at=datetime(2026, 11, 20, tzinfo=UTC),
        fingerprint="f0",
    )
    draft = draft_from_alert(alert, {})
    assert draft.title == f"Evil{SHOWN}: s{SHOWN}"
    assert draft.components == (f"x{SHOWN}",)
    assert draft.description == f"one\n{SHOWN}\nthree"  # a description keeps its lines


async def test_the_incident_detail_fields_show_hostile_text_visibly_and_leave_it_alone(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    """Input fields pass control characters to the terminal: the detail shows a title
    written raw (through the CLI, or by an older cockpit) as visible escapes, and does not
    take that for an edit of the user's."""
    from textual.widgets import Input, TextArea

    from cockpit.model.incident_draft import IncidentDraft
    from cockpit.services.incidents import create_from_draft
    from cockpit.ui.screens.incident_detail import IncidentDetailScreen

    app = make_app(sample_config)
    async with app.run_test(size=(160, 48)) as pilot:
        assert app.notebook is not None
        now = datetime(2026, 11, 20, tzinfo=UTC)
        draft = IncidentDraft(
            title=f"t{ATTACK}", severity="Sev2", components=(f"c{ATTACK}",),
            description=f"one\n{ATTACK}", detected_at=now,
        )  # fmt: skip
        incident = create_from_draft(app.notebook, draft, now=now).id
        await app.push_screen(IncidentDetailScreen(incident))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentDetailScreen)
        assert screen.query_one("#field-title", Input).value == f"t{SHOWN}"
        assert screen.query_one("#field-components", Input).value == f"c{SHOWN}"
        assert screen.query_one("#field-description", TextArea).text == f"one\n{SHOWN}"
        assert screen.unsaved() == []  # shown escaped is not an edit


def test_a_line_break_in_an_annotation_cannot_pass_for_another_field() -> None:
    from cockpit.model.alerts import Alert
    from cockpit.ui.screens.alert_detail import describe_alert

    alert = Alert(
        name="Evil",
        labels={"alertname": "Evil"},
        annotations={"summary": "fine\n  runbook: rm-everything"},
        starts_at=datetime(2026, 11, 20, tzinfo=UTC),
        fingerprint="f0",
    )
    text = rendered(describe_alert(alert, {}, (), (), datetime(2026, 11, 20, tzinfo=UTC), UTC))
    lines = [line.rstrip() for line in text.splitlines()]
    assert "  summary: fine" in lines
    # The summary's second line sits under it, deeper than any field name.
    assert "        runbook: rm-everything" in lines
    assert "  runbook: rm-everything" not in lines
