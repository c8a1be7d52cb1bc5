"""A fault on a real stack of its own, told from start to end while the rest of the suite
runs: the stack starts, `cockpit record` records it, Prometheus gets a minute of data,
then a fault is set at T1 and cleared at T2 (35 s later), and the story waits until T2+62s
is in the past. The time-travel test then only asks about it (alerts --at, slo report
--at, probe history), instead of sleeping three minutes of its own.

Started from tests/integration/conftest.py once collection holds the time-travel test;
the test waits for it to end (a bound, not a timing) and sees its failure, if any."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from cockpit.demo.control import apply_faults
from cockpit.demo.stack import DemoStack

from .waiting import poll_until, sleep_until

FAULTS = ["error-rate=50%", "ready=down"]
BEFORE = timedelta(seconds=65)  # Prometheus holds this much before T1
FAULT_LASTS = timedelta(seconds=35)
AFTER = timedelta(seconds=62)  # T2+60s must be in the past when the test asks


@dataclass
class FaultStory:
    home: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cockpit-story-")))
    stack: DemoStack | None = None
    t1: datetime | None = None
    t2: datetime | None = None
    firing: dict[str, Any] | None = None  # the alert as Alertmanager had it during the fault
    error: BaseException | None = None
    recorder_output: list[str] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    # The stack's processes die with the thread that started them (PR_SET_PDEATHSIG), so
    # the story's thread lives on until the session ends, then stops the stack itself.
    _ended: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def notebook(self) -> Path:
        return self.home / "notebook.sqlite3"

    def start(self) -> FaultStory:
        self._thread = threading.Thread(target=self._tell, name="fault-story", daemon=True)
        self._thread.start()
        return self

    def _query(self, expr: str) -> list[Any]:
        assert self.stack is not None and self.stack.prometheus_url is not None
        body = httpx.get(
            f"{self.stack.prometheus_url}/api/v1/query", params={"query": expr}, timeout=2
        ).json()
        return list(body.get("data", {}).get("result", []))

    def _firing(self) -> dict[str, Any] | None:
        assert self.stack is not None
        alerts = httpx.get(f"{self.stack.alertmanager_url}/api/v2/alerts", timeout=2).json()
        found = [a for a in alerts if a["labels"].get("alertname") == "HighErrorRate"
                 and a["labels"].get("severity") == "critical"]  # fmt: skip
        return found[0] if found else None

    def _tell(self) -> None:
        recorder: subprocess.Popen[str] | None = None
        try:
            self.stack = DemoStack().start()
            assert self.stack.config_path is not None and self.stack.service_url is not None
            poll_until("the first scrape", lambda: self._query("up"))
            first = datetime.now(UTC)
            env = dict(os.environ, COCKPIT_CONFIG=str(self.stack.config_path),
                       COCKPIT_DATA_DIR=str(self.home / "data"), PYTHONUNBUFFERED="1")  # fmt: skip
            recorder = subprocess.Popen(
                [sys.executable, "-m", "cockpit", "record", "--notebook", str(self.notebook)],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            )  # fmt: skip
            threading.Thread(target=self._read, args=(recorder,), daemon=True).start()
            sleep_until(first + BEFORE)
            self.t1 = datetime.now(UTC)
            apply_faults(self.stack.service_url, FAULTS)
            self.firing = poll_until("HighErrorRate firing in Alertmanager", self._firing)
            sleep_until(self.t1 + FAULT_LASTS)
            apply_faults(self.stack.service_url, ["reset"])
            self.t2 = datetime.now(UTC)
            sleep_until(self.t2 + AFTER)
        except BaseException as exc:  # said by the test that waits for the story
            self.error = exc
        finally:
            if recorder is not None:
                recorder.send_signal(signal.SIGTERM)
                if recorder.wait(timeout=20) != 0 and self.error is None:
                    self.error = RuntimeError("cockpit record did not stop cleanly")
            self.done.set()
        self._ended.wait()
        if self.stack is not None:
            self.stack.stop()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.recorder_output.append(line.rstrip("\n"))

    def stop(self) -> None:
        self._ended.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
