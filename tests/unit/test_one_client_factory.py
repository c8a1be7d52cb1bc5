"""Every HTTP client of the cockpit comes from ``sources/clients.async_client()``: the one
place that applies an endpoint's TLS, proxy, redirect and size rules."""

from __future__ import annotations

import re
from pathlib import Path

import cockpit

PACKAGE = Path(cockpit.__file__).parent
# Building a client, or a one-off request that builds one inside httpx.
DIRECT = re.compile(r"httpx\.(AsyncClient|Client)\(|httpx\.(get|post|put|delete|request|stream)\(")


def test_no_http_client_is_built_outside_the_factory() -> None:
    offences = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "sources" / "clients.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DIRECT.search(line)
    ]
    assert offences == []


def test_the_check_sees_a_direct_client() -> None:
    assert DIRECT.search("    async with httpx.AsyncClient() as client:")
    assert DIRECT.search("httpx.get(url, timeout=2)")
    assert not DIRECT.search("client: httpx.AsyncClient | None = None")
