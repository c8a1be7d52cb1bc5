"""Time travel on the demo, driven headless: how long one step back (`[`) takes from the
key to the panes showing that moment, with the step read ahead by the one before (as
when a person steps and looks) and without (the first step)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from cockpit.config import load


@dataclass(frozen=True)
class StepTimes:
    cold: float  # seconds: the first step, nothing read ahead
    ahead: list[float]  # seconds: each later step, read ahead by the step before


async def step_times(config_path: Path, notebook: Path, steps: int, look: float) -> StepTimes:
    from cockpit.ui.app import CockpitApp

    app = CockpitApp(load(config_path), notebook, poll=False)
    times: list[float] = []
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        for _ in range(steps + 1):
            started = time.perf_counter()
            await pilot.press("[")
            target = app.travel.moment
            while app.travel.shown != target:
                await pilot.pause(0.002)
            await pilot.pause()  # the frame that shows it
            times.append(time.perf_counter() - started)
            await pilot.pause(look)  # a person looks; the neighbours are read meanwhile
    return StepTimes(times[0], times[1:])
