"""Turn an ``Endpoint`` from the config into request settings, resolving secrets late
so a value never sits in a long-lived object that might be printed; ``send`` makes one
request to an endpoint through ``clients.fetch`` (TLS, deadline, redirect policy)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from cockpit.config import Endpoint, SecretRef
from cockpit.secrets import env_var, require_secret
from cockpit.sources.clients import Answer, fetch
from cockpit.sources.errors import SourceError, Unreachable, describe_httpx_error


@dataclass(frozen=True)
class RequestSettings:
    headers: dict[str, str]
    basic_auth: tuple[str, str] | None
    timeout: float  # seconds for the whole answer

    def __repr__(self) -> str:  # never show header values: they may hold tokens
        return f"RequestSettings(headers={sorted(self.headers)}, timeout={self.timeout})"


def _check_value(name: str, value: str, secret: str | None) -> None:
    """HTTP header values are printable ASCII; say so instead of letting the request fail
    later as something else. The value is never quoted: it may be a token."""
    where = f"the secret {secret!r} for header {name}" if secret else f"header {name}"
    if not value.isascii():
        raise SourceError(f"{where} holds non-ASCII characters; header values must be ASCII")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise SourceError(f"{where} holds a control character (a newline?); remove it")


def resolve_headers(headers: Mapping[str, str | SecretRef]) -> dict[str, str]:
    """Header values with secrets filled in; ``SecretError`` when a secret is not set,
    ``SourceError`` when a value cannot be sent (non-ASCII, control characters)."""
    resolved = {}
    for name, value in headers.items():
        if isinstance(value, SecretRef):
            resolved[name] = value.prefix + require_secret(value.name)
            _check_value(name, resolved[name], value.name)
        else:
            resolved[name] = value
            _check_value(name, value, None)
    return resolved


def request_settings(endpoint: Endpoint) -> RequestSettings:
    """Raises ``SecretError`` when a named secret is not set anywhere."""
    headers = resolve_headers(endpoint.headers)
    basic = None
    if endpoint.auth is not None:
        secret = require_secret(endpoint.auth.secret)
        _check_value("Authorization", secret, endpoint.auth.secret)
        if endpoint.auth.kind == "basic":
            basic = (endpoint.auth.username or "", secret)
        else:
            headers["Authorization"] = f"Bearer {secret}"
    return RequestSettings(headers, basic, endpoint.timeout.total_seconds())


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

    The whole answer must arrive within the endpoint's timeout. ``what`` names the server
    expected there, for the message when something else answers.
    """
    answer = await send(client, endpoint, "GET", path, params=params)
    if answer.status >= 300:
        raise SourceError(f"HTTP {answer.status} from {path}")
    try:
        return answer.json()
    except ValueError:
        raise SourceError(f"{path} did not answer JSON; is this {what}?") from None


async def send(
    client: httpx.AsyncClient,
    endpoint: Endpoint,
    method: str,
    path: str,
    *,
    params: Mapping[str, str | float] | None = None,
    json_body: Any = None,
    form: Mapping[str, str | float] | None = None,
) -> Answer:
    """One request to ``endpoint`` with its headers, auth, TLS and deadline."""
    settings = await request_settings_off_loop(endpoint)
    try:
        return await fetch(
            client, method, endpoint.url + path, deadline=settings.timeout, tls=endpoint.tls,
            headers=settings.headers, auth=settings.basic_auth, params=params,
            json_body=json_body, form=form,
        )  # fmt: skip
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise Unreachable(describe_httpx_error(exc)) from None
    except httpx.HTTPError as exc:
        raise SourceError(describe_httpx_error(exc)) from None
