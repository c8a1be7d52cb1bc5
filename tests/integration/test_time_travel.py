"""The past on the real stack: a fault set at T1 and cleared at T2, recorded by a running
`cockpit record`; afterwards `alerts --at`, `slo report --at` and `probe history` tell
what was so at T1+30s, at T2+60s and before T1, from Prometheus and the notebook.

The fault happens on a stack of its own (a fault of another test must not be in its
5-minute windows) and takes about three minutes of real time (Prometheus must hold a
minute before T1, and T2+60s must have passed before it can be asked about), so it is told
in the background from the start of the session (tests/integration/fault_story.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cockpit.cli import main
from cockpit.model.alerts import fingerprint_of

from .fault_story import FaultStory

BURN_PAGE = 14.4  # the fast-burn page threshold (docs/domain.md)


def _json(capsys: pytest.CaptureFixture[str], *args: str, codes: tuple[int, ...] = (0,)) -> Any:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    assert code in codes, out.err
    return json.loads(out.out)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def test_a_fault_between_t1_and_t2_is_told_from_the_past(
    fault_story: FaultStory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    story = fault_story
    assert story.stack is not None and story.stack.config_path is not None
    assert story.t1 is not None and story.t2 is not None and story.firing is not None
    t1, t2, firing = story.t1, story.t2, story.firing
    monkeypatch.setenv("COCKPIT_CONFIG", str(story.stack.config_path))
    monkeypatch.setenv("COCKPIT_NOTEBOOK", str(story.notebook))

    during = _json(capsys, "alerts", "--at", _iso(t1 + timedelta(seconds=30)), "--json")
    critical = [a for a in during if a["name"] == "HighErrorRate"
                and a["severity"] == "critical"]  # fmt: skip
    assert [a["state"] for a in critical] == ["firing"]
    # The same alert Alertmanager had, by the same fingerprint (what acks and links key on).
    assert critical[0]["fingerprint"] == firing["fingerprint"]
    assert fingerprint_of(firing["labels"]) == firing["fingerprint"]
    assert critical[0]["at"] == _iso(t1 + timedelta(seconds=30)).replace("+00:00", "Z")
    after = _json(capsys, "alerts", "--at", _iso(t2 + timedelta(seconds=60)), "--json")
    assert not [a for a in after if a["name"] == "HighErrorRate"]

    def burn_5m(moment: datetime) -> float | None:
        # The exit code is the deploy gate's verdict then (1: blocked), not a failure.
        report = _json(capsys, "slo", "report", "--at", _iso(moment), "--json", codes=(0, 1))
        [availability] = [s for s in report["slos"] if s["name"] == "api-availability"]
        burn = availability["burn_per_window"]["5m"]
        return None if burn is None else float(burn)

    burning = burn_5m(t1 + timedelta(seconds=30))
    assert burning is not None and burning > BURN_PAGE
    before = burn_5m(t1 - timedelta(seconds=60))
    assert before is not None and before < BURN_PAGE  # data, and not burning

    history = _json(
        capsys, "probe", "history", "ready", "--since", _iso(t1 - timedelta(minutes=2)), "--json"
    )
    [ready] = history["probes"]
    changes = [(t["state"], datetime.fromisoformat(t["at"].replace("Z", "+00:00")))
               for t in ready["transitions"]]  # fmt: skip
    assert [state for state, _ in changes] == ["down", "up"]
    (_, down_at), (_, up_at) = changes
    # Down three failed checks (2 s apart) after T1; up two good ones after T2.
    assert t1 < down_at < t1 + timedelta(seconds=20)
    assert t2 < up_at < t2 + timedelta(seconds=20)
    # Sampled once a minute and at each change of state: the outage has its samples.
    states = [s["state"] for s in ready["samples"]]
    assert "up" in states and "down" in states
    assert all(s["latency_ms"] is not None for s in ready["samples"])
