"""cockpit.config: [[burn_row]] tables and the {{window}} placeholder of ratio SLOs."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from cockpit.config import Config, ConfigError, parse
from cockpit.config_checks import Problem
from cockpit.model.slo import WORKBOOK_ROWS, BurnRow

SLO = """
[[slo]]
name = "api"
objective = 99.9
good = 'sum(rate(ok_total[{{window}}]))'
total = 'sum(rate(all_total[{{window}}]))'
"""


def _parse(text: str) -> Config:
    return parse(tomllib.loads(text), Path("c.toml"))


def _problems(text: str) -> list[Problem]:
    with pytest.raises(ConfigError) as info:
        _parse(text)
    return info.value.problems


def _keys(text: str) -> list[str]:
    return [p.key for p in _problems(text)]


# -- burn rows ------------------------------------------------------------------------
def test_no_burn_rows_means_the_workbook_rows() -> None:
    assert _parse(SLO).burn_rows == WORKBOOK_ROWS
    assert _parse("").burn_rows == WORKBOOK_ROWS


def test_burn_rows_replace_the_defaults() -> None:
    config = _parse(
        SLO
        + """
[[burn_row]]
severity = "page"
long = "2h"
short = "10m"
budget = 5

[[burn_row]]
severity = "ticket"
long = "3d"
budget = 10
"""
    )
    assert config.burn_rows == (
        BurnRow("page", timedelta(hours=2), timedelta(minutes=10), 0.05),
        BurnRow("ticket", timedelta(days=3), timedelta(hours=6), 0.10),
    )


def test_burn_row_defaults() -> None:
    # severity page, long 1 h, short = long / 12
    (row,) = _parse("[[burn_row]]\nbudget = 2\n").burn_rows
    assert row == BurnRow("page", timedelta(hours=1), timedelta(minutes=5), 0.02)


@pytest.mark.parametrize(
    ("long", "short"),
    [
        ("6h", timedelta(minutes=30)),
        ("1d", timedelta(hours=2)),
        ("3d", timedelta(hours=6)),
        ("90m", timedelta(seconds=450)),
    ],
)
def test_short_defaults_to_long_over_12(long: str, short: timedelta) -> None:
    (row,) = _parse(f'[[burn_row]]\nlong = "{long}"\nbudget = 5\n').burn_rows
    assert row.short == short


@pytest.mark.parametrize(("budget", "share"), [(100, 1.0), (0.5, 0.005), (2, 0.02), (10.0, 0.1)])
def test_budget_is_a_percent_of_the_whole_budget(budget: float, share: float) -> None:
    (row,) = _parse(f"[[burn_row]]\nbudget = {budget}\n").burn_rows
    assert row.budget_share == pytest.approx(share)


def test_configured_row_rate_follows_the_slo_window() -> None:
    (row,) = _parse('[[burn_row]]\nlong = "6h"\nbudget = 5\n').burn_rows
    assert row.rate(timedelta(days=30)) == pytest.approx(6.0)
    assert row.rate(timedelta(days=7)) == pytest.approx(1.4)


@pytest.mark.parametrize("budget", ["0", "-1", "100.5", "250"])
def test_budget_out_of_range_is_a_problem(budget: str) -> None:
    problems = _problems(f"[[burn_row]]\nbudget = {budget}\n")
    assert [p.key for p in problems] == ["burn_row[0].budget"]
    assert problems[0].file == "c.toml"
    assert "(0-100]" in problems[0].reason


def test_missing_budget_is_a_problem() -> None:
    problems = _problems('[[burn_row]]\nlong = "1h"\n')
    assert [(p.key, p.reason) for p in problems] == [
        ("burn_row[0].budget", "required key is missing")
    ]


def test_budget_not_a_number_is_a_problem() -> None:
    problems = _problems('[[burn_row]]\nbudget = "five"\n')
    assert [p.key for p in problems] == ["burn_row[0].budget"]
    assert "expected a number" in problems[0].reason


@pytest.mark.parametrize(("long", "short"), [("1h", "1h"), ("1h", "2h"), ("6h", "1d")])
def test_short_not_shorter_is_a_problem(long: str, short: str) -> None:
    problems = _problems(f'[[burn_row]]\nlong = "{long}"\nshort = "{short}"\nbudget = 5\n')
    assert [(p.key, p.reason) for p in problems] == [
        ("burn_row[0].short", "the short window must be shorter than the long one")
    ]


@pytest.mark.parametrize("severity", ["critical", "Page", ""])
def test_bad_severity_is_a_problem(severity: str) -> None:
    problems = _problems(f'[[burn_row]]\nseverity = "{severity}"\nbudget = 5\n')
    assert [p.key for p in problems] == ["burn_row[0].severity"]
    assert problems[0].reason == f"{severity!r} is not page or ticket"


def test_bad_durations_are_problems() -> None:
    keys = _keys('[[burn_row]]\nlong = "soon"\nshort = "0s"\nbudget = 5\n')
    assert keys == ["burn_row[0].long", "burn_row[0].short"]


def test_unknown_key_in_burn_row() -> None:
    problems = _problems("[[burn_row]]\nbudget = 5\nrate = 14.4\n")
    assert [p.key for p in problems] == ["burn_row[0].rate"]
    assert "budget, long, severity, short" in problems[0].reason


def test_problems_of_every_row_are_reported_at_once() -> None:
    keys = _keys(
        """
