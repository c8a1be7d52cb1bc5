"""Every path the cockpit reads or writes, in one place.

Paths come from platformdirs; ``COCKPIT_CONFIG`` names the config file,
``COCKPIT_NOTEBOOK`` the notebook file and ``COCKPIT_DATA_DIR`` the data directory
(SQLite notebook, demo notebook, remembered choices); user themes, plugins and runbooks
live beside the config file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from cockpit.model.notebook_url import is_url

APP_NAME = "cockpit"
CONFIG_ENV = "COCKPIT_CONFIG"
DATA_DIR_ENV = "COCKPIT_DATA_DIR"
NOTEBOOK_ENV = "COCKPIT_NOTEBOOK"
DEMO_DB_FILE_NAME = "demo.sqlite3"
DB_FILE_NAME = "cockpit.sqlite3"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, appauthor=False)


def config_file() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return Path(_dirs().user_config_dir) / "config.toml"


def config_dir() -> Path:
    return config_file().parent


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(_dirs().user_data_dir)


def database_file() -> Path:
    """The local SQLite notebook file (``COCKPIT_NOTEBOOK`` when it names a file)."""
    override = os.environ.get(NOTEBOOK_ENV)
    if override and not is_url(override):
        return Path(override).expanduser()
    return data_dir() / DB_FILE_NAME


def notebook_target(url: str | None = None) -> Path | str:
    """Where the notebook is: ``COCKPIT_NOTEBOOK`` (a file path or a postgresql:// URL),
    else the config's ``[notebook] url`` (the team's notebook), else the local file."""
    override = os.environ.get(NOTEBOOK_ENV)
    if override:
        return override if is_url(override) else Path(override).expanduser()
    return url or database_file()


def secure_data_dir() -> None:
    """Make the data dir (notebook, demo notebook, backups) the owner's alone, if it exists.

    Old cockpits made it 0755; the notebook holds command output, so nobody else may list
    or read it. Created lazily elsewhere (the notebook makes it 0700); never created here.
    """
    path = data_dir()
    try:
        if path.is_dir() and path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        pass  # someone else's directory: leave it; the files in it are still 0600


def write_private_text(path: Path, text: str) -> None:
    """Write an export (report, handoff) readable by its owner only, whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(text)


def crash_logs_dir() -> Path:
    return data_dir() / "logs"


def record_crash(error: BaseException, where: str) -> str:
    """Write ``error``'s traceback to a private log file; the one line to show instead.

    The last resort of the CLI and the screen: nobody sees a traceback, the file keeps it
    for a bug report. If even the file cannot be written, the line says so.
    """
    import traceback
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    what = f"{type(error).__name__}: {str(error)[:200]}".splitlines()[0]
    text = f"cockpit {where}, {now.isoformat()}, pid {os.getpid()}\n\n" + "".join(
        traceback.format_exception(error)
    )
    folder = crash_logs_dir()
    path = folder / f"crash-{now:%Y%m%dT%H%M%SZ}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private_text(path, text)
    except OSError as exc:
        return (
            f"cockpit: internal error in {where} ({what}); could not save the details "
            f"({exc.strerror or exc}). Please report it."
        )
    return (
        f"cockpit: internal error in {where} ({what}). The details are in {path}; "
        "please attach that file when you report it."
    )


def demo_database_file() -> Path:
    """The demo's own notebook, kept apart from the real one and between demo runs."""
    return data_dir() / DEMO_DB_FILE_NAME


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def state_file() -> Path:
    """What the cockpit remembers between runs (the chosen theme), as JSON."""
    return data_dir() / "state.json"


def user_plugins_dir() -> Path:
    return config_dir() / "plugins"


def user_runbooks_dir() -> Path:
    return config_dir() / "runbooks"


def bundled_runbooks_dir() -> Path:
    return _PACKAGE_DIR / "runbooks"


def bundled_themes_dir() -> Path:
    """Themes shipped with cockpit.

    A wheel carries the top-level ``themes/`` folder as ``cockpit/_bundled_themes``;
    an editable install or a source checkout reads ``themes/`` beside the package.
    """
    packaged = _PACKAGE_DIR / "_bundled_themes"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / "themes"


@dataclass(frozen=True)
class Locations:
    config_file: Path
    data_dir: Path
    database_file: Path
    state_file: Path
    user_themes_dir: Path
    user_plugins_dir: Path
    user_runbooks_dir: Path
    bundled_runbooks_dir: Path
    bundled_themes_dir: Path

    def as_dict(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.__dict__.items()}


def current() -> Locations:
    return Locations(
        config_file=config_file(),
        data_dir=data_dir(),
        database_file=database_file(),
        state_file=state_file(),
        user_themes_dir=user_themes_dir(),
        user_plugins_dir=user_plugins_dir(),
        user_runbooks_dir=user_runbooks_dir(),
        bundled_runbooks_dir=bundled_runbooks_dir(),
        bundled_themes_dir=bundled_themes_dir(),
    )
