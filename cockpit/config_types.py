"""The typed cockpit configuration: what ``config.py`` reads from the TOML file.

Plain frozen dataclasses and nothing else, so the readers (``config_checks``,
``config_endpoints``, ``slo_files``) can name them without importing the parser.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from cockpit.model.checklist import DEFAULT_TEMPLATE, TemplateItem
from cockpit.model.incident_clocks import DEFAULT_POLICIES, SeverityPolicy
from cockpit.model.slo import WORKBOOK_ROWS, BurnRow
from cockpit.model.slo_definition import SloDefinition


@dataclass(frozen=True)
class SecretRef:
    """A header value taken from a named secret, e.g. ``Bearer <token>``."""

    name: str
    prefix: str = ""


@dataclass(frozen=True)
class Auth:
    kind: str  # "bearer" or "basic"
    secret: str  # the secret's name, resolved through cockpit.secrets
    username: str | None = None


@dataclass(frozen=True)
class Tls:
    """How to trust a server and, with ``cert_file``, how to prove who we are to it."""

    verify: bool = True
    ca_file: Path | None = None  # trust only this CA bundle (a private CA)
    cert_file: Path | None = None  # a client certificate (PEM), with its key in key_file
    key_file: Path | None = None  # None: the key is in cert_file


DEFAULT_NAME = "default"  # the name of an Alertmanager or Prometheus the config leaves unnamed


@dataclass(frozen=True)
class Endpoint:
    """How to reach one Prometheus or Alertmanager (or an HA pair of Alertmanagers: ``urls``
    lists the peers of one cluster and ``url`` is the first of them)."""

    url: str
    timeout: timedelta = timedelta(seconds=5)
    refresh: timedelta = timedelta(seconds=10)
    auth: Auth | None = None
    tls: Tls = field(default_factory=Tls)
    headers: Mapping[str, str | SecretRef] = field(default_factory=dict)
    # What the cockpit calls this server (its cluster, for an Alertmanager).
    name: str = DEFAULT_NAME
    urls: tuple[str, ...] = ()

    @property
    def peers(self) -> tuple[str, ...]:
        """Every URL of this server: the HA peers, or the one URL."""
        return self.urls or (self.url,)

    def at(self, url: str) -> Endpoint:
        """The same server settings, at one of its peers."""
        return replace(self, url=url, urls=())

    @property
    def each_peer(self) -> tuple[Endpoint, ...]:
        """One endpoint per peer, in order (this one itself when it has one URL)."""
        return tuple(self.at(url) for url in self.urls) or (self,)


@dataclass(frozen=True)
class ProbeConfig:
    name: str
    url: str
    method: str = "GET"
    interval: timedelta = timedelta(seconds=10)
    timeout: timedelta = timedelta(seconds=2)
    conditions: tuple[str, ...] = ("[STATUS] == 200",)
    headers: Mapping[str, str | SecretRef] = field(default_factory=dict)
    component: str = ""
    failure_threshold: int = 3
    success_threshold: int = 2
    # A readiness probe in a declared degraded mode may answer 503 {"status": "degraded"}:
    # with degraded_ok that counts as up (marked degraded), not as a failure.
    degraded_ok: bool = False
    tls: Tls = field(default_factory=Tls)
    # The cluster the probed service belongs to (shown and filtered on; "" for none).
    cluster: str = ""


@dataclass(frozen=True)
class OnCall:
    me: str = ""
    roster: tuple[str, ...] = ()
    handoff_day: str = "friday"
    handoff_time: time = time(17, 0)
    timezone: str = "UTC"
    # The date of the first handoff where roster[0] takes over (see model/rotation.py).
    rotation_start: date | None = None

    def who_am_i(self) -> str:
        """``me``, or the login name when ``me`` is not set: who this cockpit writes as."""
        if self.me:
            return self.me
        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return "unknown"


@dataclass(frozen=True)
class HandoffConfig:
    checklist: tuple[TemplateItem, ...] = DEFAULT_TEMPLATE


@dataclass(frozen=True)
class PluginSettings:
    """``[plugins.<name>]``: ``enabled`` and the plugin's own options (never secrets)."""

    enabled: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)


