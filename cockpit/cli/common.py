"""What the command groups share: the one config loader, the JSON dump, the error printer
and the clock. The command modules import this, never ``cli/main.py``, so the package has
no import cycle."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit import locations
from cockpit.exit_codes import EXIT_USAGE
from cockpit.model.text import inert_json

if TYPE_CHECKING:
    from cockpit.config import Config
    from cockpit.store import Notebook

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
    print(inert_json(json.dumps(data, indent=2, default=str, ensure_ascii=ensure_ascii)))


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Say why on standard error; the exit code (2, a usage problem, unless told)."""
    print(message, file=sys.stderr)
    return code


def utc_now() -> datetime:
    return datetime.now(UTC)


def at_option(config: Config, text: str | None) -> datetime | None:
    """``--at TIME``: that moment, read in the config's time zone (``model/moments.py``);
    None without the option. Raises ``MomentError``, which callers say as ``--at: ...``."""
    if text is None:
        return None
    from zoneinfo import ZoneInfo

    from cockpit.model.moments import parse_moment

    return parse_moment(text, utc_now(), ZoneInfo(config.oncall.timezone))


def notebook_of(config: Config) -> Path | str:
    """Where this config's notebook is (``COCKPIT_NOTEBOOK``, ``[notebook] url``, or the
    local file)."""
    return locations.notebook_target(config.notebook_url)


def notebook_opener(config: Config) -> Callable[[], Notebook]:
    """Opens this config's notebook when called (the password from the secret store)."""
    from cockpit.services.notebook_admin import open_target

    return partial(open_target, notebook_of(config), me=config.oncall.who_am_i())
