"""The alerts pane driven headless (Textual's run_test) with a real Alertmanager snapshot:
UI-thread time of the pane's own calls (first fill, a refresh with 1 % changed, a full
rebuild), and at the large size the filter, scrolling and RSS over refreshes.

Each timed call includes what the table leaves for its next idle moment and frame (its
dimensions, and drawing the lines on screen): a table that makes its cells only when
drawn must not look cheaper for leaving the work to the frame after."""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx
from cockpit_process import memory_kib
from workloads import bench_alert

from cockpit.config import Config, OnCall, load
from cockpit.model.alerts import from_alertmanager, merge
from cockpit.model.freshness import Freshness
from cockpit.model.snapshots import AlertSnapshot
from cockpit.services.alert_poll import AlertPoller
from cockpit.sources.clients import async_client

FILTER = 'severity="critical"'


@dataclass(frozen=True)
class FillTimes:
    first: float  # seconds
    refresh: float
    rebuild: float
    rebuild_how: str
    rows: int


@dataclass(frozen=True)
class LargeTimes:
    fill: float
    filter: float
    unfilter: float
    scroll: float  # UI-thread CPU seconds per key (the app's work, Pilot's idle waits not)
    scroll_wall: float  # pilot.press wall seconds per key (Pilot waits for idle in 20 ms steps)
    rss_kib: list[int]  # after each refresh
    rows: int


def poll_alerts(config_path: os.PathLike[str]) -> AlertSnapshot:
    """One poll of Alertmanager, as the app does it (its client, its poller)."""
    config = load(config_path)  # type: ignore[arg-type]

    async def poll() -> AlertSnapshot:
        async with async_client() as client:
            return await AlertPoller(config).poll(client)

    return asyncio.run(poll())


def changed_every(snapshot: AlertSnapshot, step: int, mark: str) -> AlertSnapshot:
    """The snapshot with every ``step``-th alert's summary changed (100: 1 %)."""
    alerts = list(snapshot.alerts)
    for index in range(0, len(alerts), step):
        alert = alerts[index]
        notes = {**alert.annotations, "summary": f"{alert.summary} ({mark})"}
        alerts[index] = replace(alert, annotations=notes)
    return replace(snapshot, alerts=tuple(alerts))


def _drawn(table: Any) -> None:
    """Do now what the table would do at its next idle moment and frame."""
    if table is None:
        return
    if table._require_update_dimensions:
        table._require_update_dimensions = False
        new_rows = table._new_rows.copy()
        table._new_rows.clear()
        table._update_dimensions(new_rows)
    for y in range(table.size.height):
        table.render_line(y)


def timed(table: Any, call: Callable[[], object]) -> float:
    """Seconds of ``call`` and of drawing the table after it, on this (the UI) thread."""
    t0 = time.perf_counter()
    call()
    _drawn(table)
    return time.perf_counter() - t0


def _app(config: Config | None = None):  # type: ignore[no-untyped-def]
    from cockpit.ui.app import CockpitApp

    config = config or Config(path=None, oncall=OnCall(me="bench"))
    return CockpitApp(config, None, poll=False)


async def fill_times(snapshot: AlertSnapshot, config: Config | None = None) -> FillTimes:
    """``config``: the app's (e.g. several clusters: the pane shows a cluster column)."""
    from cockpit.ui.panes.alerts import AlertsPane

    now = datetime.now(UTC)
    app = _app(config)
    async with app.run_test(size=(200, 60)) as pilot:
        pane = app.query_one(AlertsPane)
        table = getattr(pane, "table", None)
        await pilot.pause()
        first = timed(table, lambda: pane.update_snapshot(snapshot, now))
        await pilot.pause()
        changed = changed_every(snapshot, 100, "changed")
        refresh = timed(table, lambda: pane.update_snapshot(changed, now))
        await pilot.pause()
        # A full rebuild: a DataTable emptied first (what a rebuild on every tick pays); a
        # pane that makes its cells when drawn (lazy_table) gets every alert changed.
        if table is not None and not hasattr(pane, "lazy_table"):
            table.clear()
            how, again = "table cleared, then the same snapshot", changed
        else:
            how, again = "every alert changed", changed_every(snapshot, 1, "all")
        rebuild = timed(table, lambda: pane.update_snapshot(again, now))
        await pilot.pause()
        rows = getattr(table, "row_count", len(snapshot.alerts))
    return FillTimes(first, refresh, rebuild, how, rows)


