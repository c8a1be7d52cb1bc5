"""Webhook delivery to a trickling receiver: each attempt ends at its timeout (the whole
answer, not per read), and `incident create` says the delivery failed instead of waiting
half a minute and saying nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cockpit import cli

from .fault_server import FaultServer

TIMEOUT = 0.5


def test_incident_create_says_the_webhook_failed_within_its_deadline(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("cockpit_webhook")
    with FaultServer("trickle", trickle_every=0.05) as receiver:
        monkeypatch.setenv("COCKPIT_SECRET_HOOK", f"{receiver.url}/services/T0/B0/XYZ")
        path = Path(os.environ["COCKPIT_CONFIG"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            '[oncall]\nme = "alice"\n[plugins.webhook]\nenabled = true\n'
            f'url_secret = "HOOK"\ntimeout = {TIMEOUT}\nretries = 1\nbackoff = 0\n'
        )
        started = time.monotonic()
        code = cli.main(["incident", "create", "--title", "Checkout down", "--severity", "Sev2"])
        elapsed = time.monotonic() - started
        assert len(receiver.requests) == 2  # tried, and retried once
    err = capsys.readouterr().err
    assert code == 0  # the incident is in the notebook; only the notification failed
    assert elapsed < 2 * TIMEOUT + 2
    assert "Plugin webhook could not deliver incident_created: no answer within 0.5 s" in err
    assert "XYZ" not in err  # the URL is a secret


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("trickle", "no answer within 0.5 s"), ("html502", "the server answered 502"),
     ("redirect", "the server redirected to another origin; not followed")],
)  # fmt: skip
def test_plugin_get_json_is_bounded_and_says_why(mode: str, reason: str) -> None:
    from cockpit.plugins import PluginError, get_json

    with FaultServer("ok") as elsewhere:
        with FaultServer(mode, trickle_every=0.05, redirect_to=elsewhere.url) as server:
            started = time.monotonic()
            with pytest.raises(PluginError) as caught:
                get_json(f"{server.url}/api/alerts?token=XYZ", deadline=TIMEOUT)
            assert time.monotonic() - started < TIMEOUT + 2
        assert elsewhere.requests == []
    assert str(caught.value) == reason
