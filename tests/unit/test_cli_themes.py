"""`cockpit themes list`."""

from __future__ import annotations

import json

import pytest

from cockpit import locations, themes
from cockpit.cli import main


def test_themes_list_marks_the_current_one(capsys: pytest.CaptureFixture[str]) -> None:
    themes.save_theme("cockpit-light")
    assert main(["themes", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("* cockpit-light") for line in lines)
    assert any(line.startswith("  cockpit-dark") for line in lines)


def test_themes_list_json_reports_bad_user_files(capsys: pytest.CaptureFixture[str]) -> None:
    folder = locations.user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\ndark = false\n[colors]\nprimary = "#111"\n')
    (folder / "bad.toml").write_text('name = "bad"\n[colors]\nprimary = "nope"\n')
    assert main(["themes", "list", "--json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["current"] == "cockpit-dark"
    mine = next(t for t in data["themes"] if t["name"] == "mine")
    assert mine["source"] == "user" and mine["dark"] is False
    assert [p["reason"] for p in data["problems"]] == [
        "colors.primary: 'nope' is not a colour; write '#rrggbb' or 'rgb(r, g, b)'"
    ]
