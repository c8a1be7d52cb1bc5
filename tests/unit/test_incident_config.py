"""[severity.SevN]: first-response target and status-update cadence, with defaults."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from cockpit.config import ConfigError, parse
from cockpit.model.incident_clocks import DEFAULT_POLICIES, SeverityPolicy


def test_defaults_when_absent(tmp_path: Path) -> None:
    assert parse({}, tmp_path / "c.toml").severity_policies == DEFAULT_POLICIES


def test_overrides_keep_the_other_defaults(tmp_path: Path) -> None:
    config = parse(
        {"severity": {"Sev1": {"respond_within": "5m", "update_every": "10m"},
                      "Sev3": {"update_every": "none"}}},
        tmp_path / "c.toml",
    )  # fmt: skip
    policies = config.severity_policies
    assert policies["Sev1"] == SeverityPolicy(timedelta(minutes=5), timedelta(minutes=10))
    assert policies["Sev3"] == SeverityPolicy(timedelta(minutes=60), None)
    assert policies["Sev2"] == DEFAULT_POLICIES["Sev2"]


def test_problems_name_file_key_and_reason(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(
            {"severity": {"Sev5": {}, "Sev1": {"respond_within": "soon", "every": "5m"},
                          "Sev2": {"update_every": "0s"}}},
            tmp_path / "c.toml",
        )  # fmt: skip
    text = str(caught.value)
    assert "c.toml: severity.Sev5: unknown key; known keys here: Sev1, Sev2, Sev3, Sev4" in text
    assert "severity.Sev1.respond_within: 'soon' is not a duration" in text
    assert "severity.Sev1.every: unknown key" in text
    assert "severity.Sev2.update_every: must be longer than zero" in text
