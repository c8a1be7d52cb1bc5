"""SIGTERM, or SIGHUP from a terminal that closed: the cockpit ends the normal way and arms
the bound after which it ends at once (its code 128 + the signal's number)."""

from __future__ import annotations

import signal
from collections.abc import Callable

import pytest

import cockpit.ui.app as app_module
from cockpit.config import Config
from cockpit.ui.app import CockpitApp


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
async def test_a_signal_ends_the_app_and_arms_the_hard_end(
    signum: int,
    make_app: Callable[..., CockpitApp],
    sample_config: Config,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    armed: list[int] = []
    monkeypatch.setattr(app_module, "end_hard_later", armed.append)
    app = make_app(sample_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.end_on_signal(signum)
        await pilot.pause()
        assert armed == [128 + signum]
    assert app.return_code == 0
