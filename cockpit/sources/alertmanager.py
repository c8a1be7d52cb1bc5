"""Alertmanager API v2 over httpx (async): alerts, groups, silences; ``on_peers`` runs a
call on an HA pair's peers in turn until one answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from cockpit.config import Endpoint
from cockpit.sources.clients import Answer
from cockpit.sources.endpoint import get_json, send
from cockpit.sources.errors import SourceError, Unreachable

T = TypeVar("T")


async def on_peers(
    endpoint: Endpoint, call: Callable[[Endpoint], Awaitable[T]], *, write: bool = False
) -> T:
    """``call`` on the first of ``endpoint``'s peers that answers. A read goes on to the
    next peer after any failure; a write only after a failure to connect (nothing was
    sent), so it never lands twice (gossip carries it to the other peers). Refusals are
    Alertmanager's answer and are raised at once."""
    peers = endpoint.each_peer
    failures: list[str] = []
    for peer in peers:
        try:
            return await call(peer)
        except AlertmanagerRefused:
            raise
        except Unreachable as exc:
            failures.append(f"{peer.url}: {exc}")
        except SourceError as exc:
            if write or len(peers) == 1:
                raise
            failures.append(f"{peer.url}: {exc}")
    if len(peers) == 1:
        raise Unreachable(failures[0].removeprefix(f"{peers[0].url}: "))
    raise Unreachable(f"no peer of {endpoint.name} answered: " + "; ".join(failures))


async def fetch_alerts(client: httpx.AsyncClient, endpoint: Endpoint) -> list[dict[str, Any]]:
    """Active, silenced and inhibited alerts; the pane decides what to show."""
    body = await get_json(
        client, endpoint, "/api/v2/alerts", "Alertmanager",
        active="true", silenced="true", inhibited="true",
    )  # fmt: skip
    if not isinstance(body, list):
        raise SourceError("/api/v2/alerts did not answer a list; is this Alertmanager?")
    # Items that are not objects are left in: the poller says so (model.alerts.not_alerts)
    # rather than showing "no alerts" for an answer it could not read.
    return body


async def fetch_status(client: httpx.AsyncClient, endpoint: Endpoint) -> dict[str, Any]:
    body = await get_json(client, endpoint, "/api/v2/status", "Alertmanager")
    if not isinstance(body, dict) or "versionInfo" not in body:
        raise SourceError("/api/v2/status has no versionInfo; is this Alertmanager?")
    return body


class AlertmanagerRefused(SourceError):
    """Alertmanager answered but said no (bad silence, unknown id); ``str()`` is its reason."""


async def fetch_silences(client: httpx.AsyncClient, endpoint: Endpoint) -> list[dict[str, Any]]:
    """Every silence Alertmanager keeps: active, pending and recently expired."""
    body = await get_json(client, endpoint, "/api/v2/silences", "Alertmanager")
    if not isinstance(body, list):
        raise SourceError("/api/v2/silences did not answer a list; is this Alertmanager?")
    return [item for item in body if isinstance(item, dict)]


async def fetch_groups(client: httpx.AsyncClient, endpoint: Endpoint) -> list[dict[str, Any]]:
    """Alertmanager's own grouping (its route's ``group_by``), one entry per receiver."""
    body = await get_json(
        client, endpoint, "/api/v2/alerts/groups", "Alertmanager",
        active="true", silenced="true", inhibited="true",
    )  # fmt: skip
    if not isinstance(body, list):
        raise SourceError("/api/v2/alerts/groups did not answer a list; is this Alertmanager?")
    return [item for item in body if isinstance(item, dict)]


def _refusal(answer: Answer) -> str:
    # Alertmanager answers a refused silence with a JSON string (or plain text) saying why.
    try:
        body = answer.json()
    except ValueError:
        body = answer.text
    if isinstance(body, dict):
        body = body.get("message") or body.get("error") or body
    text = str(body).strip() or f"HTTP {answer.status}"
    return f"Alertmanager refused ({answer.status}): {text[:300]}"


async def _send(
    client: httpx.AsyncClient,
    endpoint: Endpoint,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
) -> Answer:
    answer = await send(client, endpoint, method, path, json_body=body)
    if answer.status in (400, 404, 422):
        raise AlertmanagerRefused(_refusal(answer))
    if answer.status >= 300:
        raise SourceError(f"HTTP {answer.status} from {path}")
    return answer


async def post_silence(client: httpx.AsyncClient, endpoint: Endpoint, body: dict[str, Any]) -> str:
    """Create (or, with ``id`` in ``body``, replace) a silence; returns its id."""
    response = await _send(client, endpoint, "POST", "/api/v2/silences", body)
    try:
        answer = response.json()
    except ValueError:
        raise SourceError("/api/v2/silences did not answer JSON; is this Alertmanager?") from None
    silence_id = answer.get("silenceID") if isinstance(answer, dict) else None
    if not silence_id:
        raise SourceError("Alertmanager accepted the silence but returned no silenceID")
    return str(silence_id)


async def expire_silence(client: httpx.AsyncClient, endpoint: Endpoint, silence_id: str) -> None:
    """Expire now (Alertmanager keeps it, marked expired, for its retention time)."""
    if not silence_id or "/" in silence_id:
        raise AlertmanagerRefused(f"not a silence id: {silence_id!r}")
    await _send(client, endpoint, "DELETE", f"/api/v2/silence/{silence_id}")
