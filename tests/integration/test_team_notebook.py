"""A team's notebook: `[notebook] url` points every command at one PostgreSQL database
(the password from the secret store); two "machines" see each other's incidents; doctor
checks the connection, the schema and who records."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cockpit.cli import main
from cockpit.store.notebook import LATEST_VERSION

PASSWORD = "team-pw"


@pytest.fixture
def team_url(pg_server: Any) -> str:
    database = pg_server.database_name(pg_server.database())
    return str(pg_server.role(f"team_{database}", PASSWORD, database))


def _configure(url: str) -> None:
    config = Path(os.environ["COCKPIT_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[oncall]\nme = "alice"\n\n[notebook]\nurl = "{url}"\n')


def test_commands_use_the_team_notebook_and_never_the_local_file(
    team_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure(team_url)
    monkeypatch.setenv("COCKPIT_SECRET_NOTEBOOK", PASSWORD)
    assert main(["incident", "create", "--title", "db down", "--severity", "Sev2", "--json"]) == 0
    incident = json.loads(capsys.readouterr().out)["id"]
    # Another machine: another data directory, the same config.
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(Path(os.environ["COCKPIT_DATA_DIR"]) / "bob"))
    assert main(["incident", "note", incident, "bob is on it"]) == 0
    capsys.readouterr()
    assert main(["incident", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [i["id"] for i in listed] == [incident]
    assert not (Path(os.environ["COCKPIT_DATA_DIR"]) / "cockpit.sqlite3").exists()
    assert main(["notebook", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["backend"] == "postgresql" and info["rows"]["incidents"] == 1
    assert info["rows"]["notes"] == 1


def test_doctor_checks_the_team_notebook(
    team_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure(team_url)
    main(["doctor", "--json"])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert not checks["notebook"]["ok"]
    assert "no password supplied" in checks["notebook"]["detail"]
    monkeypatch.setenv("COCKPIT_SECRET_NOTEBOOK", PASSWORD)
    main(["doctor", "--json"])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    # An empty database: reachable, not migrated by the check itself.
    assert checks["notebook"]["ok"], checks["notebook"]
    assert "schema v0" in checks["notebook"]["detail"]
    assert main(["notebook", "info"]) == 0  # opening it migrates it
    capsys.readouterr()
    main(["doctor", "--json"])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert f"schema v{LATEST_VERSION}, current" in checks["notebook"]["detail"]
    assert "nothing records transitions now" in checks["recorder"]["detail"]
    assert PASSWORD not in json.dumps(checks)
