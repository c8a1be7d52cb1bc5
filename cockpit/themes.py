"""Theme files: read, validate and list them, and remember the chosen one (no Textual here).

A theme is one TOML file::

    name = "cockpit-dark"
    dark = true
    description = "..."            # optional

    [colors]                       # Textual's base colours; `primary` is required
    primary = "#0178D4"
    background = "#121212"         # secondary, accent, foreground, surface, panel, boost,
                                   # warning, error, success are optional
    [variables]                    # the cockpit's own (and any Textual variable)
    slo-breach = "#ef5350"

Bundled themes come first, then the user's themes dir; a user theme with a bundled
theme's name replaces it. A bad file never stops the rest from loading: its problem is
returned with the file's path so the caller can report every bad file at once.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cockpit import locations

DEFAULT_THEME = "cockpit-dark"
THEME_SUFFIX = ".toml"
COLOR_KEYS = (
    "primary", "secondary", "accent", "foreground", "background", "surface", "panel",
    "boost", "warning", "error", "success",
)  # fmt: skip
# The cockpit's own variables: every bundled theme sets each of them.
COCKPIT_VARIABLES = (
    "slo-ok", "slo-warning", "slo-breach", "alert-critical", "alert-warning", "alert-info",
    "probe-up", "probe-pending", "probe-down", "stale",
)  # fmt: skip
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VARIABLE = re.compile(r"^[a-z][a-z0-9-]*$")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_RGB = re.compile(r"^rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(?:,\s*[\d.]+\s*)?\)$")


@dataclass(frozen=True)
class ThemeSpec:
    name: str
    dark: bool
    colors: Mapping[str, str]  # COLOR_KEYS subset; primary always set
    variables: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None
    source: str = "bundled"  # or "user"


@dataclass(frozen=True)
class ThemeProblem:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the key and what to do."""


def _is_colour(value: object) -> bool:
    return isinstance(value, str) and bool(_HEX.match(value) or _RGB.match(value))


def _colour_table(raw: object, section: str, allowed: Iterable[str] | None) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise ThemeFileError(f"[{section}] must be a table")
    allowed_set = set(allowed) if allowed is not None else None
    out: dict[str, str] = {}
    for key, value in raw.items():
        if allowed_set is not None and key not in allowed_set:
            known = ", ".join(sorted(allowed_set))
            raise ThemeFileError(f"{section}.{key}: unknown colour; known: {known}")
        if allowed_set is None and not _VARIABLE.match(str(key)):
            raise ThemeFileError(f"{section}.{key}: names are lower-case words joined by '-'")
        if not _is_colour(value):
            raise ThemeFileError(
                f"{section}.{key}: {value!r} is not a colour; write '#rrggbb' or 'rgb(r, g, b)'"
            )
        out[str(key)] = str(value)
    return out


def parse_theme(
    data: Mapping[str, Any], path: Path | None = None, source: str = "user"
) -> ThemeSpec:
    """A theme from parsed TOML; raises ThemeFileError naming the key at fault."""
    unknown = set(data) - {"name", "dark", "description", "colors", "variables"}
    if unknown:
        raise ThemeFileError(
            f"unknown key {sorted(unknown)[0]!r}; known: name, dark, description, colors, variables"
        )
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ThemeFileError(
            "name: required, lower-case letters, digits and '-' (like \"my-theme\")"
        )
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError("dark: expected true or false")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ThemeFileError("description: expected a string")
    colors = _colour_table(data.get("colors", {}), "colors", COLOR_KEYS)
    if "primary" not in colors:
        raise ThemeFileError("colors.primary: required")
    variables = _colour_table(data.get("variables", {}), "variables", None)
    return ThemeSpec(name, dark, colors, variables, description, path, source)


def read_theme(path: Path, source: str = "user") -> ThemeSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"cannot read the file: {exc}") from None
    return parse_theme(data, path, source)


def _theme_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == THEME_SUFFIX and p.is_file())


def load_themes(
    bundled: Path | None = None, user: Path | None = None
) -> tuple[dict[str, ThemeSpec], list[ThemeProblem]]:
    """Every usable theme by name (bundled, then user), and one problem per bad file."""
    themes: dict[str, ThemeSpec] = {}
    problems: list[ThemeProblem] = []
    folders = (
        (bundled or locations.bundled_themes_dir(), "bundled"),
        (user or locations.user_themes_dir(), "user"),
    )
    for folder, source in folders:
        for path in _theme_files(folder):
            try:
                spec = read_theme(path, source)
            except ThemeFileError as exc:
                problems.append(ThemeProblem(path, str(exc)))
                continue
            themes[spec.name] = spec
    return themes, problems


def describe_problems(problems: Iterable[ThemeProblem]) -> str:
    """One message for every bad theme file, for one notification."""
    lines = [f"{p.path.name}: {p.reason}" for p in problems]
    head = f"{len(lines)} theme file(s) skipped (fix them in {locations.user_themes_dir()}):"
    return "\n".join([head, *lines])


# -- the chosen theme, kept between runs ---------------------------------------
def saved_theme(state_file: Path | None = None) -> str | None:
    """The theme chosen last time, or None (no file, unreadable, or not a name)."""
    path = state_file or locations.state_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    theme = data.get("theme") if isinstance(data, dict) else None
    return theme if isinstance(theme, str) and theme else None


def save_theme(name: str, state_file: Path | None = None) -> None:
    """Remember ``name``; other keys in the state file are kept."""
    path = state_file or locations.state_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    data["theme"] = name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
