"""A fake installed distribution with plugins, for the plugin host tests.

``install(tmp_path, monkeypatch)`` writes ``fakeplugs-1.0.dist-info`` (metadata and
entry points) and the plugin modules into a folder put on sys.path, so
importlib.metadata finds them like any installed distribution.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

MODULES = ("fakeplug_exploding", "fakeplug_good")

ENTRY_POINTS = """\
[cockpit.plugins]
exploding = fakeplug_exploding:Thing
recorder = fakeplug_good:Recorder
flaky = fakeplug_good:Flaky
notaplugin = fakeplug_good:NotAPlugin
raising = fakeplug_good:RaisesOnStart
fakekind = fakeplug_good:FakeKind
fakesource = fakeplug_good:FakeSource
"""

EXPLODING = """\
from pathlib import Path
Path(__file__).with_name("imported.marker").write_text("imported")
raise RuntimeError("boom at import")
"""

GOOD = """\
from datetime import UTC, datetime

from cockpit.model.alerts import Alert
from cockpit.model.conditions import Observation, evaluate
from cockpit.model.probes import ConditionResult, ProbeResult
from cockpit.plugins import AlertSource, Notifier, PluginError, ProbeKind

RECEIVED = []


class Recorder(Notifier):
    description = "keeps what it gets"

    def deliver(self, notification):
        RECEIVED.append((self.options.get("label", ""), notification))


class Flaky(Notifier):
    def deliver(self, notification):
        if notification.subject == "expected":
            raise PluginError("receiver said no")
        raise KeyError("bug")


class NotAPlugin:
    pass


class RaisesOnStart(Notifier):
    def __init__(self, options):
        raise ValueError("bad option")

    def deliver(self, notification):
        pass


class FakeKind(ProbeKind):
    default_conditions = ("[CONNECTED] == true",)

    async def run(self, probe, conditions):
        if "explode" in probe.url:
            raise ZeroDivisionError()
        seen = Observation(connected=True, response_time_ms=1.0)
        results = tuple(ConditionResult(c.text, evaluate(c, seen)) for c in conditions)
        ok = all(r.failure is None for r in results)
        return ProbeResult(probe.name, ok, datetime.now(UTC), 1.0, conditions=results,
                           reason="fake kind")


class FakeSource(AlertSource):
    calls = 0

    def fetch(self):
        FakeSource.calls += 1
        if FakeSource.calls == 2:
            raise PluginError("second server unreachable")
        return [Alert("FromPlugin", {"severity": "warning", "alertname": "FromPlugin"})]
"""


def install(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = root / "fake-site"
    info = site / "fakeplugs-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplugs\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    (site / "fakeplug_exploding.py").write_text(EXPLODING)
    (site / "fakeplug_good.py").write_text(textwrap.dedent(GOOD))
    monkeypatch.syspath_prepend(str(site))
    for name in MODULES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    return site
