"""The one poll schedule (services/poll_schedule.py) that the TUI and `cockpit record` share:
the pure schedule, then its asyncio driver on a fake clock (no wall clock, no timer luck)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from cockpit.config import Config, parse
from cockpit.services.poll_schedule import (
    PROBE_TICK,
    PollDriver,
    Schedule,
    configured_sources,
    poll_intervals,
)

# -- the schedule ------------------------------------------------------------


def test_every_source_is_due_at_the_start() -> None:
    schedule = Schedule({"slo": 30.0, "alerts": 10.0}, start=100.0)
    assert schedule.due(100.0) == ["slo", "alerts"]


def test_the_next_cycle_is_due_one_interval_after_the_last_ended() -> None:
    schedule = Schedule({"slo": 30.0, "alerts": 10.0}, start=0.0)
    schedule.start("alerts", 0.0)
    schedule.finish("alerts", 4.0)  # a slow answer: the interval counts from its end
    assert "alerts" not in schedule.due(13.9)
    assert "alerts" in schedule.due(14.0)


def test_a_running_source_is_never_due_twice() -> None:
    schedule = Schedule({"slo": 1.0}, start=0.0)
    schedule.start("slo", 0.0)
    assert schedule.due(1000.0) == []
    assert schedule.wait(1000.0) is None  # nothing to wake for until it ends
    with pytest.raises(ValueError, match="already running"):
        schedule.start("slo", 1.0)


def test_nothing_is_due_while_paused_and_what_came_due_runs_on_resume() -> None:
    schedule = Schedule({"slo": 30.0, "alerts": 10.0}, start=0.0)
    schedule.paused = True
    assert schedule.due(50.0) == [] and schedule.wait(50.0) is None
    schedule.paused = False
    assert schedule.due(50.0) == ["slo", "alerts"]


def test_refresh_now_makes_every_idle_source_due_and_marks_its_next_cycle() -> None:
    schedule = Schedule({"slo": 30.0, "probes": 1.0}, start=0.0)
    schedule.start("slo", 0.0)
    schedule.finish("slo", 1.0)
    schedule.start("probes", 1.0)
    schedule.refresh_now(2.0)
    assert schedule.due(2.0) == ["slo"]  # probes is running: not started twice
    assert schedule.start("slo", 2.0) is True
    schedule.finish("probes", 2.5)
    # The running one's next cycle, at its usual time, is the refresh ("every probe").
    assert schedule.due(2.5) == []
    assert schedule.start("probes", 3.5) is True
    schedule.finish("probes", 4.0)
    assert schedule.start("probes", 5.0) is False  # asked once, answered once


def test_wait_is_the_time_to_the_next_due_source() -> None:
    schedule = Schedule({"slo": 30.0, "alerts": 10.0}, start=0.0)
    for source in ("slo", "alerts"):
        schedule.start(source, 0.0)
        schedule.finish(source, 0.0)
    assert schedule.wait(4.0) == 6.0
    assert schedule.wait(12.0) == 0.0


# -- intervals from the config ---------------------------------------------


def _config(text: str) -> Config:
    import tomllib

    return parse(tomllib.loads(text), Path("/nonexistent/config.toml"))


ENDPOINTS = """
[oncall]
me = "alice"
roster = ["alice"]
[prometheus]
url = "http://127.0.0.1:9090"
refresh = "20s"
[alertmanager]
url = "http://127.0.0.1:9093"
refresh = "7s"
"""


def test_intervals_follow_each_endpoint_and_probes_tick() -> None:
    config = _config(ENDPOINTS)
    assert poll_intervals(config) == {"slo": 20.0, "alerts": 7.0, "probes": PROBE_TICK}


def test_slos_on_several_servers_refresh_as_often_as_the_quickest_of_them() -> None:
    servers = """
[[prometheus]]
name = "eu"
url = "http://eu.invalid:9090"
refresh = "40s"

[[prometheus]]
name = "us"
url = "http://us.invalid:9090"
refresh = "15s"

[[prometheus]]
name = "alerts-only"
url = "http://other.invalid:9090"
refresh = "2s"
"""
    slo = """
