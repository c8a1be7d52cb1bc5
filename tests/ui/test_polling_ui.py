"""The keys drive the one poll schedule (services/poll_schedule.py): `p` holds every
source, `r` asks every source at once, and a paused cockpit starts nothing until resumed.
Asserted on the schedule, not on time passing: no test here waits for a timer."""

from __future__ import annotations

import math
from collections.abc import Callable

from cockpit.config import Config
from cockpit.ui.app import CockpitApp

SIZE = (160, 48)


async def test_pause_and_refresh_keys_drive_the_schedule(
    make_app: Callable[..., CockpitApp], empty_config: Config
) -> None:
    app = make_app(empty_config, poll=True)
    async with app.run_test(size=SIZE) as pilot:
        schedule = app.polling.schedule
        assert schedule.every.keys() == {"slo", "alerts", "probes"}
        await pilot.press("p")
        assert schedule.paused and schedule.due(math.inf) == []
        await pilot.press("r")
        # Paused: refresh is remembered for each source's next cycle, nothing starts.
        assert schedule.asked == {"slo", "alerts", "probes"}
        assert schedule.due(math.inf) == []
        await pilot.press("p")
        assert not schedule.paused
        assert set(schedule.due(math.inf)) | schedule.running == {"slo", "alerts", "probes"}
