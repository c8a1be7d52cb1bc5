"""cockpit.model.slo: burn rates, the multi-window rows (SRE Workbook 5-8 + Sloth) and
time to exhaustion."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from cockpit.model.slo import (
    WORKBOOK_ROWS,
    BurnRow,
    ErrorBudget,
    RowStatus,
    budget_spent,
    burn_rate,
    evaluate_rows,
    time_to_exhaustion,
    windows_needed,
)

H = timedelta(hours=1)
M5 = timedelta(minutes=5)
M30 = timedelta(minutes=30)
H2 = timedelta(hours=2)
H6 = timedelta(hours=6)
D1 = timedelta(days=1)
D3 = timedelta(days=3)
D7 = timedelta(days=7)
D28 = timedelta(days=28)
D30 = timedelta(days=30)


# -- the rows themselves -------------------------------------------------------------
def test_workbook_rows_are_the_table_plus_sloth() -> None:
    expected = (
        BurnRow("page", H, M5, 0.02),
        BurnRow("page", H6, M30, 0.05),
        BurnRow("ticket", D1, H2, 0.10),
        BurnRow("ticket", D3, H6, 0.10),
    )
    rows = WORKBOOK_ROWS
    assert rows == expected


def test_every_workbook_short_window_is_long_over_12() -> None:
    assert [row.long / row.short for row in WORKBOOK_ROWS] == [12.0, 12.0, 12.0, 12.0]


@pytest.mark.parametrize(
    ("long", "rate"),
    [(H, 14.4), (H6, 6.0), (D1, 3.0), (D3, 1.0)],
)
def test_rates_for_a_30_day_window(long: timedelta, rate: float) -> None:
    (row,) = [r for r in WORKBOOK_ROWS if r.long == long]
    assert row.rate(D30) == pytest.approx(rate, rel=1e-12)


@pytest.mark.parametrize(
    ("window", "rates"),
    [
        # rate = share x window hours / long hours
        (D7, (0.02 * 168, 0.05 * 28, 0.10 * 7, 0.10 * 7 / 3)),
        (D28, (0.02 * 672, 0.05 * 112, 0.10 * 28, 0.10 * 28 / 3)),
    ],
)
def test_rates_scale_with_the_slo_window(window: timedelta, rates: tuple[float, ...]) -> None:
    got = tuple(row.rate(window) for row in WORKBOOK_ROWS)
    assert got == pytest.approx(rates, rel=1e-12)


@pytest.mark.parametrize(
    ("window", "expected"),
    [(D7, (3.36, 1.4, 0.7, 0.7 / 3)), (D28, (13.44, 5.6, 2.8, 2.8 / 3))],
)
def test_scaled_rates_as_literal_numbers(window: timedelta, expected: tuple[float, ...]) -> None:
    assert tuple(row.rate(window) for row in WORKBOOK_ROWS) == pytest.approx(expected)


def test_rate_of_a_custom_row() -> None:
    row = BurnRow("ticket", timedelta(hours=12), timedelta(hours=1), 0.25)
    # 25 % of a 30-day budget in 12 h: 0.25 x 720 / 12 = 15
    assert row.rate(D30) == pytest.approx(15.0)


# -- the Workbook's "budget consumed" column ----------------------------------------
@pytest.mark.parametrize(
    ("rate", "spell", "share"),
    [
        (14.4, H, 0.02),
        (6.0, H6, 0.05),
        (1.0, D3, 0.10),
        (3.0, D1, 0.10),  # Sloth's row
        (1.0, D30, 1.0),  # a burn of 1 spends exactly the whole budget over the window
        (2.0, timedelta(days=15), 1.0),
        (0.0, D30, 0.0),
    ],
)
def test_budget_spent_reproduces_the_table(rate: float, spell: timedelta, share: float) -> None:
    assert budget_spent(rate, spell, D30) == pytest.approx(share, rel=1e-12, abs=1e-15)


def test_budget_spent_consistent_with_row_rate() -> None:
    for window in (D7, D28, D30):
        for row in WORKBOOK_ROWS:
            spent = budget_spent(row.rate(window), row.long, window)
            assert spent == pytest.approx(row.budget_share, rel=1e-12)


def test_budget_of_99_9_over_30_days_is_43_2_minutes() -> None:
    budget = ErrorBudget(0.999, D30, None)
    assert budget.allowed_minutes == pytest.approx(43.2)
    # 2 % of it (the 14.4x / 1 h page) is 0.864 minutes
    assert budget_spent(14.4, H, D30) * budget.allowed_minutes == pytest.approx(0.864)


# -- burn_rate -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ratio", "objective", "rate"),
    [
        (0.0144, 0.999, 14.4),
        (0.006, 0.999, 6.0),
        (0.001, 0.999, 1.0),
        (0.0, 0.999, 0.0),
        (0.05, 0.95, 1.0),
        (0.5, 0.99, 50.0),
        (0.125, 0.75, 0.5),
    ],
)
def test_burn_rate(ratio: float, objective: float, rate: float) -> None:
    assert burn_rate(ratio, objective) == pytest.approx(rate, rel=1e-9)


@pytest.mark.parametrize("ratio", [None, math.nan])
def test_burn_rate_without_data_is_none(ratio: float | None) -> None:
    assert burn_rate(ratio, 0.999) is None


# -- a row fires only when both windows exceed the rate ------------------------------
PAGE_1H = WORKBOOK_ROWS[0]


def _status(long: float | None, short: float | None) -> RowStatus:
    return RowStatus(PAGE_1H, 14.4, long, short)


@pytest.mark.parametrize(
    ("long", "short", "firing"),
    [
        (20.0, 20.0, True),
        (14.5, 100.0, True),
        (20.0, 1.0, False),  # long only: the burn already stopped
        (1.0, 20.0, False),  # short only: a blip
        (1.0, 1.0, False),
        (14.4, 20.0, False),  # exactly equal is not "exceeds"
        (20.0, 14.4, False),
        (14.4, 14.4, False),
        (None, 20.0, False),
        (20.0, None, False),
        (None, None, False),
    ],
)
def test_row_status_firing(long: float | None, short: float | None, firing: bool) -> None:
    assert _status(long, short).firing is firing


def test_evaluate_rows_thresholds_and_rates_for_30_days() -> None:
    ratios: dict[timedelta, float | None] = {
        H: 0.02,  # 20x
        M5: 0.03,  # 30x
        H6: 0.007,  # 7x
        M30: 0.001,  # 1x
        D1: None,
        H2: 0.004,
        D3: 0.0015,  # 1.5x; the 3 d row's short window is H6 above
    }
    statuses = evaluate_rows(WORKBOOK_ROWS, D30, 0.999, ratios)
    assert [s.row for s in statuses] == list(WORKBOOK_ROWS)
    assert [s.threshold for s in statuses] == pytest.approx([14.4, 6.0, 3.0, 1.0])
    assert [s.long_rate for s in statuses] == [
        pytest.approx(20.0),
        pytest.approx(7.0),
        None,
        pytest.approx(1.5),
    ]
    assert [s.short_rate for s in statuses] == [
        pytest.approx(30.0),
        pytest.approx(1.0),
        pytest.approx(4.0),
        pytest.approx(7.0),  # the 3 d row's short window is 6 h
    ]
    # both / long only / no long data / both
    assert [s.firing for s in statuses] == [True, False, False, True]


def test_evaluate_rows_short_only_does_not_fire() -> None:
    ratios: dict[timedelta, float | None] = {H: 0.001, M5: 0.5}
    (status,) = evaluate_rows((PAGE_1H,), D30, 0.999, ratios)
    assert status.short_rate == pytest.approx(500.0)
    assert status.long_rate == pytest.approx(1.0)
    assert status.firing is False


def test_evaluate_rows_missing_windows_are_not_firing() -> None:
    statuses = evaluate_rows(WORKBOOK_ROWS, D30, 0.999, {})
    assert [(s.long_rate, s.short_rate, s.firing) for s in statuses] == [(None, None, False)] * 4


def test_evaluate_rows_nan_is_no_data() -> None:
    (status,) = evaluate_rows((PAGE_1H,), D30, 0.999, {H: math.nan, M5: 0.5})
    assert status.long_rate is None
    assert status.firing is False


def test_evaluate_rows_exactly_at_the_rate_does_not_fire() -> None:
    # objective 0.75: the budget is 0.25, exact in binary, so rate x 0.25 / 0.25 == rate
    threshold = PAGE_1H.rate(D30)
    ratio = threshold * 0.25
    (status,) = evaluate_rows((PAGE_1H,), D30, 0.75, {H: ratio, M5: ratio})
    assert status.long_rate == threshold
    assert status.short_rate == threshold
    assert status.firing is False
    (above,) = evaluate_rows((PAGE_1H,), D30, 0.75, {H: ratio * 1.001, M5: ratio * 1.001})
    assert above.firing is True


def test_evaluate_rows_uses_the_slo_window_for_thresholds() -> None:
    # On a 7-day SLO the 1 h page row burns at 3.36: 5x fires there, not on 30 days
    ratios: dict[timedelta, float | None] = {H: 0.005, M5: 0.005}
    (week,) = evaluate_rows((PAGE_1H,), D7, 0.999, ratios)
    (month,) = evaluate_rows((PAGE_1H,), D30, 0.999, ratios)
    assert week.threshold == pytest.approx(3.36)
    assert week.firing is True
    assert month.firing is False


def test_exactly_at_the_rate_with_percent_objective_does_not_fire() -> None:
    (status,) = evaluate_rows((PAGE_1H,), D30, 99.9 / 100, {H: 0.0144, M5: 0.0144})
    assert status.firing is False


# -- time to exhaustion ---------------------------------------------------------------
def test_time_to_exhaustion_half_left_at_14_4() -> None:
    # objective 0.75 / SLI 0.875 leaves exactly 50 % of the budget (exact binary fractions)
    budget = ErrorBudget(0.75, D30, 0.875)
    assert budget.remaining == 0.5
    assert time_to_exhaustion(budget, 14.4) == D30 * (0.5 / 14.4)
    assert time_to_exhaustion(budget, 14.4) == timedelta(hours=25)


def test_time_to_exhaustion_99_9_half_left_at_14_4() -> None:
    budget = ErrorBudget(0.999, D30, 0.9995)
    got = time_to_exhaustion(budget, 14.4)
    assert got is not None
    assert got.total_seconds() == pytest.approx((D30 * 0.5 / 14.4).total_seconds(), abs=1e-3)
    assert got.total_seconds() == pytest.approx(25 * 3600, abs=1e-3)


@pytest.mark.parametrize(
    ("sli", "rate", "expected"),
    [
        (1.0, 1.0, D30),  # all of it left, on budget: the whole window
        (1.0, 2.0, timedelta(days=15)),
        (0.9998, 6.0, D30 * 0.8 / 6.0),
    ],
)
def test_time_to_exhaustion_values(sli: float, rate: float, expected: timedelta) -> None:
    got = time_to_exhaustion(ErrorBudget(0.999, D30, sli), rate)
    assert got is not None
    assert got.total_seconds() == pytest.approx(expected.total_seconds(), abs=1e-3)


@pytest.mark.parametrize("rate", [0.0, -1.0, None])
def test_time_to_exhaustion_without_burn_is_none(rate: float | None) -> None:
    assert time_to_exhaustion(ErrorBudget(0.999, D30, 0.9995), rate) is None


def test_time_to_exhaustion_without_data_is_none() -> None:
    assert time_to_exhaustion(ErrorBudget(0.999, D30, None), 14.4) is None


@pytest.mark.parametrize("sli", [0.999, 0.99, 0.0])
def test_time_to_exhaustion_when_exhausted_is_zero(sli: float) -> None:
    budget = ErrorBudget(0.999, D30, sli)
    assert budget.remaining is not None and budget.remaining <= 0
    assert time_to_exhaustion(budget, 14.4) == timedelta(0)


# -- windows_needed -------------------------------------------------------------------
def test_windows_needed_for_30_days_in_order() -> None:
    assert windows_needed(D30, WORKBOOK_ROWS) == (D30, H, M5, H6, M30, D1, H2, D3)


def test_windows_needed_has_no_duplicates_and_slo_window_first() -> None:
    # the SLO window equals a row's long window, and 6 h is both a long and a short
    got = windows_needed(D1, WORKBOOK_ROWS)
    assert got == (D1, H, M5, H6, M30, H2, D3)
    assert len(set(got)) == len(got)


def test_windows_needed_without_rows_is_just_the_window() -> None:
    assert windows_needed(D7, ()) == (D7,)


def test_windows_needed_custom_rows() -> None:
    rows = (
        BurnRow("page", H2, timedelta(minutes=10), 0.05),
        BurnRow("ticket", H2, timedelta(minutes=10), 0.1),
    )
    assert windows_needed(D28, rows) == (D28, H2, timedelta(minutes=10))
