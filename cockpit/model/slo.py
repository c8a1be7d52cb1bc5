"""SLO arithmetic: SLI, error budget, status. Pure functions, no I/O.

Definitions (docs/domain.md, SLOs and error budgets; SRE Workbook):
- error budget = 1 - objective (as a fraction);
- consumed = (1 - SLI) / (1 - objective), remaining = 1 - consumed;
- healthy while more than 20 % of the budget is left, warning at or under 20 %,
  exhausted at 0 % or less.
No data (no query result, NaN, no traffic) is its own state and never reads as 100 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from cockpit.model.durations import format_duration, promql_duration

WARNING_BELOW = 0.20
# Budget fractions come out of float division (0.08 / 0.1 = 0.7999999999999999):
# compare at this precision so an exact boundary lands in the documented band.
PRECISION = 9

HEALTHY = "healthy"
WARNING = "warning"
EXHAUSTED = "exhausted"
NO_DATA = "no data"


@dataclass(frozen=True)
class ErrorBudget:
    objective: float  # fraction, e.g. 0.999
    window: timedelta
    sli: float | None  # fraction of good events over the window, None when unknown

    @property
    def allowed(self) -> float:
        return 1.0 - self.objective

    @property
    def allowed_minutes(self) -> float:
        """The whole budget as minutes of full outage over the window (99.9 %/30 d = 43.2)."""
        return self.allowed * self.window.total_seconds() / 60.0

    @property
    def consumed(self) -> float | None:
        if self.sli is None:
            return None
        return (1.0 - self.sli) / self.allowed

    @property
    def remaining(self) -> float | None:
        consumed = self.consumed
        return None if consumed is None else 1.0 - consumed

    @property
    def remaining_minutes(self) -> float | None:
        remaining = self.remaining
        return None if remaining is None else remaining * self.allowed_minutes

    @property
    def status(self) -> str:
        remaining = self.remaining
        if remaining is None or math.isnan(remaining):
            return NO_DATA
        remaining = round(remaining, PRECISION)
        if remaining <= 0:
            return EXHAUSTED
        if remaining <= WARNING_BELOW:
            return WARNING
        return HEALTHY


def sli_from_counts(good: float | None, total: float | None) -> float | None:
    """good / total, or None when there is no traffic or no data (never 100 %)."""
    if good is None or total is None or math.isnan(good) or math.isnan(total) or total <= 0:
        return None
    return min(max(good / total, 0.0), 1.0)


def sli_from_bad(bad: float | None, total: float | None) -> float | None:
    if bad is None or total is None:
        return None
    if math.isnan(bad) or math.isnan(total) or total <= 0:
        return None
    return sli_from_counts(total - bad, total)


# -- burn rates ----------------------------------------------------------------
@dataclass(frozen=True)
class BurnRow:
    """One multi-window alert row: fires only when both windows burn faster than the rate.

    ``budget_share`` is the share of the whole budget the row guards against spending
    within ``long``; the rate follows from it and the SLO window (SRE Workbook, ch. 5):
    rate = budget_share x window / long.
    """

    severity: str  # "page" or "ticket"
    long: timedelta
    short: timedelta
    budget_share: float

    def rate(self, window: timedelta) -> float:
        return self.budget_share * (window / self.long)


# SRE Workbook Table 5-8 plus Sloth's 1 d / 2 h ticket row; short = long / 12.
WORKBOOK_ROWS: tuple[BurnRow, ...] = (
    BurnRow("page", timedelta(hours=1), timedelta(minutes=5), 0.02),
    BurnRow("page", timedelta(hours=6), timedelta(minutes=30), 0.05),
    BurnRow("ticket", timedelta(days=1), timedelta(hours=2), 0.10),
    BurnRow("ticket", timedelta(days=3), timedelta(hours=6), 0.10),
)


def burn_rate(error_ratio: float | None, objective: float) -> float | None:
    """How many times faster than "exactly on budget" errors arrive; 1 spends the whole
    budget over the SLO window. None without data."""
    if error_ratio is None or math.isnan(error_ratio):
        return None
    return error_ratio / (1.0 - objective)


def budget_spent(rate: float, spell: timedelta, window: timedelta) -> float:
    """Share of the whole budget a burn of ``rate`` spends in ``spell``."""
    return rate * (spell / window)


@dataclass(frozen=True)
class RowStatus:
    row: BurnRow
    threshold: float
    long_rate: float | None
    short_rate: float | None

    def _over(self, rate: float | None) -> bool:
        if rate is None:
            return False
        # At the float noise of 99.9/100 a burn exactly at the rate must not fire.
        return round(rate, PRECISION) > round(self.threshold, PRECISION)

    @property
    def long_over(self) -> bool:
        """The long window burns above the row's threshold."""
        return self._over(self.long_rate)

    @property
    def short_over(self) -> bool:
        return self._over(self.short_rate)

    @property
    def firing(self) -> bool:
        """Both windows above the threshold (the long one says it matters, the short one
        that it is still going on)."""
        return self.long_over and self.short_over


def evaluate_rows(
    rows: tuple[BurnRow, ...],
    window: timedelta,
    objective: float,
    error_ratios: dict[timedelta, float | None],
) -> tuple[RowStatus, ...]:
    """Each row with its long and short burn rates, from error ratios by window."""
    return tuple(
        RowStatus(
            row,
            row.rate(window),
            burn_rate(error_ratios.get(row.long), objective),
            burn_rate(error_ratios.get(row.short), objective),
        )
        for row in rows
    )


def time_to_exhaustion(budget: ErrorBudget, rate: float | None) -> timedelta | None:
    """At ``rate`` (usually the 1 h burn), when the remaining budget is gone; None when
    nothing burns or nothing is known, zero when it is gone already."""
    remaining = budget.remaining
    if remaining is None:
        return None
    if round(remaining, PRECISION) <= 0:
        return timedelta(0)  # gone already, whatever burns now
    if rate is None or rate <= 0:
        return None
    return budget.window * (remaining / rate)


def windows_needed(window: timedelta, rows: tuple[BurnRow, ...]) -> tuple[timedelta, ...]:
    """Every window an SLO needs an error ratio for, the SLO window first."""
    needed = [window]
    for row in rows:
        for span in (row.long, row.short):
            if span not in needed:
                needed.append(span)
    return tuple(needed)


def window_held_text(held: timedelta | None, window: timedelta) -> str | None:
    """What a reader must know when the window is not full of data, else None: the SLI and
    budget then describe only the part that holds data (a 30-day SLO on minutes of
    history can read "exhausted -344.5 %" from one bad minute)."""
    name = promql_duration(window)  # as configured: 30d, not 30d00h
    if held is None:
        return f"the {name} window holds no data"
    if held >= window:
        return None
    return (
        f"the {name} window holds only {format_duration(held)} of data"
        " (SLI and budget are over that part)"
    )
