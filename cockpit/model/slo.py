"""SLO arithmetic: SLI, error budget, status. Pure functions, no I/O.

Definitions (DOMAIN.md, SRE Workbook):
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
