"""The cockpit records transitions only while it holds the recording duty, and gives
the duty up when it quits, so the next cockpit takes over at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cockpit.config import Config
from cockpit.model.alerts import Alert
from cockpit.model.freshness import Freshness
from cockpit.model.snapshots import AlertSnapshot
from cockpit.store import open_notebook
from cockpit.store.recording_duty import DutyHolder, claim_duty, duty_holder
from cockpit.ui.app import CockpitApp


def _snapshot(*names: str) -> AlertSnapshot:
    alerts = tuple(Alert(n, {"alertname": n}, fingerprint=f"fp-{n}") for n in names)
    return AlertSnapshot(alerts, Freshness().succeeded(datetime.now(UTC)))


def _fired(path: Path) -> int:
    with open_notebook(path) as store:
        row = store.connection.execute(
            "SELECT count(*) FROM timeline_events WHERE kind = 'alert_fired'"
        ).fetchone()
        return int(row[0])


async def test_the_app_records_while_on_duty_and_frees_it_on_quit(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    assert app.notebook_target is not None
    async with app.run_test():
        app.apply_snapshot(_snapshot())
        app.apply_snapshot(_snapshot("HighErrorRate"))
        assert app.recording.on_duty
        assert app.notebook is not None and duty_holder(app.notebook) is not None
    assert _fired(app.notebook_target) == 1
    with open_notebook(app.notebook_target) as store:
        assert duty_holder(store) is None


async def test_the_app_stands_by_while_another_process_records(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    app = make_app(sample_config)
    assert app.notebook_target is not None
    other = DutyHolder("recorder", "server", 4242)
    with open_notebook(app.notebook_target) as store:
        claim_duty(store, other, datetime.now(UTC))
    async with app.run_test():
        app.apply_snapshot(_snapshot())
        app.apply_snapshot(_snapshot("HighErrorRate"))
        assert not app.recording.on_duty
        assert app.recording.holder is not None and app.recording.holder.pid == 4242
        assert app.recording.alerts is not None and len(app.recording.alerts) == 1
    assert _fired(app.notebook_target) == 0
    with open_notebook(app.notebook_target) as store:
        assert duty_holder(store) is not None  # not ours to free
