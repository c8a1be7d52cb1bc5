"""The last resort: whatever escapes a command or the screen becomes one line naming a
private log file that holds the traceback; the terminal never shows the traceback."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from cockpit import locations
from cockpit.cli import main
from cockpit.config import Config, OnCall
from cockpit.store import NotebookError
from cockpit.ui.app import CockpitApp


def _log_named_in(text: str) -> Path:
    found = re.search(r"The details are in (\S+\.log)", text)
    assert found is not None, text
    return Path(found.group(1))


def test_a_command_that_crashes_says_where_the_details_are(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom() -> object:
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(locations, "current", boom)
    assert main(["locate"]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    assert "internal error in `cockpit locate` (RuntimeError: something unexpected)" in out.err
    log = _log_named_in(out.err)
    assert log.parent == locations.crash_logs_dir()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "in boom" in text


def test_notebook_trouble_that_escapes_a_command_is_said_plainly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def locked() -> object:
        raise NotebookError("the notebook x is locked: pid 1 (init) held its write lock")

    monkeypatch.setattr(locations, "current", locked)
    assert main(["locate"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "cockpit: the notebook x is locked: pid 1 (init) held its write lock"
    assert not locations.crash_logs_dir().exists()


def test_a_log_that_cannot_be_written_still_gives_a_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(blocker))

    def boom() -> object:
        raise KeyError("k")

    monkeypatch.setattr(locations, "current", boom)
    assert main(["locate"]) == 2
    err = capsys.readouterr().err
    assert "internal error in `cockpit locate` (KeyError: 'k'); could not save" in err
    assert "Traceback" not in err


async def test_the_screen_crashes_into_a_log_file_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = CockpitApp(
        Config(path=None, oncall=OnCall(me="alice", timezone="UTC")),
        tmp_path / "data" / "cockpit.sqlite3",
        poll=False,
    )

    def boom() -> None:
        raise ZeroDivisionError("in a key handler")

    with pytest.raises(ZeroDivisionError):  # Pilot hands the error to the test
        async with app.run_test() as pilot:
            app.call_later(boom)
            await pilot.pause()
            await pilot.pause()
    assert app.return_code == 2
    assert "Traceback" not in capsys.readouterr().err
    shown = app.crash_line or ""
    assert "internal error in the cockpit screen (ZeroDivisionError: in a key handler)" in shown
    assert "Traceback" not in shown
    assert "Traceback" in _log_named_in(shown).read_text()
