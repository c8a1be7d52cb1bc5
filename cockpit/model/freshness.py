"""How fresh a source's data is: when it last answered, and why it failed if it did."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from cockpit.model.durations import format_duration

# Data older than this many refresh intervals is shown stale, even without an error: the
# cycle has stopped answering (hung, or the process was suspended).
STALE_AFTER_INTERVALS = 2


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

    def too_old(self, now: datetime, refresh: timedelta | None) -> bool:
        """True when the last answer is more than twice the refresh interval old."""
        age = self.age(now)
        return refresh is not None and age is not None and age > refresh * STALE_AFTER_INTERVALS

    def stale(self, now: datetime, refresh: timedelta | None, *, paused: bool = False) -> bool:
        """Whether the pane should look stale: the last try failed, or (unless refresh is
        paused, which the user chose) no answer came for too long."""
        if not self.configured or self.last_attempt is None:
            return False
        return self.error is not None or (not paused and self.too_old(now, refresh))

    def describe(
        self,
        now: datetime,
        tz: tzinfo | None = None,
        *,
        paused: bool = False,
        refresh: timedelta | None = None,
    ) -> str:
        """One line for a pane's border: what the user should know about this data.

        ``refresh`` is how often the source should answer; ``paused`` says the user
        stopped the refresh, so the line names the time of the data instead of an age."""
        if not self.configured:
            return "not configured"
        if paused:
            return self._describe_paused(tz)
        if self.last_attempt is None:
            return "connecting…"
        if self.last_success is None:
            return f"no data: {self.error}"
        local = self.last_success.astimezone(tz)
        if self.error is not None:
            return f"stale since {local:%H:%M}: {self.error}"
        age = max(now - self.last_success, timedelta(0))
        if refresh is not None and self.too_old(now, refresh):
            return (
                f"stale since {local:%H:%M}: no answer for {format_duration(age)}"
                f" (refresh every {format_duration(refresh)})"
            )
        return f"updated {format_duration(age)} ago"

    def describe_past(self, at: datetime, tz: tzinfo | None) -> str:
        """The line for data of a past moment (time travel): what it is as of, or why
        nothing can be shown for then."""
        if not self.configured:
            return "not configured"
        if self.error is not None:
            return f"no data then: {self.error}"
        return f"as it was at {at.astimezone(tz):%H:%M:%S}"

    def _describe_paused(self, tz: tzinfo | None) -> str:
        if self.last_success is None:
            return f"paused · no data: {self.error}" if self.error else "paused · no data yet"
        text = f"paused · data from {self.last_success.astimezone(tz):%H:%M}"
        return f"{text} · last try failed: {self.error}" if self.error else text
