"""Waiting in a Pilot test for what the app does on its own (a poll's answer, a read on
a thread): one loop with a bound, so no test depends on how long that takes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


async def until(
    pilot: Any, what: str, condition: Callable[[], object], seconds: float = 10.0,
    step: float = 0.1,
) -> None:  # fmt: skip
    """Let the app run until ``condition`` holds; fail, naming ``what`` was awaited,
    after ``seconds`` (a bound, not a timing)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")
        await pilot.pause(step)


async def settle(pilot: Any) -> None:
    """Until the workers running now have ended, and one frame after (a worker started
    later, or a read asked again, is not waited for: see ``notebook_reads_done``)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def notebook_reads_done(pilot: Any) -> None:
    """Until every read the app asked of its notebook thread has been shown, a read asked
    again while one ran included (``workers.wait_for_complete`` misses that one: it
    starts after the worker it waits for)."""
    reads = pilot.app.notebook_reads
    await until(pilot, "the notebook thread's reads", reads.idle)
    await pilot.pause()
