"""Quitting while a source's answer is still outstanding ends the cockpit, whatever the
request was doing: reading an answer (closing the connection wakes it) or still
connecting to a host that drops packets (nothing wakes that one: it is ended)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from cockpit.config import load
from cockpit.sources.clients import BlockingClient
from cockpit.ui.app import CockpitApp
from tests.waiting import until

from .test_fault_cli import SLO


@contextmanager
def _connect_hangs() -> Iterator[str]:
    """A loopback URL whose connections never complete: the listener's queue (one
    connection long) is kept full and nothing accepts, so the kernel drops the SYNs of
    any connection after it, as a firewall that drops packets would."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname(), timeout=5)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        filler.close()
        listener.close()


async def test_quitting_while_the_slo_query_still_connects_ends_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked, returned = threading.Event(), threading.Event()
    real_run = BlockingClient.run

    def run(self: BlockingClient, work: Callable[[Any], Awaitable[Any]]) -> Any:
        asked.set()
        try:
            return real_run(self, work)
        finally:
            returned.set()

    monkeypatch.setattr(BlockingClient, "run", run)
    with _connect_hangs() as url:
        path = tmp_path / "cockpit.toml"
        path.write_text(f'[prometheus]\nurl = "{url}"\ntimeout = "30s"\n{SLO}')
        app = CockpitApp(load(path), tmp_path / "notebook.sqlite3")
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, "the SLO poll's first query", asked.is_set)
        # The query's call returned too: the cockpit's exit (asyncio.run) waits for the
        # thread that made it. It used to wait forever: the loop the query ran on was
        # stopped with the query still on it.
        assert returned.wait(10), "the SLO query's thread still waits after the exit"
