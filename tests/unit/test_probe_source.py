"""cockpit.sources.probes: one probe request judged by its conditions, against fake servers."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cockpit.config import ProbeConfig, SecretRef
from cockpit.model.conditions import parse_condition
from cockpit.model.probes import Child, ConditionResult, ProbeResult, Response
from cockpit.sources.probes import BODY_KEPT, certificate_time_left, run_probe

URL = "http://svc.test/health"
Handler = Callable[[httpx.Request], httpx.Response]


async def probe_with(
    handler: Handler,
    conditions: Sequence[str],
    *,
    allow_degraded: bool = False,
    **config: Any,
) -> ProbeResult:
    probe = ProbeConfig(name="api", url=URL, conditions=tuple(conditions), **config)
    parsed = [parse_condition(c) for c in conditions]
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        return await run_probe(client, probe, parsed, allow_degraded=allow_degraded)


def answer(status: int, body: Any, headers: Sequence[tuple[str, str]] = ()) -> Handler:
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=list(headers), content=content)

    return handler


def raising(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


# --- conditions hold ---------------------------------------------------------------------------


async def test_all_conditions_hold() -> None:
    body = {
        "status": "healthy",
        "dependencies": {"redis": {"status": "healthy", "latency_ms": 3}, "db": "degraded"},
    }
    conditions = ["[STATUS] == 200", "[BODY].status == healthy", "[RESPONSE_TIME] < 5000"]
    before = datetime.now(UTC)
    result = await probe_with(answer(200, body), conditions)
    assert result.name == "api"
    assert result.ok is True
    assert result.category is None
    assert result.reason == ""
    assert result.degraded is False
    assert result.status_code == 200
    assert result.latency_ms is not None and 0 <= result.latency_ms < 5000
    assert before <= result.checked_at <= datetime.now(UTC)
    assert result.children == (
        Child("redis", "healthy", "latency_ms=3"),
        Child("db", "degraded", ""),
    )
    assert result.conditions == tuple(ConditionResult(c, None) for c in conditions)


async def test_response_kept_without_secret_headers() -> None:
    body = {"status": "healthy"}
    headers = [
        ("Content-Type", "application/json"),
        ("Set-Cookie", "session=s3cr3t"),
        ("X-Trace", "abc"),
        ("Authorization", "Bearer leaked"),
        ("WWW-Authenticate", "Basic realm=x"),
        ("Proxy-Authorization", "Basic eHg="),
    ]
    result = await probe_with(answer(200, body, headers), ["[STATUS] == 200"])
    text = json.dumps(body)
    assert result.response == Response(
        200,
        (
            ("content-type", "application/json"),
            ("x-trace", "abc"),
            ("content-length", str(len(text))),
        ),
        text,
    )


async def test_response_body_truncated() -> None:
    body = "x" * (BODY_KEPT + 500)
    result = await probe_with(answer(200, body), ["[STATUS] == 200"])
    assert BODY_KEPT == 2000
    assert result.ok is True
    assert result.response is not None
    assert result.response.body == "x" * BODY_KEPT


async def test_request_uses_method_and_resolved_secret_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COCKPIT_SECRET_PROBE_TOKEN", "t0k3n")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    result = await probe_with(
        handler,
        ["[STATUS] == 204"],
        method="HEAD",
        headers={"Authorization": SecretRef("PROBE_TOKEN", "Bearer "), "X-Env": "prod"},
    )
    assert result.ok is True
    assert [(r.method, str(r.url)) for r in seen] == [("HEAD", URL)]
    assert seen[0].headers["authorization"] == "Bearer t0k3n"
    assert seen[0].headers["x-env"] == "prod"


# --- failing conditions -------------------------------------------------------------------------


async def test_status_failure() -> None:
    result = await probe_with(answer(503, {"status": "down"}), ["[STATUS] == 200"])
    assert result.ok is False
    assert result.category == "status"
    assert result.reason == "[STATUS] == 200: got 503"
    assert result.status_code == 503
    assert result.degraded is False
    assert result.conditions == (ConditionResult("[STATUS] == 200", "[STATUS] == 200: got 503"),)
    assert result.response is not None and result.response.status == 503


async def test_body_not_json() -> None:
    result = await probe_with(
        answer(200, "<html>OK</html>"), ["[STATUS] == 200", "[BODY].status == healthy"]
    )
    assert result.ok is False
    assert result.category == "body"
    assert result.reason.startswith("body is not JSON")
    assert result.reason == "body is not JSON; [BODY].status == healthy: no value"
    assert result.children == ()
    assert result.response is not None and result.response.body == "<html>OK</html>"


async def test_body_json_wrong_value() -> None:
    result = await probe_with(answer(200, {"status": "unhealthy"}), ["[BODY].status == healthy"])
    assert result.category == "body"
    assert result.reason == "[BODY].status == healthy: got unhealthy"


async def test_response_time_only_failure_is_condition() -> None:
    result = await probe_with(
        answer(200, {"status": "healthy"}), ["[STATUS] == 200", "[RESPONSE_TIME] < 0"]
    )
    assert result.ok is False
    assert result.category == "condition"
    assert result.latency_ms is not None
    assert result.reason == f"[RESPONSE_TIME] < 0: got {round(result.latency_ms, 1)}"
    assert result.conditions[0] == ConditionResult("[STATUS] == 200", None)


async def test_certificate_condition_on_plain_http_has_no_value() -> None:
    result = await probe_with(answer(200, {}), ["[CERTIFICATE_EXPIRATION] > 72h"])
    assert (result.ok, result.category) == (False, "condition")
    assert result.reason == "[CERTIFICATE_EXPIRATION] > 72h: no value"


async def test_several_failures_joined_first_decides_category() -> None:
    result = await probe_with(
        answer(500, {"status": "unhealthy"}), ["[BODY].status == healthy", "[STATUS] == 200"]
    )
    assert result.category == "body"
    assert result.reason == "[BODY].status == healthy: got unhealthy; [STATUS] == 200: got 500"


# --- declared degraded mode ---------------------------------------------------------------------

DEGRADED = {"status": "degraded", "dependencies": {"redis": {"status": "unhealthy"}}}


async def test_degraded_ok_accepts_declared_503() -> None:
    result = await probe_with(answer(503, DEGRADED), ["[STATUS] == 200"], degraded_ok=True)
    assert result.ok is True
    assert result.degraded is True
    assert result.category is None
    assert result.reason == ""
    assert result.status_code == 503
    assert result.children == (Child("redis", "unhealthy", ""),)


async def test_degraded_mode_key_also_declares() -> None:
    body = {"status": "ok", "mode": "degraded"}
    result = await probe_with(answer(503, body), ["[STATUS] == 200"], degraded_ok=True)
    assert (result.ok, result.degraded) == (True, True)


async def test_degraded_503_fails_without_degraded_ok() -> None:
    result = await probe_with(answer(503, DEGRADED), ["[STATUS] == 200"], degraded_ok=False)
    assert result.ok is False
    assert result.degraded is False
    assert result.category == "status"
    assert result.reason == "[STATUS] == 200: got 503"


async def test_allow_degraded_accepts_it_too() -> None:
    result = await probe_with(answer(503, DEGRADED), ["[STATUS] == 200"], allow_degraded=True)
    assert result.ok is True
    assert result.degraded is True
    assert result.category is None


async def test_503_not_declaring_degraded_still_fails() -> None:
    result = await probe_with(
        answer(503, {"status": "unhealthy"}), ["[STATUS] == 200"], degraded_ok=True
    )
    assert (result.ok, result.degraded, result.category) == (False, False, "status")


async def test_other_status_with_degraded_body_not_accepted() -> None:
    result = await probe_with(answer(500, DEGRADED), ["[STATUS] == 200"], degraded_ok=True)
    assert (result.ok, result.degraded, result.category) == (False, False, "status")
    assert result.reason == "[STATUS] == 200: got 500"


async def test_degraded_503_with_other_failing_condition_still_fails() -> None:
    conditions = ["[STATUS] == 200", "[BODY].dependencies.redis.status != unhealthy"]
    result = await probe_with(answer(503, DEGRADED), conditions, degraded_ok=True)
    assert result.ok is False
    assert result.degraded is False
    assert result.category == "body"
    assert result.reason == "[BODY].dependencies.redis.status != unhealthy: got unhealthy"


async def test_degraded_503_with_slow_response_fails_as_condition() -> None:
    conditions = ["[STATUS] == 200", "[RESPONSE_TIME] < 0"]
    result = await probe_with(answer(503, DEGRADED), conditions, allow_degraded=True)
    assert (result.ok, result.degraded, result.category) == (False, False, "condition")
    assert result.reason.startswith("[RESPONSE_TIME] < 0: got ")


# --- transport errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "category", "reason"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "refused", "connection refused"),
        (httpx.ConnectTimeout("timed out"), "timeout", "timed out"),
        (httpx.ReadTimeout("read timed out"), "timeout", "timed out"),
        (
            httpx.ConnectError("[Errno -2] Name or service not known"),
            "dns",
            "DNS lookup failed",
        ),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "tls",
            "TLS error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
        ),
        (
            httpx.ConnectError("[Errno 101] Network is unreachable"),
            "connect",
            "cannot connect: [Errno 101] Network is unreachable",
        ),
        (
            httpx.RemoteProtocolError("Illegal header value b'Bearer s3cr3t'"),
            "connect",
            "request failed (RemoteProtocolError)",
        ),
    ],
)
async def test_transport_errors(exc: Exception, category: str, reason: str) -> None:
    conditions = ["[STATUS] == 200", "[BODY].status == healthy"]
    result = await probe_with(raising(exc), conditions)
    assert result.ok is False
    assert result.category == category
    assert result.reason == reason
    assert result.status_code is None
    assert result.response is None
    assert result.conditions == ()
    assert result.children == ()
    assert result.latency_ms is not None and result.latency_ms >= 0


async def test_missing_secret() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200)

    result = await probe_with(
        handler, ["[STATUS] == 200"], headers={"Authorization": SecretRef("MISSING", "Bearer ")}
    )
    assert calls == []
    assert result.ok is False
    assert result.category == "secret"
    assert "cockpit secret set MISSING" in result.reason
    assert result.reason == (
        "secret 'MISSING' is not set: run `cockpit secret set MISSING` "
        "or set the environment variable COCKPIT_SECRET_MISSING"
    )
    assert result.latency_ms is None
    assert result.status_code is None


# --- certificate expiry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "left"),
    [
        (datetime(2027, 5, 30, 12, 0, tzinfo=UTC), timedelta(days=2)),
        (datetime(2027, 6, 1, 9, 30, 15, tzinfo=UTC), timedelta(hours=2, minutes=29, seconds=45)),
        (datetime(2027, 6, 1, 12, 0, tzinfo=UTC), timedelta(0)),
        (datetime(2027, 6, 2, 12, 0, tzinfo=UTC), timedelta(days=-1)),
    ],
)
def test_certificate_time_left(now: datetime, left: timedelta) -> None:
    assert certificate_time_left("Jun  1 12:00:00 2027 GMT", now) == left


# --- tcp:// probes --------------------------------------------------------------------------


@pytest.fixture
async def listening_port() -> AsyncIterator[int]:
    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.close()
        await server.wait_closed()


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def tcp_probe(port: int, conditions: Sequence[str]) -> ProbeResult:
    probe = ProbeConfig(
        name="redis", url=f"tcp://127.0.0.1:{port}", conditions=tuple(conditions),
        timeout=timedelta(seconds=1),
    )  # fmt: skip

    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("a tcp:// probe must not make an HTTP request")

    async with httpx.AsyncClient(transport=httpx.MockTransport(never)) as client:
        return await run_probe(client, probe, [parse_condition(c) for c in conditions])


async def test_tcp_probe_connects(listening_port: int) -> None:
    result = await tcp_probe(listening_port, ["[CONNECTED] == true"])
    assert result.name == "redis"
    assert result.ok is True
    assert result.category is None
    assert result.reason == ""
    assert result.status_code is None
    assert result.response is None
    assert result.conditions == (ConditionResult("[CONNECTED] == true", None),)
    assert result.latency_ms is not None and result.latency_ms >= 0


async def test_tcp_probe_condition_failure(listening_port: int) -> None:
    result = await tcp_probe(listening_port, ["[CONNECTED] == true", "[RESPONSE_TIME] < 0"])
    assert (result.ok, result.category) == (False, "condition")
    assert result.reason.startswith("[RESPONSE_TIME] < 0: got ")


async def test_tcp_probe_refused() -> None:
    result = await tcp_probe(closed_port(), ["[CONNECTED] == true"])
    assert result.ok is False
    assert result.category == "refused"
    assert result.reason == "connection refused"
    assert result.conditions == ()
    assert result.latency_ms is None
