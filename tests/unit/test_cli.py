"""The command line as a script sees it: output, --json and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cockpit import __version__
from cockpit.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"cockpit {__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cockpit", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"cockpit {__version__}"


def test_locate_honours_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["locate", "--json"]) == 0
    paths = json.loads(capsys.readouterr().out)
    assert paths["config_file"] == os.environ["COCKPIT_CONFIG"]
    assert paths["data_dir"] == os.environ["COCKPIT_DATA_DIR"]
    assert paths["database_file"] == str(Path(os.environ["COCKPIT_DATA_DIR"]) / "cockpit.sqlite3")
    assert Path(paths["bundled_runbooks_dir"], "high-error-rate.md").is_file()


def test_config_init_then_validate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "init"]) == 0
    assert Path(os.environ["COCKPIT_CONFIG"]).is_file()
    assert main(["config", "init"]) == 2  # refuses to overwrite
    assert main(["config", "validate"]) == 0
    assert capsys.readouterr().out.strip().endswith(": ok")


def test_broken_config_exits_2_naming_file_key_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(
        '[prometheus]\nurl = "localhost:9090"\ntimeout = 5\n'
        '[alertmanager]\nurll = "http://x"\nurl = "http://127.0.0.1:9093"\n'
        '[[slo]]\nname = "a"\nobjective = "high"\ntotal = "x[{{window}}]"\ngood = "y[{{window}}]"\n'
    )
    assert main(["config", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: prometheus.url: 'localhost:9090' is not a URL" in err
    assert f"{path}: alertmanager.urll: unknown key" in err
    assert f"{path}: slo[0].objective: expected a number, got a string" in err
    assert "3 problem(s)" in err


def test_broken_config_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[oncall]\ntimezone = 'Mars/Olympus'\n")
    assert main(["config", "validate", str(path), "--json"]) == 2
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] is False
    assert body["problems"] == [
        {
            "file": str(path),
            "key": "oncall.timezone",
            "reason": "unknown time zone 'Mars/Olympus'; use a name like Europe/Berlin",
        }
    ]


def test_run_with_broken_config_exits_2_before_any_screen(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True)
    path.write_text("[prometheus]\nurl = 3\n")
    assert main([]) == 2
    assert "prometheus.url: expected a string, got an integer" in capsys.readouterr().err


def test_missing_config_file_for_validate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "validate"]) == 2
    assert "cockpit config init" in capsys.readouterr().err


def test_doctor_reports_unreachable_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cockpit.demo.stack import free_port

    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True)
    path.write_text(f'[prometheus]\nurl = "http://127.0.0.1:{free_port()}"\ntimeout = "1s"\n')
    assert main(["doctor", "--json"]) == 1
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["config"]["ok"] is True
    assert checks["prometheus"]["ok"] is False
    assert "connection refused" in checks["prometheus"]["detail"]
    assert checks["alertmanager"]["detail"] == "not configured"
    # Doctor looks without touching: a notebook that does not exist yet is not created.
    assert checks["notebook"]["ok"] is True
    assert "not created yet" in checks["notebook"]["detail"]
    assert not Path(os.environ["COCKPIT_DATA_DIR"], "cockpit.sqlite3").exists()


def test_demo_fault_without_a_running_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "fault", "reset"]) == 2
    assert "start one with `cockpit demo`" in capsys.readouterr().err


def test_slo_check_without_prometheus_cannot_tell(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True)
    path.write_text(
        '[[slo]]\nname = "a"\nobjective = 99\ngood = "g[{{window}}]"\ntotal = "t[{{window}}]"\n'
    )
    assert main(["slo", "check"]) == 2
    assert "Prometheus is not configured" in capsys.readouterr().err


def test_slo_rules_without_slos_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slo", "rules"]) == 2
    assert "no SLOs configured" in capsys.readouterr().err


def test_a_closed_pipe_ends_quietly() -> None:
    import subprocess
    import sys

    # Like `cockpit ... | head`: the reader is gone before the output comes.
    process = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "runbook", "show", "high-error-rate"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in errors and "BrokenPipeError" not in errors
