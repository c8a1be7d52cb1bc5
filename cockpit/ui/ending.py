"""The cockpit's end when a signal asks for it: SIGTERM, or SIGHUP when its terminal closed.

The normal way runs the app's unmount (the recording duty handed over, the notebook
closed) and every ``finally`` above it (the demo stack stopped). With the terminal gone
that way can block: Textual writes the terminal's restore sequences through a bounded
queue, and a terminal closed in the cockpit's first second left that queue without a
reader, the process waiting forever and deaf to SIGTERM. So the signal also arms a timer:
if the process still runs ``HARD_AFTER_S`` later, it ends at once. Nothing saved is lost
then: every note, ack and runbook step is committed as it is written.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

# Longer than a normal end takes (plugins get 3 s to send what they queued).
HARD_AFTER_S = 10.0


def end_hard_later(
    code: int, after: float = HARD_AFTER_S, *, end: Callable[[int], object] = os._exit
) -> threading.Timer:
    """Call ``end(code)`` after ``after`` seconds unless the process has ended by then
    (the timer's thread does not keep it alive)."""
    timer = threading.Timer(after, end, args=(code,))
    timer.daemon = True
    timer.name = "end-hard-later"
    timer.start()
    return timer
