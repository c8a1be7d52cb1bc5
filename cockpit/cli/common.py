"""What the command groups share: the one config loader, the JSON dump, the error printer
and the clock. The command modules import this, never ``cli/main.py``, so the package has
no import cycle."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cockpit import locations
from cockpit.exit_codes import EXIT_USAGE

if TYPE_CHECKING:
    from cockpit.config import Config

FIX_CONFIG = "fix the config (see `cockpit config validate`), then try again."


def load_config(*, say: bool = True, advice: bool = True) -> Config | None:
    """The user's config, or None after printing its problems (``say``) and how to go on
    (``advice``)."""
    from cockpit.config import ConfigError, load

    try:
        return load(locations.config_file())
    except ConfigError as exc:
        if say:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            if advice:
                print(FIX_CONFIG, file=sys.stderr)
        return None


def print_json(data: object, *, ensure_ascii: bool = True) -> None:
    print(json.dumps(data, indent=2, default=str, ensure_ascii=ensure_ascii))


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Say why on standard error; the exit code (2, a usage problem, unless told)."""
    print(message, file=sys.stderr)
    return code


def utc_now() -> datetime:
    return datetime.now(UTC)
