"""`cockpit serve`: a real textual-serve server answering a browser's first request, and
the advice when textual-serve is missing."""

from __future__ import annotations

import sys

import pytest

from cockpit.cli import main
from cockpit.cli.main import _parser
from cockpit.cli.serve import INSTALL_HINT, command_line


def test_serve_without_textual_serve_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert main(["serve"]) == 2
    assert INSTALL_HINT in capsys.readouterr().err
    assert "pip install 'cockpit[serve]'" in INSTALL_HINT


def test_each_browser_session_runs_the_cockpit() -> None:
    assert command_line(True).endswith("-m cockpit run --read-only")
    assert command_line(False).endswith("-m cockpit run")


def test_serve_is_read_only_unless_writable() -> None:
    args = _parser().parse_args(["serve"])
    assert not args.writable and args.max_sessions == 2
    assert _parser().parse_args(["serve", "--writable"]).writable


# A real server answering (and refusing) browsers: tests/hostile/test_serve_door.py.
