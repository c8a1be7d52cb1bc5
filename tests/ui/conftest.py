"""UI fixtures: a fixed clock, a fixed config, and an app that does not poll and whose
text cursors do not blink: no test depends on the wall clock or on a blink."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cockpit.config import Config, OnCall, ProbeConfig, parse
from cockpit.model.slo_definition import SloDefinition
from tests.waiting import until

FROZEN = datetime(2026, 11, 20, 16, 30, 5, tzinfo=UTC)

SAMPLE = """
[oncall]
me = "alice"
roster = ["alice", "sam"]
timezone = "Europe/Berlin"

[[slo]]
name = "api-availability"
service = "api"
objective = 99.9
window = "30d"
good = 'sum(rate(ok[{{window}}]))'
total = 'sum(rate(all[{{window}}]))'

[[slo]]
name = "api-latency"
service = "api"
objective = 95
sli = "latency"
metric = "http_request_duration_seconds"
threshold = 2.5

[[probe]]
name = "ready"
url = "http://127.0.0.1:9/health/ready"

[[probe]]
name = "dependencies"
url = "http://127.0.0.1:9/health/dependencies"
"""


def frozen_clock() -> datetime:
    return FROZEN


async def runbooks_read(pilot: Any) -> None:
    """Let the app run until the runbook catalogue, read on its own thread from the
    mount on, is on the runbooks pane (it takes milliseconds)."""
    from cockpit.ui.panes.runbooks import RunbooksPane

    pane = pilot.app.query_one(RunbooksPane)
    await until(pilot, "the runbook catalogue", lambda: pane.catalog_shown, step=0.01)


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """pytest-textual-snapshot's, after the runbook catalogue has landed: every screen
    is taken with its runbooks pane filled, never while it is still reading."""

    def compare(app: Any, *, run_before: Callable[[Any], Any] | None = None, **kw: Any) -> bool:
        async def settled(pilot: Any) -> None:
            await runbooks_read(pilot)
            if run_before is not None:
                done = run_before(pilot)
                if inspect.isawaitable(done):
                    await done

        return snap_compare(app, run_before=settled, **kw)

    return compare


@pytest.fixture
def sample_config(tmp_path: Path) -> Config:
    import tomllib

    return parse(tomllib.loads(SAMPLE), tmp_path / "config.toml")


@pytest.fixture
def empty_config() -> Config:
    return Config(path=None, oncall=OnCall(me="alice", timezone="UTC"))


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., object]:
    from cockpit.ui.app import CockpitApp

    def make(config: Config, **kwargs: object) -> CockpitApp:
        kwargs.setdefault("clock", frozen_clock)
        kwargs.setdefault("poll", False)
        kwargs.setdefault("cursor_blink", False)
        return CockpitApp(config, tmp_path / "data" / "cockpit.sqlite3", **kwargs)  # type: ignore[arg-type]

    return make


__all__ = ["FROZEN", "ProbeConfig", "SloDefinition", "frozen_clock"]
