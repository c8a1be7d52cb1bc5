"""`cockpit demo --no-ui` as a user runs it: URLs printed, faults from the CLI, and
nothing left running after SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cockpit.demo.stack import find_binary

from .conftest import REQUIRE


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid``, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def demo_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    if not (find_binary("prometheus") and find_binary("alertmanager")):
        if REQUIRE:
            pytest.fail("COCKPIT_REQUIRE_REAL_STACK=1 but the binaries are missing")
        pytest.skip("prometheus / alertmanager not installed")
    env = dict(os.environ)
    process = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "demo", "--no-ui"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    urls: dict[str, str] = {}
    for line in process.stdout:
        name, _, value = line.strip().partition(" ")
        urls[name] = value.strip()
        if name == "config":
            break
    yield process, urls
    if process.poll() is None:
        process.kill()
        process.wait()


def test_sigterm_leaves_no_process(
    demo_process: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    process, urls = demo_process
    assert urls["prometheus"].startswith("http://127.0.0.1:")
    assert urls["alertmanager"].startswith("http://127.0.0.1:")
    children = _children(process.pid)
    assert len(children) == 3, children  # demo service, Prometheus, Alertmanager
    state = json.loads((Path(os.environ["COCKPIT_DATA_DIR"]) / "demo.json").read_text())
    assert state["service_url"] == urls["service"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in children if _alive(pid)] == []
    assert not Path(state["workdir"]).exists()
    assert not (Path(os.environ["COCKPIT_DATA_DIR"]) / "demo.json").exists()


def test_fault_from_the_cli_reaches_the_service(
    demo_process: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    process, urls = demo_process
    service = urls["service"]
    ok = subprocess.run(
        [sys.executable, "-m", "cockpit", "demo", "fault", "error-rate=5%", "latency=100ms"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "error-rate=5%" in ok.stdout
    faults = httpx.get(f"{service}/admin/faults", timeout=5).json()
    assert "error-rate=5%" in faults["faults"]
    bad = subprocess.run(
        [sys.executable, "-m", "cockpit", "demo", "fault", "eror-rate=5%"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "error-rate" in bad.stderr  # the message lists the accepted forms
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


def test_fault_without_a_running_demo_says_how_to_start_one() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cockpit", "demo", "fault", "reset"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2
    assert "cockpit demo" in result.stderr


def test_demo_env_points_the_cli_at_the_running_demo(
    demo_process: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    process, urls = demo_process
    printed = subprocess.run(
        [sys.executable, "-m", "cockpit", "demo", "env"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    notebook = Path(os.environ["COCKPIT_DATA_DIR"]) / "demo.sqlite3"
    located = subprocess.run(
        ["bash", "-c", f'eval "$({sys.executable} -m cockpit demo env)" && '
         f"{sys.executable} -m cockpit locate --json"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    paths = json.loads(located.stdout)
    assert paths["config_file"] == urls["config"]
    assert paths["database_file"] == str(notebook)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    gone = subprocess.run(
        [sys.executable, "-m", "cockpit", "demo", "env"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert gone.returncode == 2 and "no demo is running" in gone.stderr
