"""`cockpit alerts` as a table: every column but the last lines up under its heading."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cockpit.cli import main
from tests.hostile.answers import answering


def _alert(name: str, fp: str, labels: dict[str, str], summary: str) -> dict[str, Any]:
    return {
        "labels": {"alertname": name, "severity": "critical", **labels},
        "annotations": {"summary": summary},
        "startsAt": "2026-11-20T17:00:00Z",
        "endsAt": "2026-11-20T18:00:00Z",
        "updatedAt": "2026-11-20T17:00:00Z",
        "fingerprint": fp,
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
        "receivers": [{"name": "x"}],
    }


def test_the_summary_column_lines_up(capsys: pytest.CaptureFixture[str]) -> None:
    answers = {
        "/api/v2/alerts": [
            _alert("HighErrorRate", "f1", {"service": "api"}, "errors"),
            _alert("DiskFull", "f2", {"service": "database-primary", "mount": "/"}, "disk"),
        ],
        "/api/v2/silences": [],
    }
    with answering(answers) as url:
        config = Path(os.environ["COCKPIT_CONFIG"])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'[alertmanager]\nurl = "{url}"\n', encoding="utf-8")
        assert main(["alerts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    column = lines[0].index("SUMMARY")
    assert {line[column:].split()[0] for line in lines[1:]} == {"errors", "disk"}
    labels = lines[0].index("LABELS")
    assert all(line[labels:].startswith(("service=", "mount=")) for line in lines[1:])
