"""`cockpit probe`: run health probes once, like a runtime health check in a deploy step.

No thresholds here: a one-shot check reports what each probe sees right now.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from urllib.parse import urlsplit

import httpx

from cockpit.config import Config, ProbeConfig
from cockpit.model.conditions import parse_condition
from cockpit.model.probes import ProbeResult
from cockpit.sources.clients import async_client
from cockpit.sources.probes import run_probe_bounded

MAX_CONCURRENT = 10


def resolve_targets(config: Config, targets: Sequence[str]) -> tuple[list[ProbeConfig], list[str]]:
    """Configured probes by name, or ad-hoc probes for URLs (every probe when empty), and
    a message for each target that is neither: those are reported, the rest still run."""
    if not targets:
        if not config.probes:
            return [], ["no probes configured; name a URL, e.g. http://host/health/ready"]
        return list(config.probes), []
    by_name = {p.name: p for p in config.probes}
    chosen: list[ProbeConfig] = []
    problems: list[str] = []
    for target in targets:
        if target in by_name:
            chosen.append(by_name[target])
            continue
        parts = urlsplit(target)
        if parts.scheme in ("http", "https") and parts.hostname:
            chosen.append(ProbeConfig(name=target, url=target))
        elif parts.scheme == "tcp" and parts.hostname and parts.port:
            chosen.append(ProbeConfig(name=target, url=target, conditions=("[CONNECTED] == true",)))
        else:
            known = ", ".join(sorted(by_name)) or "none configured"
            problems.append(
                f"{target!r} is neither a configured probe ({known}) nor a URL like "
                "http://host:port/health/ready or tcp://host:port"
            )
    return chosen, problems


async def _check(probes: Sequence[ProbeConfig], allow_degraded: bool) -> list[ProbeResult]:
    limit = asyncio.Semaphore(MAX_CONCURRENT)

    async def one(client: httpx.AsyncClient, probe: ProbeConfig) -> ProbeResult:
        conditions = tuple(parse_condition(text) for text in probe.conditions)
        async with limit:
            return await run_probe_bounded(client, probe, conditions, allow_degraded=allow_degraded)

    async with async_client() as client:
        return list(await asyncio.gather(*(one(client, p) for p in probes)))


def check_once(probes: Sequence[ProbeConfig], *, allow_degraded: bool = False) -> list[ProbeResult]:
    return asyncio.run(_check(probes, allow_degraded))
