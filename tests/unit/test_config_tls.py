"""`tls` in the config: every endpoint and every probe, with a client certificate."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cockpit.config import ConfigError, Tls, parse


def _parse(text: str, tmp_path: Path) -> object:
    return parse(tomllib.loads(text), tmp_path / "config.toml")


def test_endpoints_and_probes_read_every_tls_key(tmp_path: Path) -> None:
    config = parse(
        tomllib.loads(
            '[alertmanager]\nurl = "https://am:9093"\n'
            'tls = { ca_file = "/ca.pem", cert_file = "/c.pem", key_file = "/c.key" }\n'
            '[[probe]]\nname = "api"\nurl = "https://api/health"\ntls = { verify = false }\n'
        ),
        tmp_path / "config.toml",
    )
    assert config.alertmanager is not None
    assert config.alertmanager.tls == Tls(True, Path("/ca.pem"), Path("/c.pem"), Path("/c.key"))
    assert config.probes[0].tls == Tls(verify=False)


def test_a_key_without_its_certificate_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"tls.key_file: a key_file needs its cert_file"):
        _parse('[prometheus]\nurl = "https://p"\ntls = { key_file = "/k" }\n', tmp_path)


def test_an_unknown_tls_key_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"probe\[0\].tls.insecure: unknown key"):
        _parse('[[probe]]\nname = "a"\nurl = "https://a"\ntls = { insecure = true }\n', tmp_path)
