"""Every CLI command's output passes the sanitiser: command output with escape sequences,
incident titles with a newline, anything printed by a command that forgot to clean it."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit import locations
from cockpit.cli import main
from cockpit.cli.output import visible_output
from cockpit.store import open_notebook
from cockpit.store.incidents import create_incident

ATTACK = "\x1b[2J\x1b]0;title\x07\x1b]52;c;cm0gLXJm\x07\x1b[8m"


def test_the_guard_shows_what_any_print_sends(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    with visible_output():
        print(f"a{ATTACK}b\n\tc\u202e")
        print("\x9b2J", file=sys.stderr)
    assert sys.stdout is out and sys.stderr is err
    assert out.getvalue() == (
        "a\\x1b[2J\\x1b]0;title\\x07\\x1b]52;c;cm0gLXJm\\x07\\x1b[8mb\n\tc\\u202e\n"
    )
    assert err.getvalue() == "\\x9b2J\n"


def test_command_output_with_escapes_is_shown_not_obeyed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = locations.user_runbooks_dir()
    folder.mkdir(parents=True)
    command = "printf '\\033[2J\\033]52;c;cm0gLXJm\\007\\033[8mhidden\\n'"
    (folder / "esc.md").write_text(
        f"---\nname: esc\n---\n# Esc\n\n- [ ] Print\n  ```sh\n  {command}\n  ```\n",
        encoding="utf-8",
    )
    replies = iter(["r", "y"])
    monkeypatch.setattr("cockpit.cli.runbook._ask", lambda prompt: next(replies))
    assert main(["runbook", "run", "esc"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "  | \\x1b[2J\\x1b]52;c;cm0gLXJm\\x07\\x1b[8mhidden" in out
    assert main(["runbook", "history", "--run", "1"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "| \\x1b[2J" in out


def test_incident_titles_with_a_newline_stay_on_their_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_notebook(locations.database_file()) as store:
        create_incident(
            store, title=f"db down\nINC-FAKE Sev1 resolved{ATTACK}", severity="Sev2",
            detected_at=datetime(2026, 11, 20, tzinfo=UTC),
        )  # fmt: skip
    assert main(["incident", "list"]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1
    assert "db down\\nINC-FAKE Sev1 resolved\\x1b[2J" in out and "\x1b" not in out


def test_json_output_stays_json_whatever_a_title_holds(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    # json.dumps(ensure_ascii=False) leaves DEL, C1 and bidi raw: the guard must not turn
    # them into "\x7f" (not JSON); they come out as JSON escapes, the title whole.
    title = f"db\x7fdown\x9b2J\u202e{ATTACK} 東京"
    with open_notebook(locations.database_file()) as store:
        create_incident(
            store, title=title, severity="Sev2", detected_at=datetime(2026, 11, 20, tzinfo=UTC)
        )
    assert main(["incident", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x7f" not in out and "\x9b" not in out and "\x1b" not in out
    assert "東京" in out  # readable text stays readable
    [shown] = json.loads(out)
    assert shown["title"] == title