DEFAULT_SEVERITY_MAP = {"critical": "Sev1", "high": "Sev2", "warning": "Sev3", "info": "Sev4"}


@dataclass(frozen=True)
class RecordConfig:
    """``[record]``: what the recording cockpit keeps for showing the past."""

    # Probe samples older than this are deleted (timeline events are kept).
    retention: timedelta = timedelta(days=90)
    # At most one sample per probe this often (its up/down changes are events anyway).
    probe_samples_every: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class AlertsConfig:
    ack_duration: timedelta = timedelta(hours=1)
    # The header warns when an ack silence ends this soon while its alert still fires.
    ack_warning: timedelta = timedelta(minutes=10)
    # Alert `severity` label -> incident severity, for promoting an alert to an incident.
    severity_map: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_MAP))


@dataclass(frozen=True)
class Config:
    path: Path | None
    oncall: OnCall = field(default_factory=OnCall)
    prometheus: Endpoint | None = None
    alertmanager: Endpoint | None = None
    slos: tuple[SloDefinition, ...] = ()
    probes: tuple[ProbeConfig, ...] = ()
    runbook_dirs: tuple[Path, ...] = ()
    # A runbook command step is killed after this long.
    runbook_timeout: timedelta = timedelta(minutes=5)
    burn_rows: tuple[BurnRow, ...] = WORKBOOK_ROWS
    # No writes to outside systems (ack, silence, expire) and no runbook commands.
    read_only: bool = False
    plugins: Mapping[str, PluginSettings] = field(default_factory=dict)
    # [keys]: action id -> key(s), e.g. {"toggle_pause": "space"}; see cockpit/keymap.py.
    keys: Mapping[str, str] = field(default_factory=dict)
    handoff: HandoffConfig = field(default_factory=HandoffConfig)
    # [severity.SevN]: first-response target and status-update cadence per severity.
    severity_policies: Mapping[str, SeverityPolicy] = field(
        default_factory=lambda: dict(DEFAULT_POLICIES)
    )
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    # [notebook] url: the team's notebook on PostgreSQL; None: the local SQLite file.
    notebook_url: str | None = None
    record: RecordConfig = field(default_factory=RecordConfig)
    # Every Alertmanager cluster and Prometheus server ([[alertmanager]], [[prometheus]]);
    # ``alertmanager`` and ``prometheus`` above are the first of each (see __post_init__).
    alertmanagers: tuple[Endpoint, ...] = ()
    prometheus_servers: tuple[Endpoint, ...] = ()

    def __post_init__(self) -> None:
        # Either form may be given: the lists, or (older code and tests) the single one,
        # which becomes the first of its list. None means "the first of the list", so
        # `replace(config, prometheus=None)` alone removes nothing: clear the list too.
        for one, many in (("alertmanager", "alertmanagers"), ("prometheus", "prometheus_servers")):
            first: Endpoint | None = getattr(self, one)
            listed: tuple[Endpoint, ...] = getattr(self, many)
            if first is not None and (not listed or listed[0] != first):
                listed = (first, *(e for e in listed if e.name != first.name))
            object.__setattr__(self, many, listed)
            object.__setattr__(self, one, listed[0] if listed else None)

    def alertmanager_named(self, name: str) -> Endpoint | None:
        """The Alertmanager cluster called ``name``; "" is the first."""
        return _named(self.alertmanagers, name)

    def prometheus_named(self, name: str) -> Endpoint | None:
        """The Prometheus server called ``name``; "" is the first."""
        return _named(self.prometheus_servers, name)

    def unknown_cluster(self, name: str) -> str | None:
        """Why ``name`` names no Alertmanager cluster, or None when it names one ("" names
        none and asks for none: None)."""
        if not name or self.alertmanager_named(name) is not None:
            return None
        known = ", ".join(self.clusters) or "none"
        return f"no Alertmanager cluster is named {name!r} (the config has {known})"

    @property
    def clusters(self) -> tuple[str, ...]:
        """The Alertmanager clusters' names, in the config's order."""
        return tuple(e.name for e in self.alertmanagers)


def _named(endpoints: tuple[Endpoint, ...], name: str) -> Endpoint | None:
    if not name:
        return endpoints[0] if endpoints else None
    return next((e for e in endpoints if e.name == name), None)
