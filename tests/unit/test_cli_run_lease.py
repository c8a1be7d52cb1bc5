"""`cockpit runbook run` and the run lease: a run open in another cockpit is refused (exit
2) with who and since when, `--take-over` takes it, and the first cockpit's next write is
refused (exit 2); once with two real processes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cockpit import locations
from cockpit.cli import main
from cockpit.model.run_lease import LeaseHolder
from cockpit.store import open_notebook
from cockpit.store.run_leases import (
    LeaseLostError,
    current_lease,
    renew_lease,
    take_lease,
    takeovers,
)
from cockpit.store.runbook_runs import load_run

from .test_cli_runbook import answers, mine

__all__ = ["mine"]  # the fixture, shared with the runbook CLI tests


def _lease_held_by_sam(run: int, since: datetime) -> LeaseHolder:
    sam = LeaseHolder("sam", "host-a", 123, "sam-token-123")
    with open_notebook(locations.database_file()) as store:
        take_lease(store, run, sam, since, take_over=True)
    return sam


def _paused_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    answers(monkeypatch, "q")
    assert main(["runbook", "run", "mine", "--label", "who=x"]) == 0
    capsys.readouterr()


def test_a_run_open_elsewhere_is_refused_then_taken_over(
    mine: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = locations.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[oncall]\nme = "alice"\ntimezone = "Europe/Berlin"\n', encoding="utf-8")
    _paused_run(monkeypatch, capsys)
    with open_notebook(locations.database_file()) as store:
        assert current_lease(store, 1) is None  # pausing let go
    since = datetime.now(UTC)
    sam = _lease_held_by_sam(1, since)
    answers(monkeypatch, "d")
    assert main(["runbook", "run", "--resume", "1"]) == 2
    err = capsys.readouterr().err
    berlin = f"{since.astimezone(ZoneInfo('Europe/Berlin')):%H:%M}"
    assert f"run #1: sam on host-a (pid 123) has this run open since {berlin}." in err
    assert "cockpit runbook history --run 1" in err
    assert "cockpit runbook run --resume 1 --take-over" in err
    assert main(["runbook", "run", "mine", "--take-over"]) == 2
    assert "--take-over goes with --resume" in capsys.readouterr().err

    answers(monkeypatch, "d", "q")
    assert main(["runbook", "run", "--resume", "1", "--take-over"]) == 0
    out = capsys.readouterr().out
    assert "Took over: run #1 was taken over by alice on " in out
    assert "from sam on host-a (pid 123)" in out
    with open_notebook(locations.database_file()) as store:
        loaded = load_run(store, 1)
        assert loaded is not None and loaded[0].steps[0].who == "alice"
        assert current_lease(store, 1) is None  # q paused and let go
        assert takeovers(store, 1)[0].previous.holder == sam
        with pytest.raises(LeaseLostError):  # sam's cockpit can no longer write
            renew_lease(store, 1, sam, datetime.now(UTC))
    assert main(["runbook", "history", "--run", "1", "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert history["takeovers"][0]["from"]["who"] == "sam"
    assert history["takeovers"][0]["by"]["who"] == "alice" and history["open_by"] is None


def test_a_write_after_a_takeover_is_refused_with_exit_code_2(
    mine: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        if len(asked) == 2:  # while the on-call reads step 2, sam takes the run over
            _lease_held_by_sam(1, datetime.now(UTC))
        if len(asked) > 2:
            raise EOFError
        return "d"

    monkeypatch.setattr("cockpit.cli.runbook._ask", ask)
    assert main(["runbook", "run", "mine", "--label", "who=x"]) == 2
    out = capsys.readouterr().out
    assert (
        "Stopped: run #1 is not yours any more: sam on host-a (pid 123) took it over; "
        "nothing was recorded." in out
    )
    assert "cockpit runbook history --run 1" in out
    with open_notebook(locations.database_file()) as store:
        loaded = load_run(store, 1)
        assert loaded is not None
        assert [s.outcome for s in loaded[0].steps] == ["done", "pending", "pending"]
        lease = current_lease(store, 1)
        assert lease is not None and lease.holder.who == "sam"  # left alone on the way out


def test_two_processes_one_run(
    mine: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_notebook(locations.database_file()):
        pass  # migrated before the other process starts, so neither waits on the other
    first = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "runbook", "run", "mine", "--label", "who=x"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lease = None
        for _ in range(150):
            with open_notebook(locations.database_file()) as store:
                lease = current_lease(store, 1)
            if lease is not None:
                break
            time.sleep(0.1)
        assert lease is not None, "the first cockpit took no lease"
        assert lease.holder.pid == first.pid
        assert main(["runbook", "run", "--resume", "1"]) == 2
        err = capsys.readouterr().err
        assert f"(pid {first.pid}) has this run open since" in err
        answers(monkeypatch, "d", "q")
        assert main(["runbook", "run", "--resume", "1", "--take-over"]) == 0
        out, err = first.communicate("d\n", timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 2, err
    assert "Stopped: run #1 is not yours any more: " in out
    assert "took it over; nothing was recorded." in out
    with open_notebook(locations.database_file()) as store:
        loaded = load_run(store, 1)
        assert loaded is not None
        assert [s.outcome for s in loaded[0].steps] == ["done", "pending", "pending"]
        assert takeovers(store, 1)[0].previous.holder.pid == first.pid
