"""`cockpit record` as a service runs it: two recorders on one notebook, on the real
stack; only the holder of the recording duty writes, and the other takes over when it
stops."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cockpit.demo.stack import DemoStack

from .conftest import wait_for


class Recorder:
    def __init__(self, config: Path, notebook: Path) -> None:
        env = dict(os.environ, COCKPIT_CONFIG=str(config), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cockpit", "record", "--notebook", str(notebook)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )  # fmt: skip
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)


@pytest.fixture
def recorders(stack: DemoStack, tmp_path: Path) -> Iterator[Callable[[], Recorder]]:
    assert stack.config_path is not None
    started: list[Recorder] = []

    def start() -> Recorder:
        recorder = Recorder(stack.config_path, tmp_path / "notebook.sqlite3")  # type: ignore[arg-type]
        started.append(recorder)
        return recorder

    yield start
    for recorder in started:
        if recorder.process.poll() is None:
            recorder.process.kill()
            recorder.process.wait()


def _events(notebook: Path, kind: str) -> list[str]:
    with sqlite3.connect(notebook) as conn:
        rows = conn.execute(
            "SELECT subject FROM timeline_events WHERE kind = ? ORDER BY id", (kind,)
        ).fetchall()
    return [row[0] for row in rows]


def test_one_recorder_writes_and_the_other_takes_over(
    recorders: Callable[[], Recorder], faults: Callable[..., str], tmp_path: Path
) -> None:
    notebook = tmp_path / "notebook.sqlite3"
    first = recorders()
    wait_for("the first recorder to take the duty", lambda: first.said("recording: this"))
    second = recorders()
    wait_for("the second to stand by", lambda: second.said("standing by:"))
    assert second.said(f"(pid {first.process.pid}) records")

    faults("ready=down")
    wait_for("probe_down in the notebook", lambda: _events(notebook, "probe_down"))
    wait_for("the first to say so", lambda: first.said("probes: 1 event(s) recorded"))
    assert _events(notebook, "probe_down") == ["ready"]
    assert not second.said("event(s) recorded")

    assert first.stop() == 0
    assert first.said("stopped; the recording duty is free")
    wait_for("the second to take over", lambda: second.said("recording: this process"))
    faults("reset")
    wait_for("probe_up in the notebook", lambda: _events(notebook, "probe_up"))
    assert _events(notebook, "probe_down") == ["ready"]  # not a second copy
    assert second.stop() == 0
    with sqlite3.connect(notebook) as conn:
        assert conn.execute("SELECT count(*) FROM recorder_duty").fetchone() == (0,)
