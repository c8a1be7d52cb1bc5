"""`cockpit doctor`: is everything the cockpit needs reachable and sound?"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from cockpit import locations
from cockpit.config import Config, ConfigError, Endpoint, load
from cockpit.secrets import SecretError, keyring_status
from cockpit.sources import alertmanager, prometheus
from cockpit.sources.clients import async_client
from cockpit.sources.errors import SourceError
from cockpit.store import NotebookError
from cockpit.store.notebook import LATEST_VERSION, inspect_readonly
from cockpit.store.recording_duty import STALE_AFTER, DutyHolder, duty_holder_readonly
from cockpit.store.schema_check import check_schema


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True  # a failed optional check warns but does not fail the doctor


def _config(path: Path) -> tuple[Check, Config | None]:
    if not path.exists():
        # As `config validate` says: without a config there is nothing to check against.
        return (
            Check(
                "config",
                False,
                f"{path}: no such file; `cockpit config init` writes an example "
                "(or `cockpit demo` runs one of its own)",
            ),
            None,
        )
    try:
        config = load(path)
    except ConfigError as exc:
        return Check("config", False, f"{len(exc.problems)} problem(s): {exc.problems[0]}"), None
    return Check("config", True, str(path)), config


def _label(kind: str, endpoints: tuple[Endpoint, ...], endpoint: Endpoint, peer: int) -> str:
    """The check's name: the kind, then the server's name when there are several (or it
    has one of its own), then the peer's number in an HA pair."""
    name = kind
    if len(endpoints) > 1 or endpoint.name != "default":
        name += f" {endpoint.name}"
    if len(endpoint.peers) > 1:
        name += f" peer {peer + 1}"
    return name


async def _prometheus(client: httpx.AsyncClient, label: str, endpoint: Endpoint) -> Check:
    try:
        info = await prometheus.fetch_buildinfo(client, endpoint)
    except (SourceError, SecretError) as exc:
        return Check(label, False, f"{endpoint.url}: {exc}")
    return Check(label, True, f"{endpoint.url} version {info.get('version')}")


async def _alertmanager(client: httpx.AsyncClient, label: str, endpoint: Endpoint) -> Check:
    try:
        status = await alertmanager.fetch_status(client, endpoint)
    except (SourceError, SecretError) as exc:
        return Check(label, False, f"{endpoint.url}: {exc}")
    about = status.get("versionInfo")  # {"versionInfo": "nope"} is no mapping
    version = about.get("version") if isinstance(about, dict) else "unknown"
    return Check(label, True, f"{endpoint.url} version {version}")


async def _sources(config: Config) -> list[Check]:
    """Every Prometheus server and every peer of every Alertmanager cluster, each named,
    all asked at once."""
    async with async_client() as client:
        asks: list[Awaitable[Check]] = []
        servers = config.prometheus_servers
        for server in servers:
            for i, at in enumerate(server.each_peer):
                asks.append(_prometheus(client, _label("prometheus", servers, server, i), at))
        clusters = config.alertmanagers
        for cluster in clusters:
            for i, at in enumerate(cluster.each_peer):
                asks.append(_alertmanager(client, _label("alertmanager", clusters, cluster, i), at))
        checks = list(await asyncio.gather(*asks))
    if not servers:
        checks.insert(0, Check("prometheus", True, "not configured", False))
    if not clusters:
        checks.append(Check("alertmanager", True, "not configured", False))
    return checks


def _store(database: Path) -> Check:
    if not database.exists():
        return Check("notebook", True, f"{database} not created yet (made at first start)", False)
    try:
        schema = check_schema(database)
        if schema.too_new:
            return Check(
                "notebook", False,
                f"{database} has schema v{schema.version}, newer than this cockpit "
                f"(v{schema.latest}): upgrade cockpit; it will not open the file",
            )  # fmt: skip
        version, problems = inspect_readonly(database)
    except NotebookError as exc:
        return Check("notebook", False, f"{database}: {exc}")
    if schema.problems:
        return Check(
            "notebook", False,
            f"{database}: {'; '.join(schema.problems)}. Restore the newest backup "
            f"({database.name}.bak-*) or move the file aside",
        )  # fmt: skip
    if problems:
        return Check("notebook", False, f"integrity_check: {'; '.join(problems[:3])}")
    mode = _loose_mode(database)
    if mode is not None:
        why = f"{database} (schema v{version}) is readable by others ({mode}): chmod 600 it"
        return Check("notebook", False, why, required=False)
    if version < schema.latest:
        return Check(
            "notebook", True,
            f"{database} (schema v{version}, integrity ok; the next cockpit to start "
            f"migrates it to v{schema.latest}, after a backup)",
        )  # fmt: skip
    return Check("notebook", True, f"{database} (schema v{version}, current; integrity ok)")


def _loose_mode(database: Path) -> str | None:
    try:
        mode = database.stat().st_mode & 0o777
    except OSError:
        return None
    return oct(mode)[2:] if mode & 0o077 else None


def _recorder(database: Path, now: datetime) -> Check | None:
    """Who writes the poll transitions into the notebook, if anyone."""
    if not database.exists():
        return None
    try:
        holder = duty_holder_readonly(database)
    except NotebookError as exc:
        return Check("recorder", False, str(exc), required=False)
    return _duty_check(holder, now)


def _duty_check(holder: DutyHolder | None, now: datetime) -> Check:
    if holder is None or holder.heartbeat_at is None:
        return Check(
            "recorder", False,
            "nothing records transitions now; run the cockpit or `cockpit record`",
            required=False,
        )  # fmt: skip
    quiet = now - holder.heartbeat_at
    if quiet >= STALE_AFTER:
        why = f"{holder.describe()} stopped renewing {int(quiet.total_seconds())}s ago"
        return Check("recorder", False, f"{why}; the next cockpit to start takes over", False)
    return Check("recorder", True, f"{holder.describe()}, since {holder.since:%Y-%m-%d %H:%M} UTC")


def run_checks(config_path: Path, database: Path) -> list[Check]:
    """Every check; the notebook is ``database`` unless the config (or COCKPIT_NOTEBOOK)
    names a team notebook on PostgreSQL."""
    config_check, config = _config(config_path)
    checks = [config_check]
    if config is not None:
        checks += asyncio.run(_sources(config))
    usable, detail = keyring_status()
    checks.append(Check("keyring", usable, detail, required=False))
    target = locations.notebook_target(config.notebook_url if config else None)
    if isinstance(target, str):
        return checks + _team_notebook(target, datetime.now(UTC))
    checks.append(_store(database))
    recorder = _recorder(database, datetime.now(UTC))
    if recorder is not None:
        checks.append(recorder)
    return checks


def _team_notebook(url: str, now: datetime) -> list[Check]:
    """The connection, the schema version and who records, on the team's PostgreSQL."""
    from cockpit.services.notebook_admin import look_at_team_notebook

    try:
        look = look_at_team_notebook(url)
    except (NotebookError, SecretError) as exc:
        return [Check("notebook", False, str(exc))]
    if look.schema_version > LATEST_VERSION:
        return [Check(
            "notebook", False,
            f"{look.where} has schema v{look.schema_version}, newer than this cockpit "
            f"(v{LATEST_VERSION}): upgrade cockpit; it will not use that notebook",
        )]  # fmt: skip
    state = (
        "current"
        if look.schema_version == LATEST_VERSION
        else f"the next cockpit to start migrates it to v{LATEST_VERSION}"
    )
    where = f"{look.where} (PostgreSQL, schema v{look.schema_version}, {state})"
    checks = [Check("notebook", True, where)]
    checks.append(_duty_check(look.duty, now))
    return checks
