"""The alert use cases: ack, unack, silence, extend, expire; the TUI and the CLI both
call these.

Each refuses in read-only mode and refuses bad input before anything is sent; an
Alertmanager refusal comes back as ``AlertmanagerRefused`` with its message. Given a
notebook, each then notes what it did there (``store/acks.py``); a notebook that fails
does not undo Alertmanager's change: the outcome carries the trouble (``unnoted``) for
the caller to say.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from functools import partial

import httpx

from cockpit.config import Config, Endpoint
from cockpit.model.alerts import Alert, from_alertmanager
from cockpit.model.matchers import Matcher
from cockpit.model.silence_scope import (
    BlastRadius,
    SilenceIdError,
    blast_radius,
    resolve_silence_id,
)
from cockpit.model.silences import Silence, from_api, is_ack_for, live_acks, new_ack
from cockpit.secrets import SecretError
from cockpit.sources import alertmanager
from cockpit.sources.errors import SourceError
from cockpit.store import Notebook
from cockpit.store.acks import record_ack, record_extend, record_silences_expired, record_unack
from cockpit.store.open import WRITE_TROUBLE, NotebookTarget, write_to

READ_ONLY_REASON = "read-only mode (--read-only or read_only = true): no ack, silence or expire"


class ActionRefused(Exception):
    """Not sent: read-only mode, no Alertmanager, or bad input; ``str()`` says what to do."""


# What a write can raise that the user should read: refused, Alertmanager's answer, a secret.
WRITE_ERRORS = (ActionRefused, SourceError, SecretError)


class NeedsConfirmation(ActionRefused):
    """The silence would catch more than one alert name, or everything: ask first."""

    def __init__(self, radius: BlastRadius) -> None:
        super().__init__(f"{radius.reason()} ({radius.describe()}); confirm to create it")
        self.radius = radius


class UnknownSilence(ActionRefused):
    """No silence (``matches`` empty), or several, have an id starting with what was given."""

    def __init__(self, message: str, matches: Sequence[Silence] = ()) -> None:
        super().__init__(message)
        self.matches = tuple(matches)


NO_ALERTMANAGER = "no Alertmanager configured: add [alertmanager] url = ... first"


def cluster_endpoint(config: Config, cluster: str = "") -> Endpoint:
    """The Alertmanager cluster called ``cluster`` ("": the only one, or the first)."""
    if config.alertmanager is None:
        raise ActionRefused(NO_ALERTMANAGER)
    endpoint = config.alertmanager_named(cluster)
    if endpoint is None:
        raise ActionRefused(config.unknown_cluster(cluster) or "?")
    return endpoint


def writable_endpoint(config: Config, cluster: str = "") -> Endpoint:
    if config.read_only:
        raise ActionRefused(READ_ONLY_REASON)
    return cluster_endpoint(config, cluster)


def chosen_cluster(config: Config, cluster: str) -> str:
    """``cluster``, or the only one; with several, a new silence must name its cluster."""
    if not cluster and len(config.alertmanagers) > 1:
        names = ", ".join(config.clusters)
        raise ActionRefused(f"several Alertmanager clusters ({names}): say which (--cluster NAME)")
    return cluster


def who(config: Config) -> str:
    return config.oncall.me or "cockpit"


def noted_in(target: NotebookTarget | None, work: Callable[[Notebook], object]) -> Exception | None:
    """Write to the notebook, if there is one; the trouble if the write failed."""
    if target is None:
        return None
    try:
        write_to(target, work)
    except WRITE_TROUBLE as exc:
        return exc
    return None


async def load_silences(
    client: httpx.AsyncClient, config: Config, cluster: str = ""
) -> list[Silence]:
    """One cluster's silences, from the first of its peers that answers."""
    endpoint = cluster_endpoint(config, cluster)
    raw = await alertmanager.on_peers(
        endpoint, lambda peer: alertmanager.fetch_silences(client, peer)
    )
    return [s for item in raw if (s := from_api(item, endpoint.name)) is not None]


async def load_all_silences(
    client: httpx.AsyncClient, config: Config
) -> tuple[list[Silence], dict[str, str]]:
    """Every cluster's silences, asked at once, and why a cluster's could not be read (by
    its name). With one cluster, its failure raises as ``load_silences`` does."""
    if len(config.alertmanagers) <= 1:
        return await load_silences(client, config), {}
    names = config.clusters
    answers = await asyncio.gather(
        *(load_silences(client, config, name) for name in names), return_exceptions=True
    )
    silences: list[Silence] = []
    problems: dict[str, str] = {}
    for name, answer in zip(names, answers, strict=True):
        if isinstance(answer, list):
            silences.extend(answer)
        elif isinstance(answer, (*WRITE_ERRORS,)):
            problems[name] = str(answer)
        elif isinstance(answer, BaseException):
            raise answer
    return silences, problems


