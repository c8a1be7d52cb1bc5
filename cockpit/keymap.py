"""The cockpit's keys: every global action, one id per action, remapped from the
config's ``[keys]`` table. No Textual here: the config reads it to check ``[keys]``.

An action's id is its method name with its argument: ``focus_pane('slo')`` is
``focus_pane_slo``, ``toggle_pause`` stays ``toggle_pause``. ``[keys] toggle_pause =
"space"`` moves pause to the space bar; several keys are written ``"p,space"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

# (key, action, description); one list feeds the bindings and the command palette.
ACTIONS = (
    ("1", "focus_pane('slo')", "Focus SLOs"),
    ("2", "focus_pane('alerts')", "Focus alerts"),
    ("3", "focus_pane('timeline')", "Focus timeline"),
    ("4", "focus_pane('runbooks')", "Focus runbooks"),
    ("5", "focus_pane('probes')", "Focus probes"),
    ("z", "toggle_maximise", "Maximise or restore the focused pane"),
    ("p", "toggle_pause", "Pause or resume refresh"),
    ("r", "refresh_now", "Refresh every source now"),
    ("x", "probe_now", "Re-run the selected probe now"),
    ("f", "demo_fault", "Set a demo fault"),
    ("?", "show_help", "Show every key of the focused pane"),
    ("h", "open_handoff", "Shift handoff: digest, checklist, notes, sign-off"),
    ("n", "open_handoff('notes')", "Shift notes (scratchpad, saved as you type)"),
    ("w", "open_review", "Weekly review"),
    ("i", "incident_list", "Incidents: list, open, edit"),
    ("N", "new_incident", "New incident"),
    ("S", "silences", "Silences: list, create, extend, expire"),
    ("o", "alert_runbook", "Run the selected alert's runbook"),
    ("R", "pick_runbook", "Run a runbook (pick one)"),
    ("[", "travel_back", "The past: one minute back (what on-call saw then)"),
    ("]", "travel_forward", "The past: one minute forward"),
    ("{", "travel_back_far", "The past: 15 minutes back"),
    ("}", "travel_forward_far", "The past: 15 minutes forward"),
    ("t", "travel_to", "The past: go to a time (03:12, -2h, 2026-12-05 03:12)"),
    ("L", "live", "Back to live (from the past)"),
    ("q", "quit", "Quit"),
)

# Keys the app or Textual itself holds: the command palette, quit, focus movement.
RESERVED = {
    "ctrl+p": "the command palette",
    "ctrl+q": "quit",
    "ctrl+c": "copy or quit",
    "tab": "moving focus",
    "shift+tab": "moving focus",
    "escape": "closing dialogs",
}
_KEY = re.compile(r"^(?:(?:ctrl|shift|alt|meta|super)\+)*[a-z0-9_]+$")
_ARGUMENT = re.compile(r"^(?P<name>\w+)\((?P<arg>.*)\)$")


def action_id(action: str) -> str:
    """``focus_pane('slo')`` -> ``focus_pane_slo``; a bare action is its own id."""
    match = _ARGUMENT.match(action)
    if match is None:
        return action
    arg = re.sub(r"\W+", "_", match["arg"]).strip("_")
    return f"{match['name']}_{arg}" if arg else match["name"]


# Textual names a printable key by its Unicode name, with a few shortened.
_SHORTER = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
            "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}  # fmt: skip


def _character_to_key(character: str) -> str:
    """``?`` -> ``question_mark``, ``[`` -> ``left_square_bracket``, as Textual does."""
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:  # a control character: no key anyone types in a config
        return character
    return _SHORTER.get(name, name)


def normalise(keys: str) -> list[str]:
    """``"?, ctrl+x"`` -> ``["question_mark", "ctrl+x"]`` (Textual's key names)."""
    return [
        _character_to_key(key) if len(key) == 1 else key.lower()
        for key in (part.strip() for part in keys.split(","))
        if key
    ]


def check_keymap(
    actions: Iterable[tuple[str, str, str]], keymap: Mapping[str, object]
) -> list[tuple[str, str]]:
    """Problems as (action id, reason): unknown action, bad key, a key used twice."""
    defaults = {action_id(action): key for key, action, _ in actions}
    problems: list[tuple[str, str]] = []
    effective: dict[str, list[str]] = {aid: normalise(key) for aid, key in defaults.items()}
    for aid, value in keymap.items():
        if aid not in defaults:
            known = ", ".join(sorted(defaults))
            problems.append((aid, f"unknown action; actions: {known}"))
            continue
        if not isinstance(value, str) or not normalise(value):
            problems.append((aid, 'expected a key like "p", "space" or "ctrl+r"'))
            continue
        bad = [k for k in normalise(value) if not _KEY.match(k)]
        if bad:
            problems.append((aid, f"{bad[0]!r} is not a key name (like p, space, f5, ctrl+r)"))
            continue
        effective[aid] = normalise(value)
    owner: dict[str, str] = {}
    for aid, keys in effective.items():
        for key in keys:
            if key in RESERVED:
                problems.append((aid, f"{key} is kept for {RESERVED[key]}"))
            elif key in owner and aid in keymap:
                problems.append((aid, f"{key} is already the key of {owner[key]}"))
            elif key in owner:
                problems.append((owner[key], f"{key} is already the key of {aid}"))
            else:
                owner[key] = aid
    return problems
