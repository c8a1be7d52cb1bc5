"""How fresh a source's data is: when it last answered, and why it failed if it did."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo


@dataclass(frozen=True)
class Freshness:
    """The health of one source's poll cycle.

    ``configured`` False means the user never pointed the cockpit at the source, which
    is a different thing to say than "down".
    """

    configured: bool = True
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    error: str | None = None

    @classmethod
    def not_configured(cls) -> Freshness:
        return cls(configured=False)

    def succeeded(self, at: datetime) -> Freshness:
        return replace(self, last_success=at, last_attempt=at, error=None)

    def failed(self, at: datetime, error: str) -> Freshness:
        return replace(self, last_attempt=at, error=error)

    @property
    def connecting(self) -> bool:
        return self.configured and self.last_attempt is None

    @property
    def ok(self) -> bool:
        return self.configured and self.error is None and self.last_success is not None

    def age(self, now: datetime) -> timedelta | None:
        return None if self.last_success is None else now - self.last_success

    def describe(self, now: datetime, tz: tzinfo | None = None) -> str:
        """One line for a pane's border: what the user should know about this data."""
        if not self.configured:
            return "not configured"
        if self.last_attempt is None:
            return "connecting…"
        if self.error is None and self.last_success is not None:
            seconds = int((now - self.last_success).total_seconds())
            return f"updated {max(seconds, 0)}s ago"
        if self.last_success is None:
            return f"no data: {self.error}"
        local = self.last_success.astimezone(tz)
        return f"stale since {local:%H:%M}: {self.error}"
