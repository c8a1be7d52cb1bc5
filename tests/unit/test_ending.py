"""A signal's end is bounded: if the normal way has not ended the process by the bound, it
ends at once (a terminal closed in the first second left it waiting forever)."""

from __future__ import annotations

import threading

from cockpit.ui.ending import HARD_AFTER_S, end_hard_later


def test_the_hard_end_comes_with_its_code_once_the_bound_passes() -> None:
    ended: list[int] = []
    called = threading.Event()

    def end(code: int) -> None:
        ended.append(code)
        called.set()

    timer = end_hard_later(129, after=0.01, end=end)
    assert timer.daemon  # it never keeps a process alive that ended the normal way
    assert called.wait(10.0), "the hard end never came"
    assert ended == [129]


def test_no_hard_end_before_the_bound() -> None:
    ended: list[int] = []
    timer = end_hard_later(143, end=ended.append)
    assert timer.is_alive() and ended == []  # the bound is seconds away
    timer.cancel()
    timer.join(5.0)
    assert ended == []
    assert HARD_AFTER_S > 3.0  # longer than the plugins' own 3 s to send what they queued