[[slo]]
name = "{name}"
objective = 99
prometheus = "{server}"
good = 'sum(rate(ok[{{{{window}}}}]))'
total = 'sum(rate(all[{{{{window}}}}]))'
"""
    on_eu = slo.format(name="a", server="")
    assert poll_intervals(_config(servers + on_eu))["slo"] == 40.0
    on_both = on_eu + slo.format(name="b", server="us")
    assert poll_intervals(_config(servers + on_both))["slo"] == 15.0
    # no SLO yet: the first server's
    assert poll_intervals(_config(servers))["slo"] == 40.0


def test_without_endpoints_the_tui_still_polls_every_30s_but_record_polls_nothing() -> None:
    config = _config('[oncall]\nme = "alice"\nroster = ["alice"]\n')
    assert poll_intervals(config) == {"slo": 30.0, "alerts": 30.0, "probes": PROBE_TICK}
    assert configured_sources(config) == set()


def test_record_polls_alerts_from_prometheus_when_there_is_no_alertmanager() -> None:
    config = _config(ENDPOINTS.split("[alertmanager]")[0])
    assert configured_sources(config) == {"alerts"}  # SLOs need [[slo]] too


# -- the driver, on a fake clock ---------------------------------------------


class FakeTime:
    """A clock and a sleep that only move when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    async def settle(self) -> None:
        for _ in range(50):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        end = self.now + seconds
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= end:
            at, _, future = heapq.heappop(self._sleepers)
            if future.done():
                continue
            self.now = at
            future.set_result(None)
            await self.settle()
        self.now = end
        await self.settle()


Cycle = Callable[[bool], Awaitable[None]]


def _recording(log: list[tuple[str, float, bool]], name: str, time: FakeTime) -> Cycle:
    async def cycle(asked: bool) -> None:
        log.append((name, time.now, asked))

    return cycle


async def _running(driver: PollDriver) -> asyncio.Task[None]:
    task = asyncio.create_task(driver.run())
    await asyncio.sleep(0)
    return task


async def test_the_driver_runs_each_source_on_its_own_interval() -> None:
    time, log = FakeTime(), []
    cycles = {"slo": _recording(log, "slo", time), "alerts": _recording(log, "alerts", time)}
    driver = PollDriver(Schedule({"slo": 30.0, "alerts": 10.0}, 0.0), cycles,
                        on_error=pytest.fail, clock=time.clock, sleep=time.sleep)  # fmt: skip
    task = await _running(driver)
    await time.advance(35.0)
    driver.stop()
    await task
    assert [(n, t) for n, t, _ in log if n == "alerts"] == [
        ("alerts", 0.0), ("alerts", 10.0), ("alerts", 20.0), ("alerts", 30.0)
    ]  # fmt: skip
    assert [(n, t) for n, t, _ in log if n == "slo"] == [("slo", 0.0), ("slo", 30.0)]


async def test_a_slow_cycle_is_not_overlapped_by_its_next() -> None:
    time, starts, inside = FakeTime(), [], []

    async def slow(asked: bool) -> None:
        starts.append(time.now)
        inside.append(1)
        assert len(inside) == 1, "two cycles of one source at once"
        await time.sleep(25.0)  # longer than its interval
        inside.pop()

    driver = PollDriver(Schedule({"alerts": 10.0}, 0.0), {"alerts": slow},
                        on_error=pytest.fail, clock=time.clock, sleep=time.sleep)  # fmt: skip
    task = await _running(driver)
    await time.advance(80.0)
    driver.stop()
    await time.advance(30.0)  # stopping lets the cycle in flight end
    await task
    assert starts == [0.0, 35.0, 70.0]


async def test_a_failing_source_is_said_and_stops_neither_itself_nor_the_others() -> None:
    time, log, errors = FakeTime(), [], []

    async def broken(asked: bool) -> None:
        log.append(("slo", time.now, asked))
        raise RuntimeError("a bug")

    driver = PollDriver(
        Schedule({"slo": 10.0, "alerts": 10.0}, 0.0),
        {"slo": broken, "alerts": _recording(log, "alerts", time)},
        on_error=lambda source, exc: errors.append(f"{source}: {exc}"),
        clock=time.clock, sleep=time.sleep,
    )  # fmt: skip
    task = await _running(driver)
    await time.advance(25.0)
    driver.stop()
    await task
    assert [t for n, t, _ in log if n == "slo"] == [0.0, 10.0, 20.0]
    assert [t for n, t, _ in log if n == "alerts"] == [0.0, 10.0, 20.0]
    assert errors == ["slo: a bug"] * 3


