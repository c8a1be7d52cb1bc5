"""One write per thing at a time: a second key press while the first write is on its way
is refused with a message, so a hurried double press never sends twice.

Textual's ``exclusive=True`` is not this guard: it cancels the running worker and starts
the new one, and the first request may already be at the server. Here the first write
finishes and the second is not started. Keys name what a write is about (an alert, a
silence, the silence a form asks for), so writes on different things still run side by
side."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.app import App

WRITE_GROUP = "alert-write"  # the workers' group: the app's writes to Alertmanager


class OneAtATime:
    def __init__(self, app: App[None]) -> None:
        self.app = app
        self._running: set[str] = set()

    def busy(self, key: str) -> bool:
        return key in self._running

    def start(self, key: str, write: Callable[[], Awaitable[None]], busy_text: str) -> bool:
        """Run ``write()`` as a worker unless one for ``key`` is still running; then say
        ``busy_text`` instead. True when it started."""
        if key in self._running:
            self.app.notify(busy_text, severity="warning", markup=False)
            return False
        self._running.add(key)

        async def guarded() -> None:
            try:
                await write()
            finally:
                self._running.discard(key)

        self.app.run_worker(guarded(), group=WRITE_GROUP, exit_on_error=False)
        return True
