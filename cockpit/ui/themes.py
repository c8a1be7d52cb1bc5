"""Bundled and user themes registered with the app; the choice is remembered."""

from __future__ import annotations

from textual.app import App
from textual.theme import Theme

from cockpit import themes
from cockpit.themes import DEFAULT_THEME, ThemeSpec


def to_textual(spec: ThemeSpec) -> Theme:
    colors = dict(spec.colors)
    return Theme(
        name=spec.name,
        primary=colors.pop("primary"),
        dark=spec.dark,
        variables=dict(spec.variables),
        **colors,  # type: ignore[arg-type]
    )


def install_themes(app: App[None]) -> str | None:
    """Register every theme and switch to the saved (else the default) one.

    Returns one message naming every bad theme file and its problem, or None.
    """
    specs, problems = themes.load_themes()
    for spec in specs.values():
        app.register_theme(to_textual(spec))
    wanted = themes.saved_theme()
    for name in (wanted, DEFAULT_THEME, "textual-dark"):
        if name is not None and name in app.available_themes:
            app.theme = name
            break
    if app.theme in specs:
        # The theme picker offers the bundled and the user's themes, not Textual's stock
        # ones (which know nothing of the cockpit's colours such as $slo-breach).
        for name in list(app.available_themes):
            if name not in specs:
                app.unregister_theme(name)
    return themes.describe_problems(problems) if problems else None


def remember_theme(theme: Theme) -> None:
    """Persist the choice (from the command palette's "Theme" command or anywhere)."""
    if themes.saved_theme() != theme.name:
        themes.save_theme(theme.name)
