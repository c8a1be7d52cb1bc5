"""`cockpit demo env` (and --json) for a running demo; a shell that outlived the demo."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from cockpit.cli import main
from cockpit.demo.stack import WORKDIR_PREFIX


def _running_demo(tmp_path: Path, *, alertmanager: bool = True) -> Path:
    """A state file as a running demo writes it (this process stands in for the demo)."""
    config = tmp_path / "demo-work" / "cockpit.toml"
    state = {
        "pid": os.getpid(),
        "service_url": "http://127.0.0.1:4001",
        "prometheus_url": "http://127.0.0.1:4002",
        "alertmanager_url": "http://127.0.0.1:4003" if alertmanager else None,
        "config_path": str(config),
        "workdir": str(config.parent),
    }
    data = Path(os.environ["COCKPIT_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    (data / "demo.json").write_text(json.dumps(state))
    return config


def test_demo_env_names_prometheus_and_alertmanager(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _running_demo(tmp_path)
    assert main(["demo", "env"]) == 0
    out = capsys.readouterr().out
    assert f"export COCKPIT_CONFIG={config}" in out
    assert "export COCKPIT_PROMETHEUS_URL=http://127.0.0.1:4002" in out
    assert "export COCKPIT_ALERTMANAGER_URL=http://127.0.0.1:4003" in out
    # What a shell does with it: amtool gets the URL from the variable.
    shell = subprocess.run(
        ["sh", "-c", 'eval "$1" && echo "$COCKPIT_ALERTMANAGER_URL"', "sh", out],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert shell.stdout.strip() == "http://127.0.0.1:4003"
    assert "amtool --alertmanager.url" in out


def test_demo_env_unsets_what_the_demo_does_not_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _running_demo(tmp_path, alertmanager=False)
    assert main(["demo", "env"]) == 0
    out = capsys.readouterr().out
    assert "unset COCKPIT_ALERTMANAGER_URL" in out
    assert "export COCKPIT_PROMETHEUS_URL=" in out


def test_demo_env_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _running_demo(tmp_path)
    assert main(["demo", "env", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "COCKPIT_CONFIG": str(config),
        "COCKPIT_NOTEBOOK": str(Path(os.environ["COCKPIT_DATA_DIR"]) / "demo.sqlite3"),
        "COCKPIT_PROMETHEUS_URL": "http://127.0.0.1:4002",
        "COCKPIT_ALERTMANAGER_URL": "http://127.0.0.1:4003",
        "COCKPIT_DEMO_SERVICE_URL": "http://127.0.0.1:4001",
    }


def test_demo_env_json_without_a_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "env", "--json"]) == 2
    assert "no demo is running" in capsys.readouterr().err


def test_doctor_without_a_config_fails_and_says_what_to_do(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config", "validate"]) == 2
    capsys.readouterr()
    assert main(["doctor", "--json"]) == 1
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["config"]["ok"] is False
    assert "cockpit config init" in checks["config"]["detail"]
    assert main(["doctor"]) == 1
    assert "FAIL  config" in capsys.readouterr().out


@pytest.fixture
def stale_demo_env(monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shell that ran `eval "$(cockpit demo env)"` before the demo stopped."""
    gone = Path(tempfile.gettempdir()) / f"{WORKDIR_PREFIX}gone-for-test" / "cockpit.toml"
    assert not gone.parent.exists()
    monkeypatch.setenv("COCKPIT_CONFIG", str(gone))
    return gone


@pytest.mark.parametrize(
    "argv",
    [
        ["alerts"],
        ["incident", "list"],
        ["handoff", "show"],
        ["doctor"],
        ["config", "validate"],
        ["slo", "report"],
        ["probe"],
        ["silence", "list"],
        ["runbook", "list"],
    ],
)
def test_a_shell_that_outlived_the_demo_is_told_so(
    argv: list[str], stale_demo_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"the config file {stale_demo_env} no longer exists (the demo stopped?)" in err
    assert "nothing to ask" not in err


def test_starting_a_demo_or_asking_for_its_env_is_not_refused(
    stale_demo_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "env"]) == 2
    assert "no demo is running" in capsys.readouterr().err
    assert main(["locate", "--json"]) == 0


def test_alerts_without_a_config_names_the_missing_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["alerts"]) == 2
    err = capsys.readouterr().err
    assert f"{os.environ['COCKPIT_CONFIG']}: no such file" in err
    assert "cockpit config init" in err
