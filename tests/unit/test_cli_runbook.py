"""`cockpit runbook lint | list | show | run | history`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit import locations
from cockpit.cli import main
from cockpit.store import open_notebook
from cockpit.store.events import latest_events
from cockpit.store.incidents import create_incident
from cockpit.store.runbook_runs import load_run

BROKEN = "---\nname: broken\n---\n# Broken\n\n- [ ] Check\n  ```promql\n  up\n  ```\n"
MINE = (
    "---\nname: mine\ntitle: My runbook\nalerts: [Mine]\n---\n"
    "- [ ] Say hello\n  ```sh\n  echo hello {{labels.who}}\n  ```\n"
    "- [ ] Think\n- [ ] Last\n"
)


def answers(monkeypatch: pytest.MonkeyPatch, *replies: str) -> None:
    feed: Iterator[str] = iter(replies)

    def ask(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("cockpit.cli.runbook._ask", ask)


@pytest.fixture
def mine() -> Path:
    folder = locations.user_runbooks_dir()
    folder.mkdir(parents=True)
    (folder / "mine.md").write_text(MINE, encoding="utf-8")
    return folder / "mine.md"


def test_lint_reports_line_numbers_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.md"
    bad.write_text(BROKEN, encoding="utf-8")
    assert main(["runbook", "lint", str(bad)]) == 1
    out = capsys.readouterr()
    assert f"{bad}:7: promql block has no 'expect: <op> <number>' line" in out.out
    assert "1 problem(s)" in out.err
    assert main(["runbook", "lint", str(tmp_path / "nope.md")]) == 2


def test_lint_every_known_runbook(mine: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runbook", "lint"]) == 0
    assert "9 runbook(s) checked: ok" in capsys.readouterr().out
    (mine.parent / "broken.md").write_text(BROKEN, encoding="utf-8")
    assert main(["runbook", "lint"]) == 1
    assert "broken.md:7:" in capsys.readouterr().out


def test_list_and_show(mine: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runbook", "list", "--json"]) == 0
    listed = {e["name"]: e for e in json.loads(capsys.readouterr().out)}
    assert listed["mine"]["origin"] == "user" and listed["mine"]["steps"] == 3
    assert listed["high-error-rate"]["alerts"] == ["HighErrorRate"]
    assert main(["runbook", "list"]) == 0
    assert "My runbook" in capsys.readouterr().out
    assert main(["runbook", "show", "mine", "--label", "who=it's me"]) == 0
    out = capsys.readouterr().out
    assert "$ echo hello {{labels.who}}" in out
    assert "(cannot run yet: label who holds \"'\" (character 3)" in out
    assert main(["runbook", "show", "nope"]) == 2
    assert "no runbook named 'nope'" in capsys.readouterr().err
    assert main(["runbook", "show", "mine", "--label", "novalue"]) == 2


def test_run_pause_resume_and_history(
    mine: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_notebook(locations.database_file()) as store:
        incident = create_incident(store, title="x", severity="Sev3", detected_at=datetime.now(UTC))
    answers(monkeypatch, "r", "y", "q")
    args = ["runbook", "run", "mine", "--label", "who=demo-api:8080", "--incident", incident.id]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "about to run: echo hello demo-api:8080" in out
    assert "  | hello demo-api:8080" in out
    assert "resume with: cockpit runbook run --resume 1" in out
    answers(monkeypatch, "s", "", "s", "not needed", "f", "it broke")
    assert main(["runbook", "run", "--resume", "1"]) == 1  # a step failed
    out = capsys.readouterr().out
    assert "reason" in out and "Run #1: done" in out
    with open_notebook(locations.database_file()) as store:
        loaded = load_run(store, 1)
        assert loaded is not None
        state = loaded[0]
        assert [s.outcome for s in state.steps] == ["done", "skipped", "failed"]
        assert state.steps[0].output == "hello demo-api:8080\n"
        assert state.steps[0].exit_status == 0
        events = [e for e in latest_events(store) if e.kind == "runbook_step"]
        assert len(events) == 3 and all(e.incident_id == incident.id for e in events)
    assert main(["runbook", "history", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert runs[0]["status"] == "done" and runs[0]["failed"] == 1
    assert main(["runbook", "history", "--run", "1"]) == 0
    assert "| hello demo-api:8080" in capsys.readouterr().out
    assert main(["runbook", "run", "--resume", "1"]) == 2  # done: start a new run
    assert main(["runbook", "run", "mine", "--incident", "INC-1"]) == 2
    capsys.readouterr()
    answers(monkeypatch, "r", "q")
    assert main(["runbook", "run", "mine", "--label", "who=$(id)"]) == 0
    out = capsys.readouterr().out
    assert "not done: label who holds '$' (character 1)" in out
    assert "about to run" not in out


def test_run_refuses_commands_read_only_and_dry_run_runs_nothing(
    mine: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers(monkeypatch, "r", "q")
    assert main(["runbook", "run", "mine", "--label", "who=x", "--read-only"]) == 0
    assert "read-only mode" in capsys.readouterr().out
    answers(monkeypatch, "r", "d", "d")
    assert main(["runbook", "run", "mine", "--label", "who=x", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "DRY RUN" in out and "skipped: dry run: not run" in out and "| hello" not in out
