"""Client side of the demo service's fault switches (`POST /admin/faults`)."""

from __future__ import annotations

from typing import Any

import httpx

from cockpit.sources.clients import run_blocking

TIMEOUT = 5.0


class FaultError(Exception):
    """The fault was refused or the demo service did not answer; the text says why."""


def _describe(state: Any) -> str:
    """The active faults as the user would type them, e.g. "error-rate=5%, ready=down"."""
    active = state.get("faults") if isinstance(state, dict) else None
    if isinstance(active, list):
        return ", ".join(str(item) for item in active)
    raise FaultError("the demo service answered without a fault list; is it the demo service?")


def _result(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 400:
        raise FaultError(str(body.get("error", "the demo service refused the fault")))
    if response.status_code != 200:
        raise FaultError(f"the demo service answered HTTP {response.status_code}")
    return _describe(body)


def apply_faults(service_url: str, faults: list[str]) -> str:
    """From synchronous code (the CLI, tests): the same request, on the one client factory."""
    return run_blocking(lambda client: apply_faults_async(client, service_url, faults))


async def apply_faults_async(client: httpx.AsyncClient, service_url: str, faults: list[str]) -> str:
    try:
        response = await client.post(
            f"{service_url}/admin/faults", json={"faults": faults}, timeout=TIMEOUT
        )
    except httpx.HTTPError as exc:
        raise FaultError(f"the demo service at {service_url} did not answer: {exc}") from None
    return _result(response)
