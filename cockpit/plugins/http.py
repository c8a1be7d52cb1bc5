"""HTTP for plugins, through the cockpit's one client factory: the same TLS settings,
deadline on the whole answer and redirect rule as the cockpit's own requests.

Blocking calls, for a notifier's delivery thread or an alert source's ``fetch``. Failure
messages never quote the URL (a webhook URL is a secret).
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from cockpit.config import Tls
from cockpit.plugins.contract import PluginError
from cockpit.sources.clients import (
    MAX_BODY,
    Answer,
    DeadlinePassed,
    Redirected,
    fetch,
    run_blocking,
    ssl_context,
)
from cockpit.sources.errors import SourceError

TLS_KEYS = ("verify", "ca_file", "cert_file", "key_file")


def tls_option(options: Mapping[str, Any], key: str = "tls") -> Tls:
    """A plugin's ``tls = { verify, ca_file, cert_file, key_file }`` option."""
    raw = options.get(key, {})
    if not isinstance(raw, Mapping) or not set(raw) <= set(TLS_KEYS):
        raise PluginError(f"option {key}: a table with any of {', '.join(TLS_KEYS)}")
    verify = raw.get("verify", True)
    if not isinstance(verify, bool):
        raise PluginError(f"option {key}.verify: true or false")
    files: dict[str, Path | None] = {}
    for name in TLS_KEYS[1:]:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise PluginError(f"option {key}.{name}: a file path")
        files[name] = Path(value).expanduser() if value else None
    return Tls(verify, files["ca_file"], files["cert_file"], files["key_file"])


def tls_context(tls: Tls) -> ssl.SSLContext:
    """The SSL context the cockpit builds for ``tls`` (for plugins that open their own
    connections); ``PluginError`` when a file it names cannot be read."""
    try:
        return ssl_context(tls)
    except SourceError as exc:
        raise PluginError(str(exc)) from None


def post_json(
    url: str,
    body: Any,
    *,
    deadline: float,
    tls: Tls | None = None,
    headers: Mapping[str, str] | None = None,
    max_body: int = 64 * 1024,
) -> int:
    """POST ``body`` as JSON; the receiver's status code, or ``PluginError`` saying why
    there is none (no answer within ``deadline`` seconds, unreachable, redirected)."""
    answer = _request("POST", url, deadline, tls, headers, max_body, "receiver", json_body=body)
    return answer.status


def get_json(
    url: str,
    *,
    deadline: float,
    tls: Tls | None = None,
    headers: Mapping[str, str] | None = None,
    max_body: int = MAX_BODY,
) -> Any:
    """GET ``url`` and decode its JSON (for an alert source's ``fetch``); ``PluginError``
    for no answer within ``deadline`` seconds, a status other than 2xx, or no JSON."""
    answer = _request("GET", url, deadline, tls, headers, max_body, "server")
    if not 200 <= answer.status < 300:
        raise PluginError(f"the server answered {answer.status}")
    try:
        return answer.json()
    except ValueError:
        raise PluginError("the server did not answer JSON") from None


def _request(
    method: str,
    url: str,
    deadline: float,
    tls: Tls | None,
    headers: Mapping[str, str] | None,
    max_body: int,
    who: str,
    json_body: Any = None,
) -> Answer:
    async def go(client: httpx.AsyncClient) -> Answer:
        return await fetch(
            client, method, url, deadline=deadline, tls=tls or Tls(), headers=headers,
            json_body=json_body, max_body=max_body,
        )  # fmt: skip

    try:
        return run_blocking(go)
    except DeadlinePassed:
        raise PluginError(f"no answer within {deadline:g} s") from None
    except Redirected:
        raise PluginError(f"the {who} redirected to another origin; not followed") from None
    except SourceError as exc:  # TLS files, a too large answer: no URL in these
        raise PluginError(str(exc)) from None
    except httpx.TransportError as exc:
        # The type only: the text of a connection error may quote the URL.
        raise PluginError(f"cannot reach the {who} ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise PluginError(f"request failed ({type(exc).__name__})") from None
