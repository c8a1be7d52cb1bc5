"""The README's two commands are the ones CI runs: keep them from drifting apart, and
make them work as written both in a root shell without sudo and as a user with sudo."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import cockpit

REPO = Path(cockpit.__file__).resolve().parent.parent


def _quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_exactly_two_quick_start_commands() -> None:
    demo, tests = _quick_start_commands()
    assert demo == "sh scripts/demo"
    assert tests == "sh scripts/test"
    assert "sudo" not in demo + tests  # a root shell may have no sudo


def test_ci_runs_the_readme_test_command() -> None:
    _, tests = _quick_start_commands()
    ci = (REPO / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == tests
    assert "COCKPIT_REQUIRE_REAL_STACK=1" in "\n".join(ci)
    assert "sudo" not in "\n".join(line for line in ci if not line.startswith("#"))


STUBS = {
    # Each stub logs its name and arguments, one call a line.
    "sudo": 'echo "sudo $*" >> "$LOG"; exec "$@"',
    "apt-get": 'echo "apt-get $* frontend=$DEBIAN_FRONTEND" >> "$LOG"',
    "python3": (
        'echo "python3 $*" >> "$LOG"; mkdir -p .venv/bin\n'
        "for tool in pip pytest cockpit; do\n"
        '  printf \'#!/bin/sh\\necho "%s $* require=${COCKPIT_REQUIRE_REAL_STACK-unset}"'
        ' >> "$LOG"\\n\' "$tool" > ".venv/bin/$tool"; chmod +x ".venv/bin/$tool"\n'
        "done"
    ),
}


def _run(tmp_path: Path, script: str, *args: str, uid: int, sudo: bool) -> tuple[int, str, str]:
    """Run a copy of scripts/SCRIPT in a scratch clone, with apt-get, python3 (and sudo)
    replaced by stubs that log their calls, as uid ``uid`` (as `id -u` says)."""
    clone = tmp_path / "clone"
    shutil.copytree(REPO / "scripts", clone / "scripts")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stubs = dict(STUBS, id=f"echo {uid}")
    if not sudo:
        del stubs["sudo"]
    for name, body in stubs.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    for tool in ("sh", "env", "dirname", "mkdir", "chmod", "printf"):
        real = shutil.which(tool)
        assert real is not None
        (bin_dir / tool).symlink_to(real)
    log = tmp_path / "calls.log"
    env = {"PATH": str(bin_dir), "LOG": str(log), "HOME": str(tmp_path)}
    result = subprocess.run(
        ["/bin/sh", f"scripts/{script}", *args], cwd=clone, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    calls = log.read_text() if log.exists() else ""
    return result.returncode, calls, result.stderr


INSTALL = (
    "install -y --no-install-recommends prometheus prometheus-alertmanager python3-venv"
)
INSTALL_FOR_TESTS = f"{INSTALL} postgresql"


def test_test_script_as_a_user_goes_through_sudo(tmp_path: Path) -> None:
    code, calls, err = _run(tmp_path, "test", "tests/unit", "-q", uid=1000, sudo=True)
    assert code == 0, err
    assert calls.splitlines() == [
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get update",
        "apt-get update frontend=noninteractive",
        f"sudo env DEBIAN_FRONTEND=noninteractive apt-get {INSTALL_FOR_TESTS}",
        f"apt-get {INSTALL_FOR_TESTS} frontend=noninteractive",
        "python3 -m venv .venv",
        "pip install .[test] ./plugins/cockpit-webhook ./plugins/cockpit-tlscert require=unset",
        # The extra arguments reach pytest; the script sets no variable CI relies on.
        "pytest tests/unit -q require=unset",
    ]


def test_test_script_as_root_needs_no_sudo(tmp_path: Path) -> None:
    code, calls, err = _run(tmp_path, "test", uid=0, sudo=False)
    assert code == 0, err
    assert not any(line.startswith("sudo") for line in calls.splitlines())
    assert f"apt-get {INSTALL_FOR_TESTS} frontend=noninteractive" in calls.splitlines()
    assert calls.splitlines()[-1] == "pytest  require=unset"


def test_demo_script_runs_the_demo(tmp_path: Path) -> None:
    code, calls, err = _run(tmp_path, "demo", uid=0, sudo=False)
    assert code == 0, err
    assert calls.splitlines()[-2:] == ["pip install . require=unset", "cockpit demo require=unset"]


def test_a_user_without_sudo_is_told_what_to_do(tmp_path: Path) -> None:
    code, calls, err = _run(tmp_path, "demo", uid=1000, sudo=False)
    assert code != 0
    assert "run as root or install sudo" in err
    assert calls == ""


@pytest.mark.parametrize("script", ["install", "demo", "test"])
def test_scripts_are_posix_sh(script: str) -> None:
    dash = shutil.which("dash") or "/bin/sh"
    result = subprocess.run([dash, "-n", str(REPO / "scripts" / script)], capture_output=True)
    assert result.returncode == 0, result.stderr
    assert (REPO / "scripts" / script).read_text().startswith("#!/bin/sh\n")
    assert os.access(REPO / "scripts" / script, os.X_OK)