@dataclass(frozen=True)
class AckOutcome:
    """What an ack did. ``created`` False: the alert was already acked, nothing was sent,
    and ``silence`` is the ack already in force."""

    silence: Silence
    created: bool
    replaced: tuple[Silence, ...] = ()  # older acks of the alert, expired by a renewal
    problems: tuple[str, ...] = ()  # older acks a renewal could not expire, and why
    unnoted: Exception | None = None  # why the notebook did not take the ack

    @property
    def silence_id(self) -> str:
        return self.silence.id

    def already(self, zone: tzinfo) -> str:
        """``already acked by bob since 15:05 (until 16:05)``."""
        s = self.silence
        since, until = s.starts_at.astimezone(zone), s.ends_at.astimezone(zone)
        return (
            f"already acked by {s.created_by or 'someone'} since {since:%H:%M} "
            f"(until {until:%H:%M}, silence {s.id[:8]})"
        )


async def ack(
    client: httpx.AsyncClient,
    config: Config,
    alert: Alert,
    now: datetime,
    duration: timedelta | None = None,
    note: str = "",
    *,
    renew: bool = False,
    notebook: NotebookTarget | None = None,
) -> AckOutcome:
    """Ack ``alert`` unless it is acked already (Alertmanager is asked, not a cached view,
    so a second ack from anywhere finds the first). ``renew``: ack it anew anyway and
    expire its older ack silences (after the new one exists, so it never fires between).
    The new ack, and the older ones it ended, are noted in ``notebook``."""
    endpoint = writable_endpoint(config, alert.cluster)
    if not alert.labels:
        raise ActionRefused("this alert has no labels; an ack silence would match everything")
    length = duration or config.alerts.ack_duration
    if length <= timedelta(0):
        raise ActionRefused("an ack needs a duration longer than zero, e.g. --for 2h")
    current = live_acks(alert, await load_silences(client, config, endpoint.name), now)
    if current and not renew:
        return AckOutcome(current[0], created=False)
    silence = new_ack(alert, who(config), now, length, note)
    silence_id = await _post(client, endpoint, silence)
    made = replace(silence, id=silence_id, state="active", cluster=endpoint.name)
    replaced: list[Silence] = []
    problems: list[str] = []
    # Only acks of exactly this alert: a wider ACK! silence covers other alerts too.
    for old in (s for s in current if is_ack_for(s, alert) and s.id != silence_id):
        try:
            await expire(client, config, old.id, endpoint.name)
        except SourceError as exc:
            problems.append(f"older ack {old.id[:8]} not expired: {exc}")
            continue
        replaced.append(old)
    unnoted = noted_in(notebook, lambda nb: record_ack(nb, alert, made, silence_id, now, replaced))
    return AckOutcome(made, True, tuple(replaced), tuple(problems), unnoted)


@dataclass(frozen=True)
class UnackOutcome:
    """What an unack did: the ack silences expired (in order), why the notebook did not
    note one (the last trouble), and the Alertmanager error that stopped it, if any (the
    silences before it stay expired and noted)."""

    expired: tuple[str, ...] = ()
    unnoted: Exception | None = None
    failed: Exception | None = None


async def unack(
    client: httpx.AsyncClient,
    config: Config,
    alert: Alert,
    acks: Sequence[Silence],
    now: datetime,
    *,
    notebook: NotebookTarget | None = None,
) -> UnackOutcome:
    """Expire ``acks`` (the ack silences covering ``alert``), noting each in the notebook.
    A refusal before anything was sent (read-only, no Alertmanager) raises."""
    writable_endpoint(config, alert.cluster)
    expired: list[str] = []
    unnoted: Exception | None = None
    by = who(config)
    for silence in acks:
        try:
            await expire(client, config, silence.id, silence.cluster or alert.cluster)
        except WRITE_ERRORS as exc:
            return UnackOutcome(tuple(expired), unnoted, exc)
        expired.append(silence.id)
        write = partial(record_unack, silence=silence, who=by, at=now, alert=alert)
        unnoted = noted_in(notebook, write) or unnoted
    return UnackOutcome(tuple(expired), unnoted)


async def expire_silence(
    client: httpx.AsyncClient,
    config: Config,
    silence: Silence,
    now: datetime,
    *,
    notebook: NotebookTarget | None = None,
) -> Exception | None:
    """Expire ``silence``; an ack ends in the notebook too. Returns the notebook trouble."""
    await expire(client, config, silence.id, silence.cluster)
    if not silence.is_ack:
        return None
    by = who(config)
    return noted_in(notebook, lambda nb: record_unack(nb, silence, by, now))


def note_silences_expired(
    notebook: NotebookTarget | None, silences: list[Silence], now: datetime
) -> Exception | None:
    """Silences that ended since the last poll become timeline events."""
    return noted_in(notebook, lambda nb: record_silences_expired(nb, silences, now))


