"""Stop on SIGTERM / SIGINT / SIGHUP by setting a flag the main loop polls.

A plain attribute, not threading.Event: Event.set() from a handler can deadlock when the
signal lands while the main thread's Event.wait() holds the Event's lock.
"""

from __future__ import annotations

import signal
from types import FrameType


class StopRequest:
    def __init__(self) -> None:
        self.requested = False

    def install(self, *signums: signal.Signals) -> StopRequest:
        for signum in signums:
            signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
