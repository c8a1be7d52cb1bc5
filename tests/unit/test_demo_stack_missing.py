"""Without Prometheus or Alertmanager the demo says how to install them and starts the rest."""

from __future__ import annotations

import httpx
import pytest

from cockpit.demo.stack import INSTALL_HINT, DemoStack


def test_missing_binaries_are_named_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COCKPIT_PROMETHEUS_BIN", "/nonexistent/prometheus")
    monkeypatch.setenv("COCKPIT_ALERTMANAGER_BIN", "/nonexistent/alertmanager")
    with DemoStack() as stack:
        assert stack.missing == ["alertmanager", "prometheus"]
        assert stack.prometheus_url is None and stack.alertmanager_url is None
        message = stack.missing_message()
        assert "alertmanager and prometheus not found" in message
        assert INSTALL_HINT in message
        assert INSTALL_HINT == "apt-get install prometheus prometheus-alertmanager"
        # What can start does: the demo service answers, and the config has no sources.
        assert httpx.get(f"{stack.service_url}/health/live", timeout=5).status_code == 200
        assert stack.config_path is not None
        text = stack.config_path.read_text()
        assert "[prometheus]" not in text and "[[probe]]" in text
        workdir = stack.workdir
    assert workdir is not None and not workdir.exists()
