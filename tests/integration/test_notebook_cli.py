"""`cockpit notebook copy` and `notebook info` on a real PostgreSQL, with a cockpit role
whose password comes from the secret store, never from the URL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cockpit.cli import main
from cockpit.store import open_notebook
from cockpit.store.copy import row_counts
from cockpit.store.notebook import LATEST_VERSION
from tests.handoff_seed import seed_shift

PASSWORD = "team-notebook-pw"


@pytest.fixture
def team_url(pg_server: Any) -> str:
    database = pg_server.database_name(pg_server.database())
    return str(pg_server.role(f"cockpit_{database}", PASSWORD, database))


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    path = tmp_path / "mine.sqlite3"
    with open_notebook(path) as notebook:
        seed_shift(notebook)
    return path


def test_copy_then_info_with_the_password_from_the_secret_store(
    team_url: str, mine: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COCKPIT_SECRET_NOTEBOOK", PASSWORD)
    assert main(["notebook", "copy", str(mine), team_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("copied ") and team_url in out and PASSWORD not in out
    assert main(["notebook", "info", team_url, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    with open_notebook(mine) as notebook:
        expected = row_counts(notebook)
    assert shown["backend"] == "postgresql"
    assert shown["schema_version"] == LATEST_VERSION
    assert shown["rows"] == expected
    # The second copy finds a non-empty notebook and says what to do.
    assert main(["notebook", "copy", str(mine), team_url]) == 1
    err = capsys.readouterr().err
    assert "is not empty" in err and "--merge" in err
    assert main(["notebook", "copy", str(mine), team_url, "--merge", "--json"]) == 0
    merged = json.loads(capsys.readouterr().out)
    assert sum(merged["copied"].values()) == 0
    assert sum(merged["skipped"].values()) == sum(expected.values())


def test_without_the_password_it_says_where_to_put_it(
    team_url: str, mine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notebook", "info", team_url]) == 1
    err = capsys.readouterr().err
    assert f"cannot connect to {team_url}: fe_sendauth: no password supplied" in err
    assert "cockpit secret set notebook" in err
    wrong = team_url.replace("@", ":not-it@")
    assert main(["notebook", "info", wrong]) == 1
    err = capsys.readouterr().err
    assert "password authentication failed" in err and "not-it" not in err


def test_info_on_a_sqlite_file(mine: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notebook", "info", str(mine), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["backend"] == "sqlite"
    assert shown["notebook"] == str(mine)
    assert shown["rows"]["incidents"] == 2


def test_a_notebook_is_never_copied_onto_itself(
    mine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notebook", "copy", str(mine), str(mine)]) == 1
    assert "both source and destination" in capsys.readouterr().err


def test_a_read_only_role_reads_and_is_refused_a_write(
    pg_server: Any, mine: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = pg_server.database_name(pg_server.database())
    owner = pg_server.role(f"cockpit_{database}", PASSWORD, database)
    monkeypatch.setenv("COCKPIT_SECRET_NOTEBOOK", PASSWORD)
    assert main(["notebook", "copy", str(mine), owner]) == 0
    reader = pg_server.role(f"reader_{database}", PASSWORD, database, read_only=True)
    capsys.readouterr()
    assert main(["notebook", "info", reader, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"]["incidents"] == 2
    fresh = mine.with_name("fresh.sqlite3")
    with open_notebook(fresh) as notebook:
        notebook.connection.execute(
            "INSERT INTO notes (created_at, body) VALUES ('2026-12-05T06:00:00.000000Z', 'new')"
        )
    assert main(["notebook", "copy", str(fresh), reader, "--merge"]) == 1
    said = capsys.readouterr().err
    assert f"nothing was written: the role reader_{database} may only read" in said
    # The cockpit knows before it tries: a command that writes is refused the same way.
    config = mine.with_name("reader.toml")
    config.write_text(f'[notebook]\nurl = "{reader}"\n')
    monkeypatch.setenv("COCKPIT_CONFIG", str(config))
    monkeypatch.delenv("COCKPIT_NOTEBOOK", raising=False)
    assert main(["incident", "create", "--title", "x", "--severity", "Sev3"]) != 0
    assert "may only read" in capsys.readouterr().err
    with open_notebook(owner, password=PASSWORD) as writer:
        assert writer.read_only is None
