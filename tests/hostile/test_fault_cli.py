"""Every fault mode against the CLI commands a pipeline or a person runs: each ends within
its deadline plus 2 s, with the documented exit code and a reason.

The deadlines are short through the config (`timeout = "0.5s"`): a request gets 0.5 s for
its whole answer, a poll cycle twice that.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit import cli

from .fault_server import MODES, FaultServer, refused_url

TIMEOUT = 0.5  # seconds, per request (the config's timeout)
CYCLE = 2 * TIMEOUT  # a poll cycle's deadline
SLO = """
[[slo]]
name = "api-availability"
service = "api"
objective = 99.0
window = "30d"
sli = "ratio"
good = 'sum(rate(http_requests_total{code!~"5.."}[{{window}}]))'
total = 'sum(rate(http_requests_total[{{window}}]))'
"""
# What each mode must be called, in the words the user sees.
REASONS: dict[str, str | tuple[str, ...]] = {
    "refused": "connection refused",
    "hang": "no complete answer within",
    "trickle": "no complete answer within",
    "500": "HTTP 500",
    "html502": "HTTP 502",
    "truncated": "request failed (RemoteProtocolError)",
    "wrong-shape": "is this",
    # Read fast, refused at 32 MB; on a busy machine the deadline may come first.
    "50mb": ("answer too large", "no complete answer within"),
    "redirect": "redirected to another origin",
}


def write_config(prometheus: str, alertmanager: str) -> None:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[prometheus]\nurl = "{prometheus}"\ntimeout = "{TIMEOUT}s"\n'
        f'[alertmanager]\nurl = "{alertmanager}"\ntimeout = "{TIMEOUT}s"\n' + SLO
    )


@pytest.fixture(params=["refused", *MODES])
def faulty(request: pytest.FixtureRequest) -> Iterator[str]:
    """Prometheus and Alertmanager both behind one fault; the mode's name."""
    mode = request.param
    if mode == "refused":
        url = refused_url()
        write_config(url, url)
        yield mode
        return
    with FaultServer("ok") as elsewhere, FaultServer(mode, redirect_to=elsewhere.url) as server:
        write_config(server.url, server.url)
        yield mode
        assert elsewhere.requests == [], "a redirect to another origin was followed"


def says(text: str, mode: str) -> bool:
    wanted = REASONS[mode]
    return any(reason in text for reason in ((wanted,) if isinstance(wanted, str) else wanted))


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, float]:
    started = time.monotonic()
    code = cli.main(argv)
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    return code, out + err, elapsed


def test_slo_check_cannot_tell(faulty: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, elapsed = run(["slo", "check"], capsys)
    assert elapsed < CYCLE + 2
    assert code == 2, text
    assert "Cannot tell" in text and says(text, faulty)


def test_slo_report_json_cannot_tell(faulty: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, elapsed = run(["slo", "report", "--json"], capsys)
    assert elapsed < CYCLE + 2
    assert code == 2, text
    assert says(text, faulty)


def test_alerts_json_cannot_tell(faulty: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, elapsed = run(["alerts", "--json"], capsys)
    assert elapsed < CYCLE + 2
    assert code == 2, text
    assert "Cannot tell: Alertmanager" in text and says(text, faulty)


def test_doctor_fails_with_the_reason(faulty: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, elapsed = run(["doctor", "--json"], capsys)
    # Prometheus, then Alertmanager: one request deadline each.
    assert elapsed < 2 * TIMEOUT + 2
    assert code == 1, text
    checks = {c["name"]: c for c in json.loads(text)["checks"]}
    for name in ("prometheus", "alertmanager"):
        assert not checks[name]["ok"] and says(checks[name]["detail"], faulty)


def test_alerts_json_says_when_pending_alerts_are_unknown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Alertmanager answers, Prometheus does not: the list is printed, with a warning on
    stderr and exit 4 (partial), never a bare `[]` and 0."""
    with FaultServer("ok") as alertmanager:
        write_config(refused_url(), alertmanager.url)
        code = cli.main(["alerts", "--json"])
    out, err = capsys.readouterr()
    assert json.loads(out) == []
    assert code == 4
    assert "warning: pending alerts unknown: connection refused" in err


def test_alerts_with_only_prometheus_down_cannot_tell(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[prometheus]\nurl = "{refused_url()}"\ntimeout = "{TIMEOUT}s"\n')
    assert cli.main(["alerts", "--json"]) == 2
    assert "Cannot tell: Prometheus: connection refused" in capsys.readouterr().err


def test_slo_check_as_a_process_ends_against_a_trickling_prometheus(tmp_path: Path) -> None:
    """The deploy gate in a pipeline: the real process, not an in-process call. Its
    start-up is measured on a refused port, so a busy machine does not fail the test."""
    import subprocess
    import sys

    def slo_check() -> tuple[subprocess.CompletedProcess[str], float]:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "cockpit", "slo", "check"],
            capture_output=True, text=True, timeout=60, env=dict(os.environ),
        )  # fmt: skip
        return done, time.monotonic() - started

    write_config(refused_url(), refused_url())
    _, start_up = slo_check()
    with FaultServer("trickle", trickle_every=0.05) as server:
        write_config(server.url, server.url)
        done, elapsed = slo_check()
    assert done.returncode == 2, done.stderr
    assert "Cannot tell: Prometheus did not answer (no complete answer within" in done.stderr
    assert elapsed - start_up < CYCLE + 2
