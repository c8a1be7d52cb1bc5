"""cockpit.services.slo_rules: Sloth-compatible recording rules and burn-rate alerts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import timedelta
from pathlib import Path

from cockpit.config import Config, parse
from cockpit.services.slo_poll import error_ratio_query
from cockpit.services.slo_rules import alert_name, render_rules

from ..samples import DEMO_SLOS

SLOS = DEMO_SLOS
WINDOWS = ("30d", "1h", "5m", "6h", "30m", "1d", "2h", "3d")
AVAILABILITY = (
    '{sloth_id="demo-api-api-availability", sloth_service="demo-api", sloth_slo="api-availability"}'
)


def _config(text: str = SLOS) -> Config:
    return parse(tomllib.loads(text), Path("c.toml"))


def _alerts(text: str) -> list[str]:
    """The text of each alert rule, in file order."""
    return ["- alert:" + part for part in text.split("- alert:")[1:]]


def _alert(text: str, name: str, severity: str) -> str:
    found = [
        a
        for a in _alerts(text)
        if a.startswith(f"- alert: {name}\n") and f'sloth_severity: "{severity}"' in a
    ]
    assert len(found) == 1, found
    return found[0]


def test_every_needed_window_is_recorded_for_every_slo() -> None:
    config = _config()
    text = render_rules(config)
    for window in WINDOWS:
        assert text.count(f"- record: slo:sli_error:ratio_rate{window}\n") == 2, window
        assert f'sloth_window: "{window}"' in text
    assert text.count("- record: slo:sli_error:ratio_rate") == 2 * len(WINDOWS)
    # The expressions are the poller's own queries, not a second implementation.
    for slo in config.slos:
        assert f"expr: {json.dumps(error_ratio_query(slo, timedelta(hours=6)))}\n" in text
    assert '\\"5..\\"}[1h]))) / (sum(rate(http_requests_total[1h])))' in text
    assert 'http_request_duration_seconds_bucket{le=~\\"2\\\\\\\\.5\\"}[5m]' in text


def test_groups_and_labels_follow_sloth() -> None:
    text = render_rules(_config())
    assert text.startswith("#")
    assert "\ngroups:\n" in text
    for slo in ("api-availability", "api-latency-p95"):
        for group in ("sli-recordings", "meta-recordings", "alerts"):
            assert f'  - name: "cockpit-slo-{slo}-{group}"\n' in text
        assert f'sloth_id: "demo-api-{slo}"\n' in text
        assert f'sloth_slo: "{slo}"\n' in text
    assert 'sloth_service: "demo-api"\n' in text
    first = text.index("- record: slo:sli_error:ratio_rate30d")
    assert (
        text[first:]
        .split("- record:")[1]
        .endswith(
            "        labels:\n"
            '          sloth_id: "demo-api-api-availability"\n'
            '          sloth_service: "demo-api"\n'
            '          sloth_slo: "api-availability"\n'
            '          sloth_window: "30d"\n      '
        )
    )


def test_metadata_records() -> None:
    text = render_rules(_config())
    for name, expr in (
        ("slo:objective:ratio", '"vector(0.999)"'),
        ("slo:error_budget:ratio", '"vector(0.001)"'),
        ("slo:time_period:days", '"vector(30)"'),
        ("slo:objective:ratio", '"vector(0.95)"'),
        ("slo:error_budget:ratio", '"vector(0.05)"'),
    ):
        assert f"- record: {name}\n        expr: {expr}\n" in text
    assert (
        "      - record: slo:current_burn_rate:ratio\n"
        "        expr: |-\n"
        f"          slo:sli_error:ratio_rate5m{AVAILABILITY}\n"
        "          / on(sloth_id, sloth_slo, sloth_service) group_left\n"
        f"          slo:error_budget:ratio{AVAILABILITY}\n"
    ) in text
    assert f"          slo:sli_error:ratio_rate30d{AVAILABILITY}\n" in text
    assert "- record: slo:period_burn_rate:ratio\n" in text
    remaining = json.dumps(f"1 - slo:period_burn_rate:ratio{AVAILABILITY}")
    assert f"- record: slo:period_error_budget_remaining:ratio\n        expr: {remaining}" in text


def test_page_alert_rows_are_14_4_and_6_times_the_budget() -> None:
    page = _alert(render_rules(_config()), "ApiAvailabilityErrorBudgetBurn", "page")
    assert (
        f"(slo:sli_error:ratio_rate1h{AVAILABILITY} > (14.4 * 0.001))\n"
        "              and ignoring(sloth_window)\n"
        f"              (slo:sli_error:ratio_rate5m{AVAILABILITY} > (14.4 * 0.001))"
    ) in page
    assert f"(slo:sli_error:ratio_rate6h{AVAILABILITY} > (6 * 0.001))" in page
    assert f"(slo:sli_error:ratio_rate30m{AVAILABILITY} > (6 * 0.001))" in page
    assert "max without (sloth_window) (" in page
    assert '          severity: "critical"\n          sloth_severity: "page"\n' in page
    assert "(3 * 0.001)" not in page and "(1 * 0.001)" not in page
    assert '          runbook: "high-error-rate"\n' in page
    assert "1h and 5m windows above 14.4x or 6h and 30m windows above 6x" in page


def test_ticket_alert_rows_are_3_and_1_times_the_budget() -> None:
    ticket = _alert(render_rules(_config()), "ApiAvailabilityErrorBudgetBurn", "ticket")
    assert f"(slo:sli_error:ratio_rate1d{AVAILABILITY} > (3 * 0.001))" in ticket
    assert f"(slo:sli_error:ratio_rate2h{AVAILABILITY} > (3 * 0.001))" in ticket
    assert f"(slo:sli_error:ratio_rate3d{AVAILABILITY} > (1 * 0.001))" in ticket
    assert f"(slo:sli_error:ratio_rate6h{AVAILABILITY} > (1 * 0.001))" in ticket
    assert '          severity: "warning"\n          sloth_severity: "ticket"\n' in ticket
    assert "14.4" not in ticket


def test_latency_slo_alerts_use_its_own_budget() -> None:
    text = render_rules(_config())
    page = _alert(text, "ApiLatencyP95ErrorBudgetBurn", "page")
    assert "(14.4 * 0.05)" in page and "(6 * 0.05)" in page
    assert '          runbook: "high-latency"\n' in page
    ticket = _alert(text, "ApiLatencyP95ErrorBudgetBurn", "ticket")
    assert "(3 * 0.05)" in ticket and "(1 * 0.05)" in ticket
    assert len(_alerts(text)) == 4


def test_custom_burn_rows_change_the_alerts() -> None:
    custom = """
