"""One error type for every source, with a short reason the user can act on."""

from __future__ import annotations

import httpx


class SourceError(Exception):
    """A source did not answer usefully; ``str()`` is a short reason for a pane border."""


class Unreachable(SourceError):
    """No connection could be made: nothing was sent, so another peer may be tried."""


def _chain(exc: BaseException) -> list[str]:
    texts: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(texts) < 10:
        texts.append(str(current))
        if isinstance(current, ConnectionRefusedError):
            texts.append("refused")
        current = current.__cause__ or current.__context__
    return texts


def describe_httpx_error(exc: httpx.HTTPError) -> str:
    """Name the failure the way an on-call engineer would check it."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        # httpx says "All connection attempts failed"; the cause says why.
        lowered = " ".join(_chain(exc)).lower()
        if "refused" in lowered:
            return "connection refused"
        if "name or service" in lowered or "nodename" in lowered or "getaddrinfo" in lowered:
            return "DNS lookup failed"
        if "ssl" in lowered or "certificate" in lowered:
            return f"TLS error: {text}"
        return f"cannot connect: {text}"
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code} from {exc.request.url.path}"
    # Only the type: the text of a protocol error can quote a header, and so a token.
    return f"request failed ({type(exc).__name__})"
