"""Theme files: parsing, problems that name the key, bundled completeness, the state file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cockpit import locations, themes
from cockpit.themes import ThemeFileError, parse_theme


def test_every_bundled_theme_sets_every_cockpit_variable() -> None:
    specs, problems = themes.load_themes()
    assert problems == []
    for spec in specs.values():
        assert spec.source == "bundled"
        missing = set(themes.COCKPIT_VARIABLES) - set(spec.variables)
        assert not missing, (spec.name, missing)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({}, "name: required"),
        ({"name": "Bad Name", "colors": {"primary": "#fff"}}, "name: required"),
        ({"name": "x"}, "colors.primary: required"),
        ({"name": "x", "colors": {"primary": "red"}}, "colors.primary: 'red' is not a colour"),
        ({"name": "x", "colors": {"primary": "#fff", "pink": "#fff"}}, "colors.pink: unknown"),
        ({"name": "x", "dark": "yes", "colors": {"primary": "#fff"}}, "dark: expected true"),
        ({"name": "x", "colours": {}}, "unknown key 'colours'"),
        (
            {"name": "x", "colors": {"primary": "#fff"}, "variables": {"slo-breach": 3}},
            "variables.slo-breach: 3 is not a colour",
        ),
    ],
)
def test_bad_theme_data_names_the_key(data: dict[str, object], reason: str) -> None:
    with pytest.raises(ThemeFileError, match=None) as info:
        parse_theme(data)
    assert reason in str(info.value)


def test_good_theme_parses() -> None:
    spec = parse_theme(
        {"name": "mine", "dark": False, "colors": {"primary": "#123", "background": "rgb(1,2,3)"},
         "variables": {"probe-down": "#ff0000"}}
    )  # fmt: skip
    assert spec.name == "mine" and not spec.dark
    assert spec.colors == {"primary": "#123", "background": "rgb(1,2,3)"}
    assert spec.variables == {"probe-down": "#ff0000"}


def test_user_theme_overrides_bundled_by_name_and_bad_files_are_listed(tmp_path: Path) -> None:
    user = tmp_path / "themes"
    user.mkdir()
    (user / "cockpit-dark.toml").write_text('name = "cockpit-dark"\n[colors]\nprimary = "#000"\n')
    (user / "bad.toml").write_text('name = "bad"\n')
    (user / "ignored.txt").write_text("not a theme")
    specs, problems = themes.load_themes(user=user)
    assert specs["cockpit-dark"].source == "user"
    assert specs["cockpit-dark"].colors == {"primary": "#000"}
    assert [(p.path.name, p.reason) for p in problems] == [("bad.toml", "colors.primary: required")]
    message = themes.describe_problems(problems)
    assert message.splitlines()[1] == "bad.toml: colors.primary: required"


def test_saved_theme_round_trip_keeps_other_state() -> None:
    path = locations.state_file()
    assert themes.saved_theme() is None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"other": 1}))
    themes.save_theme("cockpit-light")
    assert themes.saved_theme() == "cockpit-light"
    assert json.loads(path.read_text())["other"] == 1


def test_unreadable_state_file_means_no_choice() -> None:
    path = locations.state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert themes.saved_theme() is None
    themes.save_theme("cockpit-night")
    assert themes.saved_theme() == "cockpit-night"
