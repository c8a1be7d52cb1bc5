"""Writes to Alertmanager: ack, unack, silence, extend, expire.

Each refuses in read-only mode and refuses bad input before anything is sent; an
Alertmanager refusal comes back as ``AlertmanagerRefused`` with its message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import httpx

from cockpit.config import Config, Endpoint
from cockpit.model.alerts import Alert
from cockpit.model.matchers import Matcher
from cockpit.model.silences import Silence, from_api, new_ack
from cockpit.sources import alertmanager

READ_ONLY_REASON = "read-only mode (--read-only or read_only = true): no ack, silence or expire"


class ActionRefused(Exception):
    """Not sent: read-only mode, no Alertmanager, or bad input; ``str()`` says what to do."""


def writable_endpoint(config: Config) -> Endpoint:
    if config.read_only:
        raise ActionRefused(READ_ONLY_REASON)
    if config.alertmanager is None:
        raise ActionRefused("no Alertmanager configured: add [alertmanager] url = ... first")
    return config.alertmanager


def who(config: Config) -> str:
    return config.oncall.me or "cockpit"


async def load_silences(client: httpx.AsyncClient, config: Config) -> list[Silence]:
    if config.alertmanager is None:
        raise ActionRefused("no Alertmanager configured: add [alertmanager] url = ... first")
    raw = await alertmanager.fetch_silences(client, config.alertmanager)
    return [s for item in raw if (s := from_api(item)) is not None]


async def ack(
    client: httpx.AsyncClient,
    config: Config,
    alert: Alert,
    now: datetime,
    duration: timedelta | None = None,
    note: str = "",
) -> tuple[Silence, str]:
    """Create the ack silence; returns it and its new id."""
    endpoint = writable_endpoint(config)
    if not alert.labels:
        raise ActionRefused("this alert has no labels; an ack silence would match everything")
    length = duration or config.alerts.ack_duration
    if length <= timedelta(0):
        raise ActionRefused("an ack needs a duration longer than zero, e.g. --for 2h")
    silence = new_ack(alert, who(config), now, length, note)
    silence_id = await alertmanager.post_silence(client, endpoint, silence.to_api())
    return replace(silence, id=silence_id, state="active"), silence_id


async def expire(client: httpx.AsyncClient, config: Config, silence_id: str) -> None:
    """Expire a silence (unack is this, for an ack silence)."""
    endpoint = writable_endpoint(config)
    await alertmanager.expire_silence(client, endpoint, silence_id)


def check_new_silence(matchers: Sequence[Matcher], duration: timedelta, comment: str) -> None:
    if not matchers:
        raise ActionRefused('a silence needs at least one matcher, e.g. alertname="X"')
    if all(m.is_regex and m.value in (".*", "") for m in matchers):
        raise ActionRefused("these matchers match every alert; name the alerts to silence")
    if duration <= timedelta(0):
        raise ActionRefused("a silence needs a duration longer than zero, e.g. 2h")
    if not comment.strip():
        raise ActionRefused("a silence needs a comment: say why, for whoever finds it")


async def create_silence(
    client: httpx.AsyncClient,
    config: Config,
    matchers: Sequence[Matcher],
    duration: timedelta,
    comment: str,
    now: datetime,
) -> str:
    endpoint = writable_endpoint(config)
    check_new_silence(matchers, duration, comment)
    silence = Silence(
        id="",
        matchers=tuple(matchers),
        starts_at=now,
        ends_at=now + duration,
        created_by=who(config),
        comment=comment.strip(),
    )
    return await alertmanager.post_silence(client, endpoint, silence.to_api())


async def extend(
    client: httpx.AsyncClient, config: Config, silence: Silence, by: timedelta, now: datetime
) -> tuple[str, datetime]:
    """Move the end ``by`` later (from now if it already ended); returns the silence's id
    and new end. Alertmanager may answer a new id, which then replaces the old silence."""
    endpoint = writable_endpoint(config)
    if by <= timedelta(0):
        raise ActionRefused("extend by a duration longer than zero, e.g. 1h")
    if silence.state == "expired":
        changed = replace(silence, id="", starts_at=now, ends_at=now + by)
    else:
        changed = replace(silence, ends_at=max(silence.ends_at, now) + by)
    new_id = await alertmanager.post_silence(client, endpoint, changed.to_api())
    return new_id, changed.ends_at
