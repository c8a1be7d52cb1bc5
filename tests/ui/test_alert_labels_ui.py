"""The alerts pane's labels column shows what tells the listed alerts apart."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from cockpit.config import parse
from cockpit.ui.app import CockpitApp
from cockpit.ui.panes.alerts import AlertsPane

from . import alerts_sample as sample
from .conftest import FROZEN


async def test_labels_column_drops_severity_and_common_labels(
    make_app: Callable[..., CockpitApp], tmp_path: Path
) -> None:
    app = make_app(parse(tomllib.loads(sample.CONFIG), tmp_path / "config.toml"))
    async with app.run_test(size=(160, 48)) as pilot:
        pane = app.query_one(AlertsPane)
        pane.update_snapshot(sample.snapshot(None), FROZEN)
        await pilot.pause()
        labels = {
            str(key.value): str(pane.table.get_row(key)[2]) for key in pane.table.rows
        }
        # Every sample alert has service=demo-api, and severity has its own column.
        assert not any("severity=" in text or "service=" in text for text in labels.values())
        assert labels["f5"] == "instance=a:9"
        assert labels["f6"] == "instance=b:9"
        assert labels["f1a2b3c4"] == ""
