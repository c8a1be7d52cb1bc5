"""The TLS certificate probe kind against a loopback TLS server with a certificate made
here (cryptography), run through the cockpit's probe runner like any probe."""

from __future__ import annotations

import asyncio
import ssl
import tomllib
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cockpit.config import Config, parse
from cockpit.model.probes import ProbeResult
from cockpit.plugins.host import ENABLED, PluginHost
from cockpit.services.probe_poll import ProbePoller
from cockpit.sources.probes import run_probe


def make_cert(folder: Path, lifetime: timedelta) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + lifetime)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"cert-{lifetime.days}.pem", folder / f"key-{lifetime.days}.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
async def tls_server(tmp_path: Path) -> AsyncIterator[Callable[[timedelta], asyncio.Future[int]]]:
    servers: list[asyncio.Server] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    async def start(lifetime: timedelta) -> int:
        cert_file, key_file = make_cert(tmp_path, lifetime)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_file, key_file)
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
        servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    yield start  # type: ignore[misc]
    for server in servers:
        server.close()
        await server.wait_closed()


def config_for(tmp_path: Path, probes: str) -> Config:
    text = "[plugins.tlscert]\nenabled = true\n" + probes
    return parse(tomllib.loads(text), tmp_path / "config.toml")


@pytest.fixture
def host() -> Iterator[PluginHost]:
    started = PluginHost()
    yield started
    started.close()


async def probe_once(host: PluginHost, config: Config) -> ProbeResult:
    assert host.load(config) == []
    assert host.statuses["tlscert"].state == ENABLED
    async with httpx.AsyncClient() as client:
        return await run_probe(client, config.probes[0], ())


async def test_a_certificate_with_a_month_left_passes_the_default_condition(
    tls_server: Callable[[timedelta], asyncio.Future[int]], host: PluginHost, tmp_path: Path
) -> None:
    port = await tls_server(timedelta(days=30))
    config = config_for(
        tmp_path, f'[[probe]]\nname = "db"\nurl = "tlscert://127.0.0.1:{port}?verify=false"\n'
    )
    result = await probe_once(host, config)
    assert result.ok, result.reason
    assert result.conditions[0].text == "[CERTIFICATE_EXPIRATION] > 14d"
    assert result.response is not None
    details = dict(result.response.headers)
    assert details["subject"] == "CN=localhost"
    assert details["verified"] == "no (verify=false)"


async def test_a_certificate_about_to_expire_fails_with_the_time_left(
    tls_server: Callable[[timedelta], asyncio.Future[int]], host: PluginHost, tmp_path: Path
) -> None:
    port = await tls_server(timedelta(days=2))
    config = config_for(
        tmp_path,
        f'[[probe]]\nname = "db"\nurl = "tlscert://127.0.0.1:{port}?verify=false"\n'
        'conditions = ["[CERTIFICATE_EXPIRATION] > 72h", "[CONNECTED] == true"]\n',
    )
    async with httpx.AsyncClient() as client:
        assert host.load(config) == []
        conditions = ProbePoller(config)._conditions["db"]
        result = await run_probe(client, config.probes[0], conditions)
    assert not result.ok
    assert result.category == "condition"
    assert result.reason.startswith("[CERTIFICATE_EXPIRATION] > 72h")
    assert result.conditions[1].failure is None


async def test_an_untrusted_certificate_fails_in_category_tls_when_verifying(
    tls_server: Callable[[timedelta], asyncio.Future[int]], host: PluginHost, tmp_path: Path
) -> None:
    port = await tls_server(timedelta(days=30))
    config = config_for(
        tmp_path,
        f'[[probe]]\nname = "db"\nurl = "tlscert://127.0.0.1:{port}?servername=localhost"\n',
    )
    result = await probe_once(host, config)
    assert not result.ok
    assert result.category == "tls"
    assert "certificate not trusted" in result.reason


async def test_nothing_listening_is_refused(host: PluginHost, tmp_path: Path) -> None:
    config = config_for(tmp_path, '[[probe]]\nname = "db"\nurl = "tlscert://127.0.0.1:9"\n')
    result = await probe_once(host, config)
    assert not result.ok and result.category == "refused"


async def test_bad_url_parameter_says_what_to_write(host: PluginHost, tmp_path: Path) -> None:
    config = config_for(
        tmp_path, '[[probe]]\nname = "db"\nurl = "tlscert://127.0.0.1:9?verify=maybe"\n'
    )
    result = await probe_once(host, config)
    assert not result.ok and result.category == "plugin"
    assert result.reason == "verify='maybe': write verify=true or verify=false"
    assert host.statuses["tlscert"].state == ENABLED  # bad input is not a plugin bug
