"""`cockpit alerts --json`: the output pinned byte for byte, and the lean path it takes
(no Textual, no Rich, none of the other commands' modules)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cockpit
from cockpit.cli import main
from tests.hostile.answers import answering

ROOT = Path(cockpit.__file__).resolve().parent.parent


def _alert(name: str, fp: str, labels: dict[str, str], **status: list[str]) -> dict[str, Any]:
    return {
        "labels": {"alertname": name, **labels},
        "annotations": {"summary": f"{name} summary", "description": "d\u00e9j\u00e0 \U0001f525"},
        "startsAt": "2026-11-20T17:00:00.123Z",
        "endsAt": "2026-11-20T18:00:00Z",
        "fingerprint": fp,
        "generatorURL": f"http://prometheus/graph?g0.expr={name}",
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": [], **status},
        "receivers": [{"name": "x"}],
    }


ANSWERS: dict[str, Any] = {
    "/api/v2/alerts": [
        _alert("DiskFull", "f2", {"severity": "warning", "mount": "/"}),
        _alert("HighErrorRate", "f1", {"severity": "critical", "service": "api"},
               silencedBy=["s-ack"]),
        _alert("NoSeverity", "f3", {"service": "web"}, inhibitedBy=["f1"]),
        _alert("Quiet", "f4", {"severity": "info", "note": "tab\there \u202e"},
               silencedBy=["s-plain"]),
    ],
    "/api/v2/silences": [
        {"id": "s-ack", "status": {"state": "active"}, "createdBy": "sam",
         "comment": "ACK! This alert was acknowledged using cockpit",
         "startsAt": "2026-11-20T17:05:00Z", "endsAt": "2026-11-20T19:05:00Z",
         "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False,
                       "isEqual": True}]},
        {"id": "s-plain", "status": {"state": "active"}, "createdBy": "kim",
         "comment": "maintenance", "startsAt": "2026-11-20T17:05:00Z",
         "endsAt": "2026-11-20T19:05:00Z",
         "matchers": [{"name": "alertname", "value": "Quiet", "isRegex": False,
                       "isEqual": True}]},
    ],
}  # fmt: skip

# What `cockpit alerts --json` printed for ANSWERS before the lean path (piped: compact),
# with each alert's cluster (issue 20; "default" for the one unnamed Alertmanager).
EXPECTED = (
    '[{"fingerprint":"f1","cluster":"default","name":"HighErrorRate","severity":"crit'
    'ical","state":"acked","labels":{"alertname":"HighErrorRate","severity":"critical'
    '","service":"api"},"annotations":{"summary":"HighErrorRate summary","description'
    '":"d\\u00e9j\\u00e0 \\ud83d\\udd25"},"startsAt":"2026-11-20T17:00:00.123000+00:0'
    '0","generatorURL":"http://prometheus/graph?g0.expr=HighErrorRate","silencedBy":['
    '"s-ack"],"inhibitedBy":[],"ack":{"owner":"sam","since":"2026-11-20T17:05:00+00:0'
    '0","endsAt":"2026-11-20T19:05:00+00:00","silenceID":"s-ack"}},{"fingerprint":"f2'
    '","cluster":"default","name":"DiskFull","severity":"warning","state":"firing","l'
    'abels":{"alertname":"DiskFull","severity":"warning","mount":"/"},"annotations":{'
    '"summary":"DiskFull summary","description":"d\\u00e9j\\u00e0 \\ud83d\\udd25"},"s'
    'tartsAt":"2026-11-20T17:00:00.123000+00:00","generatorURL":"http://prometheus/gr'
    'aph?g0.expr=DiskFull","silencedBy":[],"inhibitedBy":[],"ack":null},{"fingerprint'
    '":"f4","cluster":"default","name":"Quiet","severity":"info","state":"silenced","'
    'labels":{"alertname":"Quiet","severity":"info","note":"tab\\there \\u202e"},"ann'
    'otations":{"summary":"Quiet summary","description":"d\\u00e9j\\u00e0 \\ud83d\\ud'
    'd25"},"startsAt":"2026-11-20T17:00:00.123000+00:00","generatorURL":"http://prome'
    'theus/graph?g0.expr=Quiet","silencedBy":["s-plain"],"inhibitedBy":[],"ack":null}'
    ',{"fingerprint":"f3","cluster":"default","name":"NoSeverity","severity":"none","'
    'state":"inhibited","labels":{"alertname":"NoSeverity","service":"web"},"annotati'
    'ons":{"summary":"NoSeverity summary","description":"d\\u00e9j\\u00e0 \\ud83d\\ud'
    'd25"},"startsAt":"2026-11-20T17:00:00.123000+00:00","generatorURL":"http://prome'
    'theus/graph?g0.expr=NoSeverity","silencedBy":[],"inhibitedBy":["f1"],"ack":null}'
    ']\n'
)


def _configure(url: str) -> None:
    config = Path(os.environ["COCKPIT_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[alertmanager]\nurl = "{url}"\n', encoding="utf-8")


def test_the_json_output_is_pinned(capsys: pytest.CaptureFixture[str]) -> None:
    with answering(ANSWERS) as url:
        _configure(url)
        assert main(["alerts", "--json"]) == 0
    assert capsys.readouterr().out == EXPECTED


def test_a_filter_keeps_the_same_shape(capsys: pytest.CaptureFixture[str]) -> None:
    with answering(ANSWERS) as url:
        _configure(url)
        assert main(["alerts", "--json", '--filter=severity=~"critical|info"']) == 0
    out = capsys.readouterr().out
    assert out.startswith('[{"fingerprint":"f1"') and '"fingerprint":"f4"' in out
    assert '"fingerprint":"f2"' not in out and '"fingerprint":"f3"' not in out


# `python -m cockpit alerts --json` in a fresh interpreter; then what it had imported.
LEAN_CHECK = """
import runpy, sys
sys.argv = ["cockpit", *sys.argv[1:]]
try:
    runpy.run_module("cockpit", run_name="__main__", alter_sys=True)
