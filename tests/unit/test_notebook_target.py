"""Where the notebook is: COCKPIT_NOTEBOOK, else `[notebook] url`, else the local file; a
URL in the config never holds a password."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cockpit import locations
from cockpit.config import ConfigError, parse


def _config(text: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return parse(tomllib.loads(text), tmp_path / "config.toml")


def test_the_team_notebook_comes_from_the_config(tmp_path: Path) -> None:
    config = _config('[notebook]\nurl = "postgresql://cockpit@db.internal:5432/oncall"\n', tmp_path)
    assert config.notebook_url == "postgresql://cockpit@db.internal:5432/oncall"
    assert locations.notebook_target(config.notebook_url) == config.notebook_url
    assert _config("", tmp_path).notebook_url is None
    assert locations.notebook_target(None) == locations.database_file()


def test_the_environment_wins_a_file_or_a_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(locations.NOTEBOOK_ENV, str(tmp_path / "other.sqlite3"))
    assert locations.notebook_target("postgresql://x@h/db") == tmp_path / "other.sqlite3"
    monkeypatch.setenv(locations.NOTEBOOK_ENV, "postgresql://me@127.0.0.1:5432/mine")
    assert locations.notebook_target(None) == "postgresql://me@127.0.0.1:5432/mine"
    # The local file stays where it was: a URL is not a file name.
    assert locations.database_file() == locations.data_dir() / locations.DB_FILE_NAME


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://cockpit:hunter2@db:5432/oncall", "holds a password"),
        ("postgresql://cockpit@db/oncall?sslmode=require&password=hunter2", "holds a password"),
        ("mysql://cockpit@db/oncall", "must be a postgresql://"),
        ("/var/lib/cockpit/notebook.sqlite3", "must be a postgresql://"),
    ],
)
def test_a_bad_notebook_url_names_the_key_and_what_to_do(
    tmp_path: Path, url: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        _config(f'[notebook]\nurl = "{url}"\n', tmp_path)
    text = str(refused.value)
    assert "notebook.url" in text and reason in text
    assert "hunter2" not in text
