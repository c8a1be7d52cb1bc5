"""Waiting on a real stack: until a probe says yes (a bound, not a timing), or until a
moment has come."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

T = TypeVar("T")
LIVE = 45.0  # seconds: the bound on waiting for the real stack


def poll_until(what: str, probe: Callable[[], T | None], timeout: float = LIVE) -> T:
    """Poll until ``probe`` returns something truthy; TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.25)


def sleep_until(moment: datetime) -> None:
    while (left := (moment - datetime.now(UTC)).total_seconds()) > 0:
        time.sleep(min(left, 1.0))