[[burn_row]]
severity = "page"
budget = 2

[[burn_row]]
severity = "urgent"
budget = 5

[[burn_row]]
long = "1h"
short = "1h"
budget = 5

[[burn_row]]
budget = 0
"""
    )
    assert keys == ["burn_row[1].severity", "burn_row[2].short", "burn_row[3].budget"]


def test_burn_row_not_a_table_array() -> None:
    problems = _problems("burn_row = 5\n")
    assert [p.key for p in problems] == ["burn_row"]
    assert "[[burn_row]]" in problems[0].reason


def test_bad_budget_and_bad_short_both_reported() -> None:
    keys = _keys('[[burn_row]]\nlong = "1h"\nshort = "2h"\nbudget = 0\n')
    assert sorted(keys) == ["burn_row[0].budget", "burn_row[0].short"]


# -- the {{window}} placeholder -------------------------------------------------------
PLACEHOLDER = "no {{window}} placeholder: write the range as [{{window}}]"


def test_ratio_slo_with_placeholders_is_fine() -> None:
    (slo,) = _parse(SLO).slos
    assert slo.good == "sum(rate(ok_total[{{window}}]))"
    assert slo.total == "sum(rate(all_total[{{window}}]))"


def test_good_without_placeholder() -> None:
    text = SLO.replace("ok_total[{{window}}]", "ok_total[5m]")
    problems = _problems(text)
    assert [(p.key, p.reason) for p in problems] == [("slo[0].good", PLACEHOLDER)]
    assert "{{window}}" in problems[0].reason


def test_total_without_placeholder() -> None:
    text = SLO.replace("all_total[{{window}}]", "all_total[30d]")
    assert [(p.key, p.reason) for p in _problems(text)] == [("slo[0].total", PLACEHOLDER)]


def test_bad_without_placeholder() -> None:
    text = """
[[slo]]
name = "api"
objective = 99
bad = 'sum(rate(err_total[1h]))'
total = 'sum(rate(all_total[{{window}}]))'
"""
    assert [(p.key, p.reason) for p in _problems(text)] == [("slo[0].bad", PLACEHOLDER)]


def test_both_without_placeholder_are_two_problems() -> None:
    text = SLO.replace("[{{window}}]", "[1h]")
    assert _keys(text) == ["slo[0].good", "slo[0].total"]


def test_placeholder_problem_names_the_slo_index() -> None:
    second = SLO.replace('name = "api"', 'name = "web"').replace("all_total[{{window}}]", "x")
    assert _keys(SLO + second) == ["slo[1].total"]


def test_placeholder_spelling_must_be_exact() -> None:
    text = SLO.replace("ok_total[{{window}}]", "ok_total[{{ window }}]")
    assert _keys(text) == ["slo[0].good"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            '[[slo]]\nname = "l"\nobjective = 95\nsli = "latency"\nmetric = "m"\nthreshold = 2.5\n',
            "latency",
        ),
        ('[[slo]]\nname = "r"\nobjective = 99.9\nsli = "recorded"\n', "recorded"),
    ],
)
def test_latency_and_recorded_need_no_placeholder(text: str, kind: str) -> None:
    (slo,) = _parse(text).slos
    assert slo.kind == kind
    assert (slo.good, slo.bad, slo.total) == (None, None, None)
