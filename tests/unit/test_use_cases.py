"""Each user action is one service function that the TUI and the CLI both call (issue 16).

Checked by reading the code (AST): the caller names the service function, and neither
caller names the store writer the service calls."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cockpit

PACKAGE = Path(cockpit.__file__).parent


def attribute_calls(path: Path) -> set[str]:
    """``module.function`` for every call of a function through a module name in ``path``,
    and bare names called (``ack(...)``)."""
    called: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            target = node.func
            # partial(alert_actions.ack, ...) calls it too, one step later
            if isinstance(target, ast.Name) and target.id == "partial" and node.args:
                target = node.args[0]
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                called.add(f"{target.value.id}.{target.attr}")
            elif isinstance(target, ast.Name):
                called.add(target.id)
    return called


# (use case, the service function, the callers that must use it, a store writer it owns)
USE_CASES = [
    ("ack", "alert_actions.ack", ("ui/alerts_controller.py", "cli/alerts.py"), "record_ack"),
    ("unack", "alert_actions.unack", ("ui/alerts_controller.py", "cli/alerts.py"), "record_unack"),
    (
        "expire a silence",
        "alert_actions.expire_silence",
        ("ui/silences_controller.py", "cli/alerts.py"),
        "record_unack",
    ),
    ("extend a silence", "alert_actions.extend", ("ui/silences_controller.py",), "record_extend"),
]


@pytest.mark.parametrize(("case", "service", "callers", "writer"), USE_CASES)
def test_the_tui_and_the_cli_call_the_same_service_function(
    case: str, service: str, callers: tuple[str, ...], writer: str
) -> None:
    for caller in callers:
        called = attribute_calls(PACKAGE / caller)
        assert service in called, f"{caller} does not call {service} ({case})"
        assert writer not in called, f"{caller} calls the store writer {writer} itself ({case})"


def test_the_service_does_the_notebook_write() -> None:
    called = attribute_calls(PACKAGE / "services/alert_actions.py")
    assert {"record_ack", "record_unack", "record_extend"} <= called


def test_the_checker_sees_a_call_through_partial(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from functools import partial\n_run(partial(alert_actions.ack, c=1))\n")
    assert "alert_actions.ack" in attribute_calls(sample)
