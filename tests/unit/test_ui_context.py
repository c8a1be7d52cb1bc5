"""The typed UI context (issue 16): panes and screens read the app through
``cockpit_of``, never through ``getattr(app, ...)``, and nothing under ui/ imports ui/app.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App

import cockpit
from cockpit.ui.context import CockpitContext, cockpit_of

PACKAGE = Path(cockpit.__file__).parent


def test_another_app_gets_a_clear_error() -> None:
    with pytest.raises(TypeError, match=r"needs the cockpit app .*not App"):
        cockpit_of(App())


def test_the_cockpit_app_is_a_context() -> None:
    from cockpit.ui.app import CockpitApp

    assert issubclass(CockpitApp, CockpitContext)


def test_no_module_reads_the_app_through_getattr() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"getattr\((self\.)?app\b", line)
    ]
    assert found == []


# ui/app.py itself, not ui/app_dialogs.py (which the app builds on).
APP_MODULE = re.compile(r"cockpit\.ui\.app(?![\w])|from cockpit\.ui import app\b")


def test_only_the_entry_points_import_the_app_module() -> None:
    assert APP_MODULE.search("from cockpit.ui.app import CockpitApp")
    assert not APP_MODULE.search("from cockpit.ui.app_dialogs import OpensDialogs")
    importers = [
        str(path.relative_to(PACKAGE))
        for path in sorted((PACKAGE / "ui").rglob("*.py"))
        if APP_MODULE.search(path.read_text(encoding="utf-8")) and path.name != "app.py"
    ]
    assert importers == []
