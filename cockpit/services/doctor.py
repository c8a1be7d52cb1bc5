"""`cockpit doctor`: is everything the cockpit needs reachable and sound?"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cockpit.config import Config, ConfigError, load
from cockpit.secrets import SecretError, keyring_status
from cockpit.sources import alertmanager, prometheus
from cockpit.sources.clients import async_client
from cockpit.sources.errors import SourceError
from cockpit.store import StoreError
from cockpit.store.db import inspect_readonly
from cockpit.store.recorder_duty import STALE_AFTER, duty_holder_readonly


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True  # a failed optional check warns but does not fail the doctor


def _config(path: Path) -> tuple[Check, Config | None]:
    if not path.exists():
        return Check("config", True, f"{path} does not exist; using defaults", False), None
    try:
        config = load(path)
    except ConfigError as exc:
        return Check("config", False, f"{len(exc.problems)} problem(s): {exc.problems[0]}"), None
    return Check("config", True, str(path)), config


async def _sources(config: Config) -> list[Check]:
    checks = []
    async with async_client() as client:
        if config.prometheus is None:
            checks.append(Check("prometheus", True, "not configured", False))
        else:
            try:
                info = await prometheus.fetch_buildinfo(client, config.prometheus)
                checks.append(
                    Check(
                        "prometheus", True, f"{config.prometheus.url} version {info.get('version')}"
                    )
                )
            except (SourceError, SecretError) as exc:
                checks.append(Check("prometheus", False, f"{config.prometheus.url}: {exc}"))
        if config.alertmanager is None:
            checks.append(Check("alertmanager", True, "not configured", False))
        else:
            try:
                status = await alertmanager.fetch_status(client, config.alertmanager)
                version = status.get("versionInfo", {}).get("version")
                checks.append(
                    Check("alertmanager", True, f"{config.alertmanager.url} version {version}")
                )
            except (SourceError, SecretError) as exc:
                checks.append(Check("alertmanager", False, f"{config.alertmanager.url}: {exc}"))
    return checks


def _store(database: Path) -> Check:
    if not database.exists():
        return Check("notebook", True, f"{database} not created yet (made at first start)", False)
    try:
        version, problems = inspect_readonly(database)
    except StoreError as exc:
        return Check("notebook", False, f"{database}: {exc}")
    if problems:
        return Check("notebook", False, f"integrity_check: {'; '.join(problems[:3])}")
    return Check("notebook", True, f"{database} (schema v{version}, integrity ok)")


def _recorder(database: Path, now: datetime) -> Check | None:
    """Who writes the poll transitions into the notebook, if anyone."""
    if not database.exists():
        return None
    try:
        holder = duty_holder_readonly(database)
    except StoreError as exc:
        return Check("recorder", False, str(exc), required=False)
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
    config_check, config = _config(config_path)
    checks = [config_check]
    if config is not None:
        checks += asyncio.run(_sources(config))
    usable, detail = keyring_status()
    checks.append(Check("keyring", usable, detail, required=False))
    checks.append(_store(database))
    recorder = _recorder(database, datetime.now(UTC))
    if recorder is not None:
        checks.append(recorder)
    return checks
