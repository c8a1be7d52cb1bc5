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


# -- ages that count up, pause, and go stale without an error ------------------------

REFRESH = timedelta(seconds=30)


def test_the_age_counts_up_with_the_clock() -> None:
    fresh = Freshness().succeeded(NOW)
    ages = [fresh.describe(NOW + timedelta(seconds=s), refresh=REFRESH) for s in (0, 1, 29, 59)]
    assert ages == ["updated 0s ago", "updated 1s ago", "updated 29s ago", "updated 59s ago"]


def test_minutes_read_as_minutes() -> None:
    fresh = Freshness().succeeded(NOW)
    assert fresh.describe(NOW + timedelta(seconds=125)) == "updated 2m05s ago"


def test_older_than_twice_the_refresh_is_stale_without_an_error() -> None:
    last_ok = datetime(2025, 7, 1, 12, 58, 30, tzinfo=UTC)  # 14:58 in Berlin
    fresh = Freshness().succeeded(last_ok)
    at_limit = last_ok + 2 * REFRESH
    assert fresh.describe(at_limit, BERLIN, refresh=REFRESH) == "updated 1m00s ago"
    assert fresh.stale(at_limit, REFRESH) is False
    later = at_limit + timedelta(seconds=1)
    assert fresh.stale(later, REFRESH) is True
    assert fresh.describe(later, BERLIN, refresh=REFRESH) == (
        "stale since 14:58: no answer for 1m01s (refresh every 30s)"
    )
    # Without a known refresh interval only an error makes data stale.
    assert fresh.stale(later, None) is False
    assert fresh.describe(later, BERLIN) == "updated 1m01s ago"


def test_an_error_is_stale_at_any_age() -> None:
    fresh = Freshness().succeeded(NOW).failed(NOW + timedelta(seconds=1), "HTTP 503")
    assert fresh.stale(NOW + timedelta(seconds=1), REFRESH) is True
    assert fresh.stale(NOW + timedelta(seconds=1), REFRESH, paused=True) is True


def test_nothing_to_be_stale_about_before_the_first_answer() -> None:
    assert Freshness().stale(NOW, REFRESH) is False
    assert Freshness.not_configured().stale(NOW, REFRESH) is False


def test_paused_names_the_time_of_the_data() -> None:
    last_ok = datetime(2025, 7, 1, 10, 3, 40, tzinfo=UTC)  # 12:03 in Berlin
    fresh = Freshness().succeeded(last_ok)
    hours_later = last_ok + timedelta(hours=3)
    assert fresh.describe(hours_later, BERLIN, paused=True, refresh=REFRESH) == (
        "paused · data from 12:03"
    )
    # The user chose to pause: old data is not flagged stale for that.
    assert fresh.stale(hours_later, REFRESH, paused=True) is False
    failed = fresh.failed(last_ok + timedelta(seconds=30), "timeout after 5s")
    assert failed.describe(hours_later, BERLIN, paused=True) == (
        "paused · data from 12:03 · last try failed: timeout after 5s"
    )


def test_paused_before_any_data() -> None:
    assert Freshness().describe(NOW, paused=True) == "paused · no data yet"
    assert Freshness().failed(NOW, "refused").describe(NOW, paused=True) == (
        "paused · no data: refused"
    )
    assert Freshness.not_configured().describe(NOW, paused=True) == "not configured"
