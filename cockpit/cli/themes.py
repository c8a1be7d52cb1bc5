"""`cockpit themes list`: every theme (bundled and yours), the chosen one, bad files."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cockpit import locations, themes
from cockpit.exit_codes import EXIT_OK, EXIT_USAGE


def add_parsers(sub: Any) -> None:
    parser = sub.add_parser("themes", help="list the bundled themes and yours")
    themes_sub = parser.add_subparsers(dest="themes_command", required=True)
    listing = themes_sub.add_parser("list", help="every theme; exit 2 if a theme file is bad")
    listing.add_argument("--json", action="store_true")


def themes_command(args: argparse.Namespace) -> int:
    specs, problems = themes.load_themes()
    # A saved name that is no theme file is one of Textual's own (or a deleted file, in
    # which case the cockpit falls back to the default and says nothing more here).
    current = themes.saved_theme() or themes.DEFAULT_THEME
    if args.json:
        print(
            json.dumps(
                {
                    "current": current,
                    "themes": [
                        {"name": s.name, "dark": s.dark, "source": s.source,
                         "path": str(s.path), "description": s.description}
                        for s in specs.values()
                    ],
                    "problems": [{"file": str(p.path), "reason": p.reason} for p in problems],
                },
                indent=2,
            )
        )  # fmt: skip
    else:
        width = max((len(name) for name in specs), default=4)
        for spec in specs.values():
            mark = "*" if spec.name == current else " "
            mode = "dark " if spec.dark else "light"
            print(f"{mark} {spec.name:<{width}}  {mode}  {spec.source:<7}  {spec.description}")
        if current not in specs:
            print(f"  in use: {current} (not a cockpit theme file: one of Textual's own?)")
        print(f"(* in use; switch with ctrl+p > Theme; your themes go in "
              f"{locations.user_themes_dir()})")  # fmt: skip
        for problem in problems:
            print(f"skipped {problem}", file=sys.stderr)
    return EXIT_USAGE if problems else EXIT_OK
