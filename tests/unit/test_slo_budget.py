"""cockpit.model.slo: error budget arithmetic and the healthy / warning / exhausted bands."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from cockpit.model.slo import (
    EXHAUSTED,
    HEALTHY,
    NO_DATA,
    WARNING,
    ErrorBudget,
    sli_from_bad,
    sli_from_counts,
)

DAYS_30 = timedelta(days=30)


def test_99_9_over_30_days_is_43_2_minutes() -> None:
    budget = ErrorBudget(objective=0.999, window=DAYS_30, sli=None)
    assert budget.allowed == pytest.approx(0.001)
    assert budget.allowed_minutes == pytest.approx(43.2)


@pytest.mark.parametrize(
    ("objective", "window", "minutes"),
    [
        (0.99, DAYS_30, 432.0),
        (0.95, DAYS_30, 2160.0),
        (0.999, timedelta(days=7), 10.08),
        (0.9999, DAYS_30, 4.32),
        (0.999, timedelta(weeks=4), 40.32),
    ],
)
def test_allowed_minutes(objective: float, window: timedelta, minutes: float) -> None:
    assert ErrorBudget(objective, window, None).allowed_minutes == pytest.approx(minutes)


@pytest.mark.parametrize(
    ("objective", "sli", "consumed", "remaining"),
    [
        (0.999, 1.0, 0.0, 1.0),
        (0.999, 0.9995, 0.5, 0.5),
        (0.999, 0.9999, 0.1, 0.9),
        (0.999, 0.999, 1.0, 0.0),
        (0.999, 0.998, 2.0, -1.0),
        (0.99, 0.995, 0.5, 0.5),
        (0.95, 0.96, 0.8, 0.2),
        (0.95, 0.0, 20.0, -19.0),
    ],
)
def test_consumed_and_remaining(
    objective: float, sli: float, consumed: float, remaining: float
) -> None:
    budget = ErrorBudget(objective, DAYS_30, sli)
    assert budget.consumed == pytest.approx(consumed)
    assert budget.remaining == pytest.approx(remaining, abs=1e-9)


def test_remaining_minutes() -> None:
    budget = ErrorBudget(0.999, DAYS_30, 0.9995)
    assert budget.remaining_minutes == pytest.approx(21.6)
    overspent = ErrorBudget(0.999, DAYS_30, 0.998)
    assert overspent.remaining_minutes == pytest.approx(-43.2)


@pytest.mark.parametrize(
    ("objective", "sli", "status"),
    [
        (0.999, 1.0, HEALTHY),  # 100 % left
        (0.999, 0.99921, HEALTHY),  # 21 % left
        (0.999, 0.999201, HEALTHY),  # 20.1 % left
        (0.999, 0.9992, WARNING),  # 20.0 % left exactly: at or under 20 % is warning
        (0.95, 0.96, WARNING),  # 20.0 % left exactly, another objective
        (0.5, 0.6, WARNING),  # 20.0 % left exactly
        (0.999, 0.99919, WARNING),  # 19 % left
        (0.999, 0.999001, WARNING),  # 0.1 % left
        (0.999, 0.999, EXHAUSTED),  # 0 % left
        (0.5, 0.5, EXHAUSTED),  # 0 % left
        (0.999, 0.9985, EXHAUSTED),  # -50 %
        (0.999, 0.0, EXHAUSTED),
    ],
)
def test_status_bands(objective: float, sli: float, status: str) -> None:
    assert ErrorBudget(objective, DAYS_30, sli).status == status


@pytest.mark.parametrize(
    ("objective", "sli", "status"),
    [
        (0.9, sli_from_counts(92, 100), WARNING),
        (99.99 / 100, sli_from_counts(99990, 100000), EXHAUSTED),
        (99.99 / 100, sli_from_bad(10, 100000), EXHAUSTED),
    ],
    ids=["90pct-20pct-left", "99.99pct-0pct-left-good", "99.99pct-0pct-left-bad"],
)
def test_status_at_exact_boundaries_from_counts(
    objective: float, sli: float | None, status: str
) -> None:
    assert ErrorBudget(objective, DAYS_30, sli).status == status


def test_no_data_is_its_own_status_never_full() -> None:
    budget = ErrorBudget(0.999, DAYS_30, None)
    assert budget.status == NO_DATA == "no data"
    assert budget.consumed is None
    assert budget.remaining is None
    assert budget.remaining_minutes is None
    assert budget.allowed_minutes == pytest.approx(43.2)  # the budget itself is still known


@pytest.mark.parametrize(
    ("good", "total"),
    [
        (0.0, 0.0),  # no traffic
        (5.0, 0.0),
        (5.0, -1.0),
        (math.nan, 100.0),
        (100.0, math.nan),
        (None, 100.0),
        (100.0, None),
        (None, None),
    ],
)
def test_sli_from_counts_no_data(good: float | None, total: float | None) -> None:
    sli = sli_from_counts(good, total)
    assert sli is None
    assert ErrorBudget(0.999, DAYS_30, sli).status == NO_DATA


@pytest.mark.parametrize(
    ("good", "total", "sli"),
    [
        (999.0, 1000.0, 0.999),
        (1000.0, 1000.0, 1.0),
        (0.0, 1000.0, 0.0),
        (1.5, 2.0, 0.75),
        (1001.0, 1000.0, 1.0),  # counter races: clamped
        (-1.0, 1000.0, 0.0),
    ],
)
def test_sli_from_counts(good: float, total: float, sli: float) -> None:
    assert sli_from_counts(good, total) == pytest.approx(sli)


@pytest.mark.parametrize(
    ("bad", "total", "sli"),
    [
        (1.0, 1000.0, 0.999),
        (0.0, 1000.0, 1.0),
        (1000.0, 1000.0, 0.0),
        (0.25, 1.0, 0.75),  # a recorded error ratio with total = vector(1)
        (2000.0, 1000.0, 0.0),  # clamped
    ],
)
def test_sli_from_bad(bad: float, total: float, sli: float) -> None:
    assert sli_from_bad(bad, total) == pytest.approx(sli)


@pytest.mark.parametrize(
    ("bad", "total"),
    [(0.0, 0.0), (None, 1.0), (1.0, None), (math.nan, 1.0), (1.0, math.nan), (0.0, -5.0)],
)
def test_sli_from_bad_no_data(bad: float | None, total: float | None) -> None:
    assert sli_from_bad(bad, total) is None


def test_budget_from_counts_end_to_end() -> None:
    # 10000 requests, 5 errors, 99.9 %: half the budget gone, 21.6 of 43.2 minutes left.
    budget = ErrorBudget(0.999, DAYS_30, sli_from_bad(5, 10000))
    assert budget.consumed == pytest.approx(0.5)
    assert budget.remaining_minutes == pytest.approx(21.6)
    assert budget.status == HEALTHY
