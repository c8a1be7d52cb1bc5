"""Seconds from a demo fault to the alert: in Alertmanager, and through the alert poll."""

from __future__ import annotations

import asyncio
import time

import httpx

from cockpit.config import load
from cockpit.demo.control import apply_faults
from cockpit.demo.stack import DemoStack
from cockpit.services.alert_poll import AlertPoller


async def seconds_to_alert(poller: AlertPoller, started: float) -> float:
    async with httpx.AsyncClient() as client:
        while True:
            snapshot = await poller.poll(client)
            if any(a.name == "HighErrorRate" and a.state == "firing" for a in snapshot.alerts):
                return time.perf_counter() - started
            await asyncio.sleep(0.2)


def main(runs: int = 3) -> None:
    with DemoStack() as stack:
        assert stack.config_path is not None
        config = load(stack.config_path)
        time.sleep(8)  # let the first scrapes and rule evaluations land
        for run in range(runs):
            started = time.perf_counter()
            apply_faults(stack.service_url, ["error-rate=50%"])
            seconds = asyncio.run(seconds_to_alert(AlertPoller(config), started))
            print(f"run {run + 1}: fault -> firing in Alertmanager and the poll: {seconds:5.2f} s")
            apply_faults(stack.service_url, ["reset"])
            time.sleep(30)  # the 20 s rate window must empty before the next run


if __name__ == "__main__":
    main()