async def test_pause_holds_every_source_and_resume_runs_what_came_due() -> None:
    time, log = FakeTime(), []
    driver = PollDriver(Schedule({"alerts": 10.0}, 0.0), {"alerts": _recording(log, "a", time)},
                        on_error=pytest.fail, clock=time.clock, sleep=time.sleep)  # fmt: skip
    task = await _running(driver)
    await time.advance(1.0)
    driver.pause(True)
    await time.advance(60.0)
    assert [t for _, t, _ in log] == [0.0]
    driver.pause(False)
    await time.advance(0.0)
    assert [t for _, t, _ in log] == [0.0, 61.0]
    await time.advance(10.0)
    driver.stop()
    await task
    assert [t for _, t, _ in log] == [0.0, 61.0, 71.0]


async def test_refresh_now_starts_idle_sources_at_once_and_says_it_was_asked() -> None:
    time, log = FakeTime(), []
    driver = PollDriver(Schedule({"probes": 1.0, "slo": 30.0}, 0.0),
                        {"probes": _recording(log, "probes", time),
                         "slo": _recording(log, "slo", time)},
                        on_error=pytest.fail, clock=time.clock, sleep=time.sleep)  # fmt: skip
    task = await _running(driver)
    await time.advance(5.5)
    driver.refresh_now()
    await time.advance(0.0)
    driver.stop()
    await task
    assert ("slo", 5.5, True) in log and ("probes", 5.5, True) in log
    assert [asked for n, _, asked in log if n == "probes"] == [False] * 6 + [True]


async def test_stop_waits_for_the_cycles_in_flight_and_cancel_abandons_them() -> None:
    time, ended = FakeTime(), []

    async def slow(asked: bool) -> None:
        await time.sleep(5.0)
        ended.append(time.now)

    driver = PollDriver(Schedule({"slo": 10.0}, 0.0), {"slo": slow},
                        on_error=pytest.fail, clock=time.clock, sleep=time.sleep)  # fmt: skip
    task = await _running(driver)
    driver.stop()
    await time.advance(1.0)
    assert not task.done()
    await time.advance(5.0)
    await task
    assert ended == [5.0]

    driver = PollDriver(Schedule({"slo": 10.0}, 0.0), {"slo": slow},
                        on_error=pytest.fail, clock=time.clock, sleep=time.sleep)  # fmt: skip
    task = await _running(driver)
    await time.advance(1.0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await time.advance(10.0)
    assert ended == [5.0]  # the second cycle was abandoned, not finished


async def test_run_once_runs_a_cycle_through_the_schedule() -> None:
    time, log, errors = FakeTime(), [], []

    async def broken(asked: bool) -> None:
        log.append(time.now)
        raise ValueError("no")

    schedule = Schedule({"alerts": 10.0}, 0.0)
    driver = PollDriver(
        schedule, {"alerts": broken}, on_error=lambda s, e: errors.append(s),
        clock=time.clock, sleep=time.sleep,
    )  # fmt: skip
    await driver.run_once("alerts")
    assert log == [0.0] and errors == ["alerts"]
    assert "alerts" not in schedule.running
    assert schedule.due(math.inf) == ["alerts"]


# -- `cockpit record` on the same schedule -------------------------------------


async def test_record_polls_the_configured_sources_and_the_update_clocks(tmp_path: Path) -> None:
    from cockpit.services.headless_recording import ANNOUNCE, ANNOUNCE_EVERY, HeadlessRecording
    from cockpit.services.transition_recorder import Recording, this_process
    from cockpit.store import open_notebook

    config = _config(ENDPOINTS)
    said: list[str] = []
    with open_notebook(tmp_path / "notebook.sqlite3") as notebook:
        recorder = HeadlessRecording(config, notebook, Recording(config, this_process("r")),
                                     said.append)  # fmt: skip
        async with httpx.AsyncClient() as client:
            driver = recorder.driver(client)
        assert driver.schedule.every == {"alerts": 7.0, ANNOUNCE: ANNOUNCE_EVERY}
        driver.on_error("alerts", KeyError("x"))
    assert said == ["a cycle failed: KeyError: 'x'"]
