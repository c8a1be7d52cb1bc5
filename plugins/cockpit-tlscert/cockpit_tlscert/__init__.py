"""TLS certificate expiry probe kind for cockpit: ``tlscert://host:port``."""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509

from cockpit.config import ProbeConfig, Tls
from cockpit.model.conditions import Condition, Observation, evaluate
from cockpit.model.probes import ConditionResult, ProbeResult, Response
from cockpit.plugins import PluginError, ProbeKind, tls_context


def _target(url: str) -> tuple[str, int, str, bool]:
    """Host, port, server name and whether to verify, from tlscert://host:port?..."""
    parts = urlsplit(url)
    if not parts.hostname or parts.port is None:
        raise PluginError(f"{url!r} needs a host and a port, like tlscert://db.internal:5432")
    query = parse_qs(parts.query)
    unknown = set(query) - {"servername", "verify"}
    if unknown:
        raise PluginError(f"unknown URL parameter {sorted(unknown)[0]!r}; use servername, verify")
    servername = query.get("servername", [parts.hostname])[-1]
    verify_text = query.get("verify", ["true"])[-1].lower()
    if verify_text not in ("true", "false"):
        raise PluginError(f"verify={verify_text!r}: write verify=true or verify=false")
    return parts.hostname, parts.port, servername, verify_text == "true"


def _context(verify: bool, tls: Tls) -> ssl.SSLContext:
    """The probe's ``tls`` settings (a private CA, a client certificate), built by the
    cockpit; ``?verify=false`` in the URL turns verification off as well."""
    return tls_context(replace(tls, verify=verify))


def _name(name: x509.Name) -> str:
    return name.rfc4514_string() or "(empty)"


class TlsCertProbe(ProbeKind):
    description = "TLS certificate expiry of any TCP service (tlscert://host:port)"
    default_conditions = ("[CERTIFICATE_EXPIRATION] > 14d",)

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        if self.options:
            raise PluginError("takes no options; per probe, use ?servername= and ?verify=")

    async def run(self, probe: ProbeConfig, conditions: Sequence[Condition]) -> ProbeResult:
        now = datetime.now(UTC)
        host, port, servername, verify = _target(probe.url)
        verify = verify and probe.tls.verify
        started = time.perf_counter()

        def failed(reason: str, category: str) -> ProbeResult:
            elapsed = (time.perf_counter() - started) * 1000
            return ProbeResult(probe.name, False, now, elapsed, reason=reason, category=category)

        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    host, port, ssl=_context(verify, probe.tls), server_hostname=servername
                ),
                timeout=probe.timeout.total_seconds(),
            )
        except TimeoutError:
            return failed("timed out", "timeout")
        except ConnectionRefusedError:
            return failed("connection refused", "refused")
        except ssl.SSLCertVerificationError as exc:
            return failed(f"TLS: certificate not trusted: {exc.verify_message}", "tls")
        except ssl.SSLError as exc:
            return failed(f"TLS handshake failed: {exc.reason or exc}", "tls")
        except socket.gaierror as exc:
            return failed(f"DNS: {exc.strerror or exc}", "dns")
        except OSError as exc:
            return failed(f"cannot connect: {exc.strerror or exc}", "connect")
        elapsed_ms = (time.perf_counter() - started) * 1000
        try:
            ssl_object = writer.get_extra_info("ssl_object")
            der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
        finally:
            writer.close()
        if not der:
            return failed("the server sent no certificate", "tls")
        cert = x509.load_der_x509_certificate(der)
        expires = cert.not_valid_after_utc
        seen = Observation(
            connected=True, response_time_ms=elapsed_ms, certificate_expires_in=expires - now
        )
        results = tuple(ConditionResult(c.text, evaluate(c, seen)) for c in conditions)
        failures = [r.failure for r in results if r.failure is not None]
        details = (
            ("subject", _name(cert.subject)),
            ("issuer", _name(cert.issuer)),
            ("not after", expires.isoformat()),
            ("verified", "yes" if verify else "no (verify=false)"),
        )
        return ProbeResult(
            probe.name, not failures, now, elapsed_ms, reason="; ".join(failures),
            category="condition" if failures else None, conditions=results,
            response=Response(None, details, ""),
        )  # fmt: skip