except SystemExit as done:
    code = done.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich")
               or m.startswith(("cockpit.ui", "cockpit.cli.runbook", "cockpit.cli.incident",
                                "cockpit.cli.handoff", "cockpit.cli.serve")))
print("HEAVY", heavy, file=sys.stderr)
raise SystemExit(code)
"""


def _lean_run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", LEAN_CHECK, *args], env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    "args", [("alerts", "--json"), ("alerts", "--filter", 'severity="info"', "--json")]
)
def test_alerts_json_imports_neither_textual_nor_rich(args: tuple[str, ...]) -> None:
    with answering(ANSWERS) as url:
        _configure(url)
        done = _lean_run(*args)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stderr, done.stderr
    assert done.stdout.startswith('[{"fingerprint":"f')


def test_the_lean_path_keeps_main_s_behaviour_for_other_arguments() -> None:
    # Not the lean grammar: the full parser answers (usage error, exit 2) as before.
    done = _lean_run("alerts", "--bogus")
    assert done.returncode == 2
    assert "unrecognized arguments: --bogus" in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["alerts"],
        ["alerts", "--json"],
        ["alerts", "--json", "--json"],
        ["alerts", "--filter", 'severity="critical"', "--json"],
        ["alerts", '--filter=service=~"api|web"', "--filter=", "--json"],
        ["alerts", "--filter", "a=b c", "--filter=--x"],
    ],
)
def test_the_lean_reading_matches_the_full_parser(argv: list[str]) -> None:
    from cockpit.cli.lean import alerts_args
    from cockpit.cli.main import _parser

    assert alerts_args(argv) == _parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["alerts", "--help"],
        ["alerts", "--js"],
        ["alerts", "--filter"],
        ["alerts", "--filter", "-x"],
        ["alerts", "--", "--json"],
        ["alerts", "extra"],
        ["ack", "f1"],
    ],
)
def test_other_arguments_go_to_the_full_parser(argv: list[str]) -> None:
    from cockpit.cli.lean import alerts_args

    assert alerts_args(argv) is None


class _NoRepr:
    """An answer that must never be formatted (its repr is the whole answer's cost)."""

    reprs = 0

    def __repr__(self) -> str:
        _NoRepr.reprs += 1
        return "_NoRepr()"


def test_running_a_request_never_formats_its_answer() -> None:
    # asyncio.run formats the main task (its result included) while restoring SIGINT's
    # handler; the CLI's answers leave another way, so 5,000 alerts are never repr'd.
    from cockpit.cli import alerts as cli_alerts

    async def work(client: object) -> _NoRepr:
        return _NoRepr()

    _NoRepr.reprs = 0
    answer = cli_alerts._run(work)
    assert isinstance(answer, _NoRepr) and _NoRepr.reprs == 0
