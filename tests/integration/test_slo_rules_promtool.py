"""The generated SLO rules against Prometheus's own checker and rule unit tests (promtool).

Without promtool the tests skip, unless COCKPIT_REQUIRE_REAL_STACK=1 (CI), where a missing
binary fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from cockpit.config import parse
from cockpit.services.slo_rules import render_rules

from ..samples import DEMO_SLOS
from .conftest import REQUIRE

CONFIG = DEMO_SLOS

LABELS = """\
              sloth_id: demo-api-api-availability
              sloth_service: demo-api
              sloth_slo: api-availability"""
PAGE = f"""\
          - exp_labels:
              severity: critical
              sloth_severity: page
{LABELS}
            exp_annotations:
              summary: "SLO api-availability is burning its error budget too fast (page)"
              description: "SLO api-availability of demo-api (99.9 % over 30d) burns its \
error budget: 1h and 5m windows above 14.4x or 6h and 30m windows above 6x."
              runbook: high-error-rate"""
TICKET = f"""\
          - exp_labels:
              severity: warning
              sloth_severity: ticket
{LABELS}
            exp_annotations:
              summary: "SLO api-availability is burning its error budget too fast (ticket)"
              description: "SLO api-availability of demo-api (99.9 % over 30d) burns its \
error budget: 1d and 2h windows above 3x or 3d and 6h windows above 1x."
              runbook: high-error-rate"""


def _case(ok_per_minute: int, errors_per_minute: int, *, exp_alerts: str, extra: str = "") -> str:
    """Two hours of request counters at 1 m, and the availability alerts at 1h10m."""
    return f"""\
  - interval: 1m
    input_series:
      - series: 'http_requests_total{{code="200"}}'
        values: '0+{ok_per_minute}x120'
      - series: 'http_requests_total{{code="500"}}'
        values: '0+{errors_per_minute}x120'
    alert_rule_test:
      - eval_time: 1h10m
        alertname: ApiAvailabilityErrorBudgetBurn
        exp_alerts:{exp_alerts}
{extra}"""


# 10 % errors against 99.9 % is a 100x burn: both page rows (14.4x, 6x) and both ticket
# rows (3x, 1x) fire, and the recorded burn rate and budget show it.
FAST_BURN = _case(
    540,
    60,
    exp_alerts=f"\n{PAGE}\n{TICKET}",
    extra="""\
    promql_expr_test:
      - expr: round(slo:current_burn_rate:ratio{sloth_slo="api-availability"})
        eval_time: 1h10m
        exp_samples:
          - labels: '{sloth_id="demo-api-api-availability", sloth_service="demo-api",
              sloth_slo="api-availability", sloth_window="5m"}'
            value: 100
      - expr: round(slo:period_error_budget_remaining:ratio{sloth_slo="api-availability"})
        eval_time: 1h10m
        exp_samples:
          - labels: '{sloth_id="demo-api-api-availability", sloth_service="demo-api",
              sloth_slo="api-availability", sloth_window="30d"}'
            value: -99
""",
)
# 0.5 % errors is a 5x burn: over the 3x ticket row, under the 6x and 14.4x page rows.
SLOW_BURN = _case(995, 5, exp_alerts=f"\n{TICKET}")
NO_ERRORS = _case(600, 0, exp_alerts=" []")


def _promtool() -> str:
    override = os.environ.get("COCKPIT_PROMTOOL_BIN")
    found = override or shutil.which("promtool") or shutil.which("promtool", path="/usr/bin")
    if found and os.access(found, os.X_OK):
        return found
    message = "promtool not installed (it comes with Prometheus: apt install prometheus)"
    if REQUIRE:
        pytest.fail(f"COCKPIT_REQUIRE_REAL_STACK=1 but {message}")
    pytest.skip(message)


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yml"
    config = parse(tomllib.loads(CONFIG), tmp_path / "c.toml")
    path.write_text(render_rules(config), encoding="utf-8")
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_promtool(), *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_promtool_checks_the_rules(rules: Path) -> None:
    done = _run("check", "rules", str(rules))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout + done.stderr
    # 8 ratios + 6 metadata records + 2 alerts, for each of the two SLOs.
    assert "32 rules found" in done.stdout + done.stderr


@pytest.mark.parametrize(
    "case", [FAST_BURN, SLOW_BURN, NO_ERRORS], ids=["fast-burn", "slow-burn", "no-errors"]
)
def test_promtool_unit_tests_fire_the_right_alerts(rules: Path, case: str) -> None:
    test_file = rules.parent / "rules_test.yml"
    test_file.write_text(
        f"rule_files:\n  - {rules.name}\nevaluation_interval: 1m\ntests:\n{case}",
        encoding="utf-8",
    )
    done = _run("test", "rules", str(test_file))
    assert done.returncode == 0, test_file.read_text() + done.stdout + done.stderr
    assert "SUCCESS" in done.stdout + done.stderr
