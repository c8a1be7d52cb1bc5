"""Start the demo stack on free loopback ports: demo service, Prometheus, Alertmanager.

The same code serves `cockpit demo` and the integration tests. Children run in their
own session (a Ctrl-C in the terminal reaches only cockpit, which then stops them in
order) and with a parent-death signal, so even a killed cockpit leaves none behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from cockpit.demo import files

INSTALL_HINT = "apt-get install prometheus prometheus-alertmanager"
BINARIES = {
    "prometheus": ("COCKPIT_PROMETHEUS_BIN", ("prometheus",)),
    "alertmanager": ("COCKPIT_ALERTMANAGER_BIN", ("prometheus-alertmanager", "alertmanager")),
}


WORKDIR_PREFIX = "cockpit-demo-"
OWNER_FILE = "owner.pid"


def sweep_stale_workdirs() -> None:
    """Remove work folders of demos that were killed (-9) and could not clean up."""
    for folder in Path(tempfile.gettempdir()).glob(WORKDIR_PREFIX + "*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if not _pid_alive(owner):
            shutil.rmtree(folder, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StackError(Exception):
    """A part of the demo stack did not start; the message names the log to read."""


def find_binary(part: str) -> str | None:
    env, names = BINARIES[part]
    override = os.environ.get(env)
    if override:
        return override if os.access(override, os.X_OK) else None
    for name in names:
        found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    # PR_SET_PDEATHSIG = 1: the kernel sends SIGTERM to the child when cockpit dies.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


def spawn(workdir: Path, name: str, argv: list[str]) -> Child:
    """Start one child in ``workdir`` (its log: ``<name>.log`` there), in its own session and
    dying with the thread that started it."""
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=workdir,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        except OSError as exc:
            raise StackError(f"cannot start {name} ({argv[0]}): {exc.strerror or exc}") from None
    return Child(name, process, log)


def wait_ready(child: Child, url: str, deadline: float) -> None:
    """Until ``url`` answers 200; StackError (with the log's tail) if the child exits first
    or the monotonic ``deadline`` passes."""
    while True:
        if child.process.poll() is not None:
            tail = child.log.read_text(errors="replace")[-2000:]
            status = child.process.returncode
            raise StackError(f"{child.name} exited with status {status}; log {child.log}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise StackError(f"{child.name} was not ready at {url} in time; see {child.log}")
        time.sleep(0.1)


def stop_children(children: list[Child]) -> None:
    """Terminate the children, the last started first, and wait for each (kill if stuck)."""
    for child in reversed(children):
        if child.process.poll() is None:
            child.process.terminate()
    for child in reversed(children):
        try:
            child.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.process.kill()
            # One stuck child must not keep the others (or the folder) alive.
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=5)


@dataclass
class DemoStack:
    workdir: Path | None = None
    service_url: str = ""
    prometheus_url: str | None = None
    alertmanager_url: str | None = None
    config_path: Path | None = None
    missing: list[str] = field(default_factory=list)
    # Faults the demo service starts with, so every request it ever served had them.
    faults: tuple[str, ...] = ()
    children: list[Child] = field(default_factory=list)
    _own_workdir: bool = False

    def start(self, *, timeout: float = 30.0) -> DemoStack:
        if self.workdir is None:
            sweep_stale_workdirs()
            self.workdir = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
            (self.workdir / OWNER_FILE).write_text(str(os.getpid()))
            self._own_workdir = True
        try:
            self._start_all(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_all(self, timeout: float) -> None:
        assert self.workdir is not None
        work = self.workdir
        service_port, prom_port, am_port = free_port(), free_port(), free_port()
        self.service_url = f"http://127.0.0.1:{service_port}"
        self._spawn(
            "demo-service",
            [sys.executable, "-m", "cockpit.demo.service", "--host", "127.0.0.1",
             "--port", str(service_port), *(f"--fault={f}" for f in self.faults)],
        )  # fmt: skip
        alertmanager = find_binary("alertmanager")
        if alertmanager:
            (work / "alertmanager.yml").write_text(files.ALERTMANAGER_YAML)
            self._spawn(
                "alertmanager",
                [alertmanager, f"--config.file={work / 'alertmanager.yml'}",
                 f"--storage.path={work / 'alertmanager-data'}",
                 f"--web.listen-address=127.0.0.1:{am_port}",
                 f"--web.external-url=http://127.0.0.1:{am_port}",
                 "--cluster.listen-address=", "--log.level=warn"],
            )  # fmt: skip
            self.alertmanager_url = f"http://127.0.0.1:{am_port}"
        else:
            self.missing.append("alertmanager")
        prometheus = find_binary("prometheus")
        if prometheus:
            (work / "rules.yml").write_text(files.rules_yaml())
            (work / "prometheus.yml").write_text(files.prometheus_yaml(service_port, am_port))
            self._spawn(
                "prometheus",
                [prometheus, f"--config.file={work / 'prometheus.yml'}",
                 f"--storage.tsdb.path={work / 'prometheus-data'}",
                 f"--web.listen-address=127.0.0.1:{prom_port}",
                 # Generator URLs name the loopback address, not the machine's host name.
                 f"--web.external-url=http://127.0.0.1:{prom_port}",
                 "--storage.tsdb.retention.time=2d", "--log.level=warn"],
            )  # fmt: skip
            self.prometheus_url = f"http://127.0.0.1:{prom_port}"
        else:
            self.missing.append("prometheus")
        deadline = time.monotonic() + timeout
        self._wait_ready("demo-service", self.service_url + "/health/live", deadline)
        if self.alertmanager_url:
            self._wait_ready("alertmanager", self.alertmanager_url + "/-/ready", deadline)
        if self.prometheus_url:
            self._wait_ready("prometheus", self.prometheus_url + "/-/ready", deadline)
        self.config_path = work / "cockpit.toml"
        self.config_path.write_text(
            files.cockpit_toml(
                prometheus_url=self.prometheus_url,
                alertmanager_url=self.alertmanager_url,
                service_url=self.service_url,
                me=_user_name(),
            )
        )

    def _spawn(self, name: str, argv: list[str]) -> None:
        assert self.workdir is not None
        self.children.append(spawn(self.workdir, name, argv))

    def _wait_ready(self, name: str, url: str, deadline: float) -> None:
        wait_ready(next(c for c in self.children if c.name == name), url, deadline)

    def missing_message(self) -> str:
        if not self.missing:
            return ""
        return (
            f"{' and '.join(self.missing)} not found; the demo runs without it. "
            f"Install on Debian with: {INSTALL_HINT}"
        )

    def state(self) -> dict[str, object]:
        return {
            "pid": os.getpid(),
            "service_url": self.service_url,
            "prometheus_url": self.prometheus_url,
            "alertmanager_url": self.alertmanager_url,
            "config_path": str(self.config_path),
            "workdir": str(self.workdir),
        }

    def stop(self) -> None:
        stop_children(self.children)
        self.children.clear()
        if self._own_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self._own_workdir = False

    def __enter__(self) -> DemoStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "demo"


def write_state_file(path: Path, stack: DemoStack) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(stack.state(), indent=2))
    tmp.replace(path)


def read_state_file(path: Path) -> dict[str, object] | None:
    """The running demo's URLs, or None when no demo runs (a stale file is ignored)."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict):
        return None
    pid = state.get("pid")
    if not isinstance(pid, int) or not _pid_alive(pid):
        return None
    return state
