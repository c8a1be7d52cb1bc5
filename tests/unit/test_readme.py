"""The README's two commands are the ones CI runs: keep them from drifting apart."""

from __future__ import annotations

import re
from pathlib import Path

import cockpit

REPO = Path(cockpit.__file__).resolve().parent.parent


def _quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_exactly_two_quick_start_commands() -> None:
    demo, tests = _quick_start_commands()
    assert demo.endswith("cockpit demo")
    assert tests.endswith(".venv/bin/pytest")


def test_ci_runs_the_readme_test_command() -> None:
    _, tests = _quick_start_commands()
    ci = (REPO / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == tests
    assert "COCKPIT_REQUIRE_REAL_STACK=1" in "\n".join(ci)