[[burn_row]]
severity = "page"
long = "2h"
short = "10m"
budget = 5
"""
    text = render_rules(_config(SLOS + custom))
    page = _alert(text, "ApiAvailabilityErrorBudgetBurn", "page")
    # 5 % of a 30 d budget within 2 h: 0.05 x 720 h / 2 h = 18.
    assert f"(slo:sli_error:ratio_rate2h{AVAILABILITY} > (18 * 0.001))" in page
    assert f"(slo:sli_error:ratio_rate10m{AVAILABILITY} > (18 * 0.001))" in page
    assert "14.4" not in text
    assert 'sloth_severity: "ticket"' not in text  # no ticket rows, no ticket alert
    assert len(_alerts(text)) == 2
    # The 5m ratio is still recorded: slo:current_burn_rate:ratio reads it.
    for window in ("30d", "2h", "10m", "5m"):
        assert text.count(f"- record: slo:sli_error:ratio_rate{window}\n") == 2, window
    assert "ratio_rate1h\n" not in text and "ratio_rate3d\n" not in text


def test_output_is_deterministic() -> None:
    first = render_rules(_config())
    assert render_rules(_config()) == first
    assert first.endswith("\n") and not first.endswith("\n\n")
    # Another process with another hash seed: nothing may depend on set or dict order.
    script = (
        "import sys, tomllib; from pathlib import Path; from cockpit.config import parse; "
        "from cockpit.services.slo_rules import render_rules; "
        "sys.stdout.write(render_rules(parse(tomllib.loads(sys.stdin.read()), Path('c.toml'))))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], input=SLOS, capture_output=True, text=True,
            env=env, check=True, timeout=60,
        )  # fmt: skip
        assert done.stdout == first


def test_recorded_slis_are_skipped_and_no_slos_is_an_empty_file() -> None:
    recorded = """
[[slo]]
name = "from-sloth"
objective = 99
sli = "recorded"
"""
    text = render_rules(_config(recorded))
    assert 'skipped "from-sloth"' in text
    assert text.endswith("groups: []\n")
    assert render_rules(Config(path=None)).endswith("groups: []\n")


def test_alert_names_are_camel_case() -> None:
    config = _config(
        SLOS.replace("api-availability", "checkout_api v2").replace("api-latency-p95", "5xx")
    )
    assert [alert_name(s) for s in config.slos] == [
        "CheckoutApiV2ErrorBudgetBurn",
        "Slo5xxErrorBudgetBurn",
    ]
