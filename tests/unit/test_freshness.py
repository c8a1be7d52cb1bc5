"""cockpit.model.freshness: the line a pane shows about how fresh its data is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cockpit.model.freshness import Freshness

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 7, 1, 13, 10, 0, tzinfo=UTC)


def test_not_configured() -> None:
    fresh = Freshness.not_configured()
    assert fresh.configured is False
    assert fresh.describe(NOW) == "not configured"
    assert fresh.connecting is False
    assert fresh.ok is False
    assert fresh.age(NOW) is None


def test_not_configured_wins_even_with_history() -> None:
    fresh = Freshness.not_configured().failed(NOW, "boom")
    assert fresh.describe(NOW) == "not configured"


def test_connecting_before_the_first_attempt() -> None:
    fresh = Freshness()
    assert fresh.connecting is True
    assert fresh.ok is False
    assert fresh.describe(NOW) == "connecting…"


def test_updated_seconds_ago() -> None:
    fresh = Freshness().succeeded(NOW - timedelta(seconds=42, milliseconds=700))
    assert fresh.ok is True
    assert fresh.connecting is False
    assert fresh.describe(NOW) == "updated 42s ago"
    assert fresh.age(NOW) == timedelta(seconds=42, milliseconds=700)


def test_updated_just_now_and_clock_skew() -> None:
    assert Freshness().succeeded(NOW).describe(NOW) == "updated 0s ago"
    # a success stamped slightly in the future never reads as a negative age
    assert Freshness().succeeded(NOW + timedelta(seconds=3)).describe(NOW) == "updated 0s ago"


def test_no_data_when_never_succeeded() -> None:
    fresh = Freshness().failed(NOW, "connection refused")
    assert fresh.ok is False
    assert fresh.connecting is False
    assert fresh.age(NOW) is None
    assert fresh.describe(NOW) == "no data: connection refused"


def test_stale_since_in_local_time_summer() -> None:
    last_ok = datetime(2025, 7, 1, 12, 58, 30, tzinfo=UTC)  # 14:58 CEST
    fresh = Freshness().succeeded(last_ok).failed(NOW, "timeout after 5s")
    assert fresh.ok is False
    assert fresh.last_success == last_ok
    assert fresh.last_attempt == NOW
    assert fresh.describe(NOW, BERLIN) == "stale since 14:58: timeout after 5s"
    assert fresh.describe(NOW, UTC) == "stale since 12:58: timeout after 5s"


def test_stale_since_in_local_time_winter() -> None:
    last_ok = datetime(2025, 1, 15, 23, 30, tzinfo=UTC)  # 00:30 CET the next day
    now = last_ok + timedelta(minutes=10)
    fresh = Freshness().succeeded(last_ok).failed(now, "HTTP 503")
    assert fresh.describe(now, BERLIN) == "stale since 00:30: HTTP 503"


def test_success_after_failure_clears_the_error() -> None:
    fresh = (
        Freshness().failed(NOW - timedelta(seconds=20), "DNS").succeeded(NOW - timedelta(seconds=5))
    )
    assert fresh.error is None
    assert fresh.ok is True
    assert fresh.describe(NOW) == "updated 5s ago"


def test_failed_keeps_the_last_success() -> None:
    first = NOW - timedelta(minutes=3)
    fresh = Freshness().succeeded(first).failed(NOW - timedelta(minutes=1), "a").failed(NOW, "b")
    assert fresh.last_success == first
    assert fresh.last_attempt == NOW
    assert fresh.error == "b"
    assert fresh.age(NOW) == timedelta(minutes=3)
