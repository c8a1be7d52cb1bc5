"""Another cockpit's write wakes a watch on the same notebook (file or PostgreSQL); a
heartbeat does not; nothing new means wait() returns False after its timeout."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from cockpit.model.timeline import TimelineEvent
from cockpit.store import open_notebook
from cockpit.store.changes import watch_changes
from cockpit.store.events import record_events
from cockpit.store.recording_duty import DutyHolder, claim_duty

T0 = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)


def _note(subject: str) -> TimelineEvent:
    return TimelineEvent(kind="note", occurred_at=T0, source="user", subject=subject)


def test_a_write_elsewhere_wakes_the_watch_once(notebook_target: str | Path) -> None:
    with open_notebook(notebook_target) as writer, watch_changes(notebook_target) as watch:
        assert watch.wait(0.3) is False
        record_events(writer, [_note("one")])
        record_events(writer, [_note("two")])
        assert watch.wait(2.0) is True
        # Both writes came before the wake-up: it stands for both.
        assert watch.wait(0.5) is False


def test_a_heartbeat_wakes_nobody(notebook_target: str | Path) -> None:
    me = DutyHolder("alice", "host-a", 4242)
    with open_notebook(notebook_target) as writer, watch_changes(notebook_target) as watch:
        assert claim_duty(writer, me, T0)[0]
        assert claim_duty(writer, me, T0)[0]
        assert watch.wait(0.6) is False


def test_a_waiting_watch_wakes_as_the_write_commits(notebook_target: str | Path) -> None:
    with open_notebook(notebook_target) as writer, watch_changes(notebook_target) as watch:
        woke: list[float] = []
        failed: list[BaseException] = []

        def waiter() -> None:
            try:
                if watch.wait(5.0):
                    woke.append(time.monotonic())
            except BaseException as exc:  # shown below, not lost in the thread
                failed.append(exc)

        thread = threading.Thread(target=waiter)
        thread.start()
        time.sleep(0.2)
        wrote = time.monotonic()
        record_events(writer, [_note("now")])
        thread.join(6.0)
        assert failed == []
        assert woke, "the watch never woke"
        # Well inside the 2 s the issue allows (0.25 s polling on a file, NOTIFY on PG).
        assert woke[0] - wrote < 2.0
