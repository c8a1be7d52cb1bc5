"""Fixtures for every test: the user's files, keyring and theme never leak in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Config, data, themes, plugins and runbooks under tmp_path; an in-memory keyring."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("COCKPIT_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path / "data"))
    for name in ("NO_COLOR", "TEXTUAL_THEME", "FORCE_COLOR", "COCKPIT_NOTEBOOK"):
        monkeypatch.delenv(name, raising=False)
    for name in list(__import__("os").environ):
        if name.startswith("COCKPIT_SECRET_"):
            monkeypatch.delenv(name)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


# --- the notebook on both backends -------------------------------------------------------
# Store and service tests take ``notebook_target``: a SQLite file, then a fresh database on
# a real PostgreSQL server that the session starts once (tests/pg_server.py). Without
# PostgreSQL installed the second run skips, unless COCKPIT_REQUIRE_REAL_STACK=1 (CI).

@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    import os

    from tests.pg_server import INSTALL_HINT, PgServer, find_bin_dir

    if find_bin_dir() is None:
        message = f"PostgreSQL not installed ({INSTALL_HINT})"
        if os.environ.get("COCKPIT_REQUIRE_REAL_STACK") == "1":
            pytest.fail(f"COCKPIT_REQUIRE_REAL_STACK=1 but {message}")
        pytest.skip(message)
    with PgServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def notebook_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's notebook lives: a file under tmp_path, or an empty PostgreSQL
    database of its own."""
    if request.param == "sqlite":
        return tmp_path / "notebook.sqlite3"
    server = request.getfixturevalue("pg_server")
    return str(server.database())
