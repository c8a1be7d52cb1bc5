"""A real Alertmanager served over TLS by a private CA (`--web.config.file`): the cockpit
with `tls.ca_file` reads its alerts, without it says a clear TLS error; a client
certificate is sent when the server requires one; probes honour `tls` too."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from cockpit import cli
from cockpit.config import load
from cockpit.demo import files
from cockpit.demo.stack import INSTALL_HINT, find_binary, free_port
from cockpit.services.probe_check import check_once

from .tls_certs import Pki, make_pki

REQUIRE = os.environ.get("COCKPIT_REQUIRE_REAL_STACK") == "1"


def _start(folder: Path, pki: Pki, *, client_certs: bool) -> Iterator[str]:
    binary = find_binary("alertmanager")
    if binary is None:
        if REQUIRE:
            pytest.fail(
                f"COCKPIT_REQUIRE_REAL_STACK=1 but alertmanager is missing ({INSTALL_HINT})"
            )
        pytest.skip(f"alertmanager not installed ({INSTALL_HINT})")
    web = f"tls_server_config:\n  cert_file: {pki.server_cert}\n  key_file: {pki.server_key}\n"
    if client_certs:
        web += f"  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {pki.ca}\n"
    (folder / "web.yml").write_text(web)
    (folder / "alertmanager.yml").write_text(files.ALERTMANAGER_YAML)
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    log = (folder / "alertmanager.log").open("wb")
    process = subprocess.Popen(
        [binary, f"--config.file={folder / 'alertmanager.yml'}",
         f"--storage.path={folder / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
         f"--web.config.file={folder / 'web.yml'}", "--cluster.listen-address=",
         "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT, cwd=folder,
    )  # fmt: skip
    context = ssl.create_default_context(cafile=str(pki.ca))
    context.load_cert_chain(str(pki.client_cert), str(pki.client_key))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/-/ready", verify=context, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                why = (folder / "alertmanager.log").read_text()
                pytest.fail(f"alertmanager over TLS did not start: {why}")
            time.sleep(0.1)
        now = datetime.now(UTC)
        alert = [{
            "labels": {"alertname": "TlsCanary", "severity": "warning", "service": "api"},
            "annotations": {"summary": "served over TLS"},
            "startsAt": now.isoformat(), "endsAt": (now + timedelta(hours=1)).isoformat(),
        }]  # fmt: skip
        httpx.post(f"{url}/api/v2/alerts", json=alert, verify=context).raise_for_status()
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_alertmanager(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[str]:
    yield from _start(tmp_path_factory.mktemp("am-tls"), pki, client_certs=False)


@pytest.fixture(scope="module")
def mtls_alertmanager(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[str]:
    yield from _start(tmp_path_factory.mktemp("am-mtls"), pki, client_certs=True)


def _config(text: str) -> Path:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _alerts(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["alerts", "--json"])
    out, err = capsys.readouterr()
    return code, out, err


def test_with_the_ca_file_the_alerts_are_read(
    tls_alertmanager: str, pki: Pki, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(f'[alertmanager]\nurl = "{tls_alertmanager}"\ntls = {{ ca_file = "{pki.ca}" }}\n')
    code, out, err = _alerts(capsys)
    assert code == 0, err
    assert [a["name"] for a in json.loads(out)] == ["TlsCanary"]


def test_without_the_ca_file_a_clear_tls_error(
    tls_alertmanager: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(f'[alertmanager]\nurl = "{tls_alertmanager}"\n')
    code, out, err = _alerts(capsys)
    assert code == 2 and out == ""
    assert "Cannot tell: Alertmanager: TLS error:" in err
    assert "CERTIFICATE_VERIFY_FAILED" in err


def test_verify_false_reads_the_alerts(
    tls_alertmanager: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(f'[alertmanager]\nurl = "{tls_alertmanager}"\ntls = {{ verify = false }}\n')
    code, out, err = _alerts(capsys)
    assert code == 0, err
    assert [a["name"] for a in json.loads(out)] == ["TlsCanary"]


def test_doctor_uses_the_tls_settings(
    tls_alertmanager: str, pki: Pki, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(f'[alertmanager]\nurl = "{tls_alertmanager}"\ntls = {{ ca_file = "{pki.ca}" }}\n')
    cli.main(["doctor", "--json"])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["alertmanager"]["ok"], checks["alertmanager"]


def test_a_client_certificate_is_sent_when_configured(
    mtls_alertmanager: str, pki: Pki, capsys: pytest.CaptureFixture[str]
) -> None:
    base = f'[alertmanager]\nurl = "{mtls_alertmanager}"\n'
    _config(base + f'tls = {{ ca_file = "{pki.ca}" }}\n')
    code, _, err = _alerts(capsys)
    assert code == 2 and "Cannot tell: Alertmanager:" in err  # the server wants a cert
    _config(
        base + f'tls = {{ ca_file = "{pki.ca}", cert_file = "{pki.client_cert}", '
        f'key_file = "{pki.client_key}" }}\n'
    )
    code, out, err = _alerts(capsys)
    assert code == 0, err
    assert [a["name"] for a in json.loads(out)] == ["TlsCanary"]


def test_probes_honour_tls(tls_alertmanager: str, pki: Pki) -> None:
    path = _config(
        f'[[probe]]\nname = "trusted"\nurl = "{tls_alertmanager}/-/ready"\n'
        f'tls = {{ ca_file = "{pki.ca}" }}\n'
        f'[[probe]]\nname = "untrusted"\nurl = "{tls_alertmanager}/-/ready"\n'
    )
    results = {r.name: r for r in check_once(load(path).probes)}
    assert results["trusted"].ok, results["trusted"].reason
    assert not results["untrusted"].ok and results["untrusted"].category == "tls"


def test_the_tlscert_probe_kind_honours_the_probes_ca_file(tls_alertmanager: str, pki: Pki) -> None:
    import asyncio

    pytest.importorskip("cockpit_tlscert")
    from cockpit_tlscert import TlsCertProbe

    from cockpit.config import ProbeConfig, Tls
    from cockpit.model.conditions import parse_condition

    target = tls_alertmanager.replace("https://", "tlscert://")
    conditions = [parse_condition("[CERTIFICATE_EXPIRATION] > 1h")]
    kind = TlsCertProbe({})
    trusted = ProbeConfig("cert", target, tls=Tls(ca_file=pki.ca))
    untrusted = ProbeConfig("cert", target)
    assert asyncio.run(kind.run(trusted, conditions)).ok
    result = asyncio.run(kind.run(untrusted, conditions))
    assert not result.ok and result.category == "tls"


def test_a_probe_reads_the_certificates_expiry_off_the_connection(
    tls_alertmanager: str, pki: Pki
) -> None:
    path = _config(
        f'[[probe]]\nname = "cert"\nurl = "{tls_alertmanager}/-/ready"\n'
        f'tls = {{ ca_file = "{pki.ca}" }}\n'
        'conditions = ["[STATUS] == 200", "[CERTIFICATE_EXPIRATION] > 1h"]\n'
    )
    (result,) = check_once(load(path).probes)
    assert result.ok, result.reason
