"""Each user action is one service function that the TUI and the CLI both call (issue 16).

Checked by reading the code (AST): each caller calls the service function, resolved
through its imports (``from cockpit.services import alert_actions`` then
``alert_actions.ack(...)``, or ``from cockpit.services.incidents import move`` then
``move(...)``; ``partial(f, ...)`` counts as calling ``f``). That the callers do not
also write to the notebook themselves is tests/unit/test_layers.py's writer rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cockpit

PACKAGE = Path(cockpit.__file__).parent


def called_functions(source: str) -> set[str]:
    """The dotted name of every project function ``source`` calls through an import."""
    tree = ast.parse(source)
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
    called: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        if isinstance(target, ast.Name) and target.id == "partial" and node.args:
            target = node.args[0]  # partial(alert_actions.ack, ...) calls it, one step later
        if isinstance(target, ast.Name) and target.id in names:
            called.add(names[target.id])
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id in names
        ):
            called.add(f"{names[target.value.id]}.{target.attr}")
    return called


def _called_in(relative: str) -> set[str]:
    return called_functions((PACKAGE / relative).read_text(encoding="utf-8"))


ALERTS = "cockpit.services.alert_actions"
NOTES = "cockpit.services.incident_notes"
INCIDENTS = "cockpit.services.incidents"
UI_ALERTS, CLI_ALERTS = "ui/alerts_controller.py", "cli/alerts.py"
UI_DETAIL, CLI_INCIDENT = "ui/screens/incident_detail.py", "cli/incident.py"
# (the service function, the TUI module and the CLI module that call it)
USE_CASES = [
    (f"{ALERTS}.ack", UI_ALERTS, CLI_ALERTS),
    (f"{ALERTS}.unack", UI_ALERTS, CLI_ALERTS),
    (f"{ALERTS}.expire_silence", "ui/silences_controller.py", "cli/silences.py"),
    (f"{ALERTS}.create_silence", "ui/silences_controller.py", "cli/silences.py"),
    (f"{INCIDENTS}.create_from_draft", "ui/screens/incident_form.py", CLI_INCIDENT),
    (f"{INCIDENTS}.move", UI_DETAIL, CLI_INCIDENT),
    (f"{NOTES}.add_note", "ui/panes/timeline.py", CLI_INCIDENT),
    (f"{NOTES}.add_update", "ui/panes/timeline.py", CLI_INCIDENT),
    (f"{NOTES}.record_postmortem", UI_DETAIL, CLI_INCIDENT),
    (f"{NOTES}.add_action_item", UI_DETAIL, CLI_INCIDENT),
    (f"{NOTES}.set_action_done", UI_DETAIL, CLI_INCIDENT),
    ("cockpit.services.handoff_sign.sign_current", "ui/screens/handoff.py", "cli/handoff.py"),
]


@pytest.mark.parametrize(("service", "tui", "cli"), USE_CASES)
def test_the_tui_and_the_cli_call_the_same_service_function(
    service: str, tui: str, cli: str
) -> None:
    assert service in _called_in(tui), f"{tui} does not call {service}"
    assert service in _called_in(cli), f"{cli} does not call {service}"


def test_the_alert_services_do_the_notebook_write() -> None:
    called = _called_in("services/alert_actions.py")
    acks = "cockpit.store.acks"
    assert {f"{acks}.record_ack", f"{acks}.record_unack", f"{acks}.record_extend"} <= called


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from cockpit.services import alert_actions\nalert_actions.ack(c)", f"{ALERTS}.ack"),
        ("from cockpit.services import incidents as s\ns.move(n)", f"{INCIDENTS}.move"),
        ("from cockpit.services.incident_notes import add_note\nadd_note(n)", f"{NOTES}.add_note"),
        (
            "from functools import partial\nfrom cockpit.services import alert_actions\n"
            "_run(partial(alert_actions.unack, c=1))",
            f"{ALERTS}.unack",
        ),
    ],
)
def test_the_checker_resolves_calls_through_imports(source: str, expected: str) -> None:
    assert expected in called_functions(source)


def test_the_checker_tells_a_store_writer_from_the_service_of_the_same_name() -> None:
    source = "from cockpit.store.incident_notes import add_note\nadd_note(n)"
    assert called_functions(source) == {"cockpit.store.incident_notes.add_note"}
