"""Turn an ``Endpoint`` from the config into request settings, resolving secrets late
so a value never sits in a long-lived object that might be printed."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from cockpit.config import Endpoint, SecretRef
from cockpit.secrets import env_var, require_secret
from cockpit.sources.errors import SourceError, describe_httpx_error


@dataclass(frozen=True)
class RequestSettings:
    headers: dict[str, str]
    basic_auth: tuple[str, str] | None
    verify: bool | str
    timeout: float

    def __repr__(self) -> str:  # never show header values: they may hold tokens
        return f"RequestSettings(headers={sorted(self.headers)}, timeout={self.timeout})"


def resolve_headers(headers: Mapping[str, str | SecretRef]) -> dict[str, str]:
    resolved = {}
    for name, value in headers.items():
        if isinstance(value, SecretRef):
            resolved[name] = value.prefix + require_secret(value.name)
        else:
            resolved[name] = value
    return resolved


def request_settings(endpoint: Endpoint) -> RequestSettings:
    """Raises ``SecretError`` when a named secret is not set anywhere."""
    headers = resolve_headers(endpoint.headers)
    basic = None
    if endpoint.auth is not None:
        secret = require_secret(endpoint.auth.secret)
        if endpoint.auth.kind == "basic":
            basic = (endpoint.auth.username or "", secret)
        else:
            headers["Authorization"] = f"Bearer {secret}"
    verify: bool | str = endpoint.tls.verify
    if endpoint.tls.verify and endpoint.tls.ca_file is not None:
        verify = str(endpoint.tls.ca_file)
    return RequestSettings(headers, basic, verify, endpoint.timeout.total_seconds())


def _secret_names(headers: Mapping[str, str | SecretRef], endpoint: Endpoint | None) -> set[str]:
    names = {value.name for value in headers.values() if isinstance(value, SecretRef)}
    if endpoint is not None and endpoint.auth is not None:
        names.add(endpoint.auth.secret)
    return names


def _needs_keyring(names: set[str]) -> bool:
    """Whether resolving ``names`` may call the OS keyring (a D-Bus round trip that can take
    seconds on a locked desktop keyring), as opposed to reading environment variables."""
    return any(env_var(name) not in os.environ for name in names)


async def request_settings_off_loop(endpoint: Endpoint) -> RequestSettings:
    """``request_settings`` for coroutines: a keyring lookup runs in a thread so it never
    holds the event loop (and with it the screen) while the keyring answers."""
    if _needs_keyring(_secret_names(endpoint.headers, endpoint)):
        return await asyncio.to_thread(request_settings, endpoint)
    return request_settings(endpoint)


async def resolve_headers_off_loop(headers: Mapping[str, str | SecretRef]) -> dict[str, str]:
    """``resolve_headers`` for coroutines; see ``request_settings_off_loop``."""
    if _needs_keyring(_secret_names(headers, None)):
        return await asyncio.to_thread(resolve_headers, headers)
    return resolve_headers(headers)


async def get_json(
    client: httpx.AsyncClient, endpoint: Endpoint, path: str, what: str, **params: str
) -> Any:
    """GET ``path`` on ``endpoint`` and decode JSON; failures become ``SourceError``.

    ``what`` names the server expected there, for the message when something else answers.
    """
    settings = await request_settings_off_loop(endpoint)
    try:
        response = await client.get(
            endpoint.url + path,
            params=params,
            headers=settings.headers,
            auth=settings.basic_auth,
            timeout=settings.timeout,
        )
        response.raise_for_status()
        return response.json()
    except httpx.HTTPError as exc:
        raise SourceError(describe_httpx_error(exc)) from None
    except ValueError:
        raise SourceError(f"{path} did not answer JSON; is this {what}?") from None
