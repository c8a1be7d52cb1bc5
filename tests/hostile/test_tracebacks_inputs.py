"""Hostile answers and files that used to end in a traceback: each is a message now, with
the documented exit code. Run as real processes: what the user sees is stdout and stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.answers import answering

STRING_ITEMS = ["not an alert", "nor this"]


def cockpit(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        capture_output=True, text=True, timeout=timeout, env=os.environ.copy(),
    )  # fmt: skip


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream
        assert 'File "' not in stream, stream


def _config(text: str) -> Path:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_alert_fields_of_the_wrong_type() -> None:
    """model/alerts.py:64 (a status that is a string) and :85 (a pending item that is)."""
    odd = {"labels": {"alertname": "Odd", "severity": "critical"}, "status": "firing",
           "startsAt": 5, "annotations": ["x"], "fingerprint": "f1"}  # fmt: skip
    answers = {
        "/api/v2/alerts": [odd],
        "/api/v2/silences": [],
        "/api/v1/alerts": {"status": "success", "data": {"alerts": ["pending?", 7]}},
        "/api/v1/rules": {"status": "success", "data": {"groups": [{"rules": "x"}]}},
    }
    with answering(answers) as url:
        _config(f'[alertmanager]\nurl = "{url}"\n[prometheus]\nurl = "{url}"\n')
        result = cockpit("alerts")
    no_traceback(result)
    # 4: the list is printed, but partial (the pending alerts are unknown).
    assert result.returncode == 4
    assert "Odd" in result.stdout
    assert "pending alerts unknown: Prometheus answered 2 item(s) that are not alerts" in (
        result.stderr
    )


def test_alertmanager_items_that_are_strings() -> None:
    answers = {
        "/api/v2/alerts": STRING_ITEMS,
        "/api/v2/silences": ["x", 3],
        "/api/v2/alerts/groups": ["x"],
        "/api/v1/alerts": {"status": "success", "data": {"alerts": ["pending?"]}},
        "/api/v1/rules": {"status": "success", "data": {"groups": 5}},
    }
    with answering(answers) as url:
        _config(f'[alertmanager]\nurl = "{url}"\n[prometheus]\nurl = "{url}"\n')
        for args in (("alerts",), ("alerts", "--json")):
            result = cockpit(*args)
            no_traceback(result)
            assert "Alertmanager answered 2 item(s) that are not alerts" in result.stderr
            assert result.returncode == 2  # cannot tell: not "no alerts"


def test_doctor_with_a_version_info_that_is_not_a_mapping() -> None:
    with answering({"/api/v2/status": {"versionInfo": "nope"}}) as url:
        _config(f'[alertmanager]\nurl = "{url}"\n')
        result = cockpit("doctor")
    no_traceback(result)
    line = next(x for x in result.stdout.splitlines() if x[6:].startswith("alertmanager"))
    assert line.startswith("ok") and "version unknown" in line


@pytest.mark.parametrize("command", [("config", "validate"), ("doctor",), ("alerts",)])
def test_an_unclosed_ipv6_url(command: tuple[str, ...]) -> None:
    _config('[prometheus]\nurl = "http://[::1"\n')
    result = cockpit(*command)
    no_traceback(result)
    assert "prometheus.url" in result.stdout + result.stderr
    assert "is not a URL" in result.stdout + result.stderr
    assert result.returncode in (1, 2)


def test_a_300_character_time_zone() -> None:
    _config(f'[oncall]\ntimezone = "{"A" * 300}"\n')
    result = cockpit("config", "validate")
    no_traceback(result)
    assert result.returncode == 2
    assert "oncall.timezone" in result.stderr and "unknown time zone" in result.stderr


def _slo_import(content: bytes) -> Path:
    folder = Path(os.environ["COCKPIT_CONFIG"]).parent
    folder.mkdir(parents=True, exist_ok=True)
    slo_file = folder / "slos.yaml"
    slo_file.write_bytes(content)
    _config(f'[slo_import]\nfiles = ["{slo_file}"]\n')
    return slo_file


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (Path(sys.executable).read_bytes()[:4096], "not a text file"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b"{a: " * 5000 + b"}" * 5000, "nested too deeply"),
        (b"- " * 5000, "nested too deeply"),
    ],
    ids=["binary", "flow-lists", "flow-maps", "block-lists"],
)
def test_a_hostile_slo_file_makes_the_gate_say_cannot_tell(content: bytes, reason: str) -> None:
    slo_file = _slo_import(content)
    result = cockpit("slo", "check")
    no_traceback(result)
    assert result.returncode == 2, result.stderr  # "cannot tell", never 1 ("blocked")
    assert f"{slo_file}: " in result.stderr and reason in result.stderr
    assert "blocked" not in result.stdout + result.stderr
