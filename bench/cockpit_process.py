"""The cockpit as its own process, the way a user runs it: in a tmux pane when tmux is
installed (a real terminal, real frames), else headless (Textual's headless driver, see
headless_cockpit.py). Its CPU time and RSS are read from /proc."""

from __future__ import annotations

import os
import select
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
# What the five panes' border titles say once they are drawn.
TITLES = ("1 SLOs", "2 Alerts", "3 Timeline", "4 Runbooks", "5 Probes")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in KiB: the resident set now and its peak."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(rest.split()[0])
    return found["VmRSS"], found["VmHWM"]


@dataclass
class CockpitProcess:
    """`cockpit` on ``config`` with its data in ``home``; ``tmux`` False runs it headless."""

    config: Path
    home: Path
    tmux: bool = field(default_factory=lambda: shutil.which("tmux") is not None)
    pid: int = 0
    started: float = 0.0
    _socket: str = ""
    _headless: subprocess.Popen[bytes] | None = None

    @property
    def how(self) -> str:
        return "tmux 200x50" if self.tmux else "headless (no tmux)"

    def env(self) -> dict[str, str]:
        home = self.home
        return {
            "COCKPIT_CONFIG": str(self.config),
            "COCKPIT_DATA_DIR": str(home / "data"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
        }

    def start(self) -> CockpitProcess:
        self.home.mkdir(parents=True, exist_ok=True)
        if self.tmux:
            self._socket = f"cockpit-bench-{os.getpid()}-{time.monotonic_ns()}"
            words = ["exec", "env", "-i", *(f"{k}={v}" for k, v in self.env().items()),
                     sys.executable, "-m", "cockpit"]  # fmt: skip
            self.started = time.perf_counter()
            subprocess.run(
                ["tmux", "-L", self._socket, "-f", "/dev/null", "new-session", "-d",
                 "-x", "200", "-y", "50", "-s", "bench", shlex.join(words)],
                check=True,
            )  # fmt: skip
            out = self._tmux("list-panes", "-t", "bench", "-F", "#{pane_pid}")
            self.pid = int(out.split()[0])
        else:
            self.started = time.perf_counter()
            with (self.home / "headless.log").open("wb") as log:
                self._headless = subprocess.Popen(
                    [sys.executable, str(HERE / "headless_cockpit.py")],
                    env=self.env(), stdout=subprocess.PIPE, stderr=log,
                )  # fmt: skip
            self.pid = self._headless.pid
        return self

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self._socket, *args], capture_output=True, text=True, check=True
        ).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "bench") if self.tmux else ""

    def first_frame(self, timeout: float = 60.0) -> float:
        """Seconds from the start to the first frame with all five panes drawn: in tmux
        the pane titles on screen; headless the child says when all five are laid out."""
        deadline = self.started + timeout
        if not self.tmux:
            assert self._headless is not None and self._headless.stdout is not None
            ready, _, _ = select.select([self._headless.stdout], [], [], timeout)
            line = self._headless.stdout.readline() if ready else b""
            if not line.startswith(b"frame"):
                said = (self.home / "headless.log").read_text(errors="replace")[-500:]
                raise RuntimeError(f"the headless cockpit ended before its first frame: {said}")
            return time.perf_counter() - self.started
        while time.perf_counter() < deadline:
            text = self.screen()
            if all(title in text for title in TITLES):
                return time.perf_counter() - self.started
            time.sleep(0.01)
        raise RuntimeError(f"no frame with all five panes in {timeout:.0f} s:\n{self.screen()}")

    def cpu_share(self, window: float) -> float:
        """Percent of one core the process used over the next ``window`` seconds."""
        cpu0, wall0 = cpu_seconds(self.pid), time.perf_counter()
        time.sleep(window)
        cpu1, wall1 = cpu_seconds(self.pid), time.perf_counter()
        return 100 * (cpu1 - cpu0) / (wall1 - wall0)

    def stop(self) -> None:
        if self.tmux and self._socket:
            subprocess.run(["tmux", "-L", self._socket, "kill-server"], capture_output=True)
            self._socket = ""
        if self._headless is not None:
            self._headless.terminate()
            try:
                self._headless.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._headless.kill()
                self._headless.wait()
            self._headless = None

    def __enter__(self) -> CockpitProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