async def expire(
    client: httpx.AsyncClient, config: Config, silence_id: str, cluster: str = ""
) -> None:
    """Expire a silence of ``cluster`` (unack is this, for an ack silence)."""
    endpoint = writable_endpoint(config, cluster)
    await alertmanager.on_peers(
        endpoint, lambda peer: alertmanager.expire_silence(client, peer, silence_id), write=True
    )


async def _post(client: httpx.AsyncClient, endpoint: Endpoint, silence: Silence) -> str:
    """Create or replace ``silence`` on the first peer of ``endpoint`` that takes it."""
    body = silence.to_api()
    return await alertmanager.on_peers(
        endpoint, lambda peer: alertmanager.post_silence(client, peer, body), write=True
    )


def check_new_silence(matchers: Sequence[Matcher], duration: timedelta, comment: str) -> None:
    if not matchers:
        raise ActionRefused('a silence needs at least one matcher, e.g. alertname="X"')
    if all(m.is_regex and m.value in (".*", "") for m in matchers):
        raise ActionRefused("these matchers match every alert; name the alerts to silence")
    if duration <= timedelta(0):
        raise ActionRefused("a silence needs a duration longer than zero, e.g. 2h")
    if not comment.strip():
        raise ActionRefused("a silence needs a comment: say why, for whoever finds it")


async def preview_silence(
    client: httpx.AsyncClient, config: Config, matchers: Sequence[Matcher], cluster: str = ""
) -> BlastRadius:
    """The alerts the cluster's Alertmanager has now that ``matchers`` would catch."""
    endpoint = cluster_endpoint(config, cluster)
    raw = await alertmanager.on_peers(
        endpoint, lambda peer: alertmanager.fetch_alerts(client, peer)
    )
    return blast_radius(matchers, [from_alertmanager(item, endpoint.name) for item in raw])


async def create_silence(
    client: httpx.AsyncClient,
    config: Config,
    matchers: Sequence[Matcher],
    duration: timedelta,
    comment: str,
    now: datetime,
    *,
    confirmed: bool = False,
    cluster: str = "",
) -> tuple[str, BlastRadius]:
    """Create a silence in ``cluster`` (it must be named when there are several); returns
    its id and what it catches now. Unless ``confirmed``, a silence that catches more than
    one alert name, or everything, raises ``NeedsConfirmation`` (with what it would
    catch) and nothing is sent."""
    endpoint = writable_endpoint(config, chosen_cluster(config, cluster))
    check_new_silence(matchers, duration, comment)
    radius = await preview_silence(client, config, matchers, endpoint.name)
    if radius.needs_confirmation and not confirmed:
        raise NeedsConfirmation(radius)
    silence = Silence(
        id="",
        matchers=tuple(matchers),
        starts_at=now,
        ends_at=now + duration,
        created_by=who(config),
        comment=comment.strip(),
    )
    return await _post(client, endpoint, silence), radius


async def find_silences(
    client: httpx.AsyncClient, config: Config, given: Sequence[str], cluster: str = ""
) -> list[Silence | UnknownSilence]:
    """Each id given (a unique prefix is enough: the silences screen shows 8 characters)
    as the silence it names, or why it names none or several. One request per cluster
    (only ``cluster``'s when it is named); a cluster that does not answer raises."""
    if cluster or len(config.alertmanagers) <= 1:
        silences = await load_silences(client, config, cluster)
    else:
        silences, problems = await load_all_silences(client, config)
        if problems:
            name, why = next(iter(problems.items()))
            raise SourceError(f"{name}: {why} (or name the cluster with --cluster)")
    found: list[Silence | UnknownSilence] = []
    for text in given:
        try:
            found.append(resolve_silence_id(silences, text))
        except SilenceIdError as exc:
            found.append(UnknownSilence(str(exc), exc.matches))
    return found


@dataclass(frozen=True)
class Extended:
    """An extended silence: its id (maybe new), its new end, the notebook trouble."""

    silence_id: str
    ends_at: datetime
    unnoted: Exception | None = None


async def extend(
    client: httpx.AsyncClient,
    config: Config,
    silence: Silence,
    by: timedelta,
    now: datetime,
    *,
    notebook: NotebookTarget | None = None,
) -> Extended:
    """Move the end ``by`` later (from now if it already ended). Alertmanager may answer a
    new id, which then replaces the old silence; an ack's notebook row follows it."""
    endpoint = writable_endpoint(config, silence.cluster)
    if by <= timedelta(0):
        raise ActionRefused("extend by a duration longer than zero, e.g. 1h")
    if silence.state == "expired":
        changed = replace(silence, id="", starts_at=now, ends_at=now + by)
    else:
        changed = replace(silence, ends_at=max(silence.ends_at, now) + by)
    new_id = await _post(client, endpoint, changed)
    ends = changed.ends_at
    unnoted = None
    if silence.is_ack:
        unnoted = noted_in(notebook, lambda nb: record_extend(nb, silence.id, new_id, ends))
    return Extended(new_id, ends, unnoted)