async def large_times(snapshot: AlertSnapshot, refreshes: int) -> LargeTimes:
    from cockpit.ui.panes.alerts import AlertsPane

    now = datetime.now(UTC)
    app = _app()
    async with app.run_test(size=(200, 60)) as pilot:
        pane = app.query_one(AlertsPane)
        table = getattr(pane, "table", None)
        await pilot.pause()
        fill = timed(table, lambda: pane.update_snapshot(snapshot, now))
        await pilot.pause()
        filtered = timed(table, lambda: pane.apply_filter(FILTER))
        await pilot.pause()
        unfiltered = timed(table, lambda: pane.apply_filter(""))
        await pilot.pause()
        pane.focus_pane()
        t0, cpu0 = time.perf_counter(), time.thread_time()
        # A DataTable's End and Home scroll sideways; Ctrl+End and Ctrl+Home go to the
        # last and first row. The app runs on this thread: its CPU time is the keys' work
        # (binding, action, the frame), without the idle waits of pilot.press.
        await pilot.press("ctrl+end", "pageup", "pageup", "ctrl+home")
        scroll, scroll_wall = (time.thread_time() - cpu0) / 4, (time.perf_counter() - t0) / 4
        rss = []
        for n in range(refreshes):
            pane.update_snapshot(changed_every(snapshot, 100, f"refresh {n}"), now)
            await pilot.pause()
            gc.collect()
            rss.append(memory_kib(os.getpid())[0])
        rows = getattr(getattr(pane, "table", None), "row_count", len(snapshot.alerts))
    return LargeTimes(fill, filtered, unfiltered, scroll, scroll_wall, rss, rows)


def alerts_at_size(
    config_path: os.PathLike[str], am_url: str, count: int, timeout: float = 120
) -> tuple[AlertSnapshot, str]:
    """A snapshot of at least ``count`` alerts and a note: the cockpit's own poll when it
    gets them; when it fails (an answer too large, too slow), the alerts fetched here and
    read with the cockpit's model, so the pane can still be measured, and the note says so."""
    deadline = time.monotonic() + timeout
    while True:
        snapshot = poll_alerts(config_path)
        if len(snapshot.alerts) >= count:
            return snapshot, ""
        error = snapshot.freshness.error
        if error or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    why = error or f"{len(snapshot.alerts)} alerts after {timeout:.0f} s"
    try:
        items = httpx.get(f"{am_url}/api/v2/alerts", timeout=60).json()
        how = f"the cockpit's own poll failed ({why}): alerts fetched by the bench"
    except httpx.HTTPError as exc:
        # Alertmanager itself could not answer: the same alerts in its API's shape.
        now = datetime.now(UTC)
        items = [{**bench_alert(i, now), "fingerprint": f"{i:016x}",
                  "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}}
                 for i in range(count)]  # fmt: skip
        how = (
            f"the cockpit's own poll failed ({why}) and Alertmanager did not answer the"
            f" bench in 60 s ({type(exc).__name__}): alerts built in its API's shape"
        )
    alerts = tuple(merge([from_alertmanager(item) for item in items], []))
    if len(alerts) < count:
        raise RuntimeError(f"Alertmanager holds {len(alerts)} of the {count} alerts")
    fresh = Freshness(configured=True).succeeded(datetime.now(UTC))
    return AlertSnapshot(alerts, fresh), how
