"""Keyring lookups for HTTP sources run off the event loop: a slow keyring (a locked
desktop keyring answers over D-Bus) must never freeze the screen."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from cockpit.config import Auth, Endpoint, ProbeConfig, SecretRef
from cockpit.model.conditions import parse_condition
from cockpit.sources import alertmanager
from cockpit.sources.probes import run_probe
from tests.conftest import MemoryKeyring


class WatchedKeyring(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.threads: list[int] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.threads.append(threading.get_ident())
        return super().get_password(service, username)


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> WatchedKeyring:
    import keyring

    backend = WatchedKeyring()
    backend.set_password("cockpit", "AM_TOKEN", "tok-1")
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    keyring.set_keyring(backend)
    return backend


def _fetch(endpoint: Endpoint) -> tuple[int, list[str]]:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        return httpx.Response(200, json=[])

    async def go() -> int:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            await alertmanager.fetch_alerts(client, endpoint)
        return threading.get_ident()

    return asyncio.run(go()), seen


def test_bearer_secret_is_read_in_a_thread_and_sent(watched: WatchedKeyring) -> None:
    loop_thread, seen = _fetch(Endpoint(url="http://am.test", auth=Auth("bearer", "AM_TOKEN")))
    assert seen == ["Bearer tok-1"]
    assert watched.threads and loop_thread not in watched.threads


def test_header_secret_is_read_in_a_thread(watched: WatchedKeyring) -> None:
    endpoint = Endpoint(url="http://am.test", headers={"X-Token": SecretRef("AM_TOKEN", "")})
    loop_thread, _ = _fetch(endpoint)
    assert watched.threads and loop_thread not in watched.threads


def test_env_secret_never_touches_the_keyring(
    watched: WatchedKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCKPIT_SECRET_AM_TOKEN", "from-env")
    _, seen = _fetch(Endpoint(url="http://am.test", auth=Auth("bearer", "AM_TOKEN")))
    assert seen == ["Bearer from-env"]
    assert watched.threads == []


def test_probe_header_secret_is_read_in_a_thread(watched: WatchedKeyring) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-token", ""))
        return httpx.Response(200, json={"status": "ok"})

    probe = ProbeConfig(
        name="api", url="http://api.test/health", headers={"X-Token": SecretRef("AM_TOKEN", "")}
    )

    async def go() -> int:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            await run_probe(client, probe, (parse_condition("[STATUS] == 200"),))
        return threading.get_ident()

    loop_thread = asyncio.run(go())
    assert seen == ["tok-1"]
    assert watched.threads and loop_thread not in watched.threads
