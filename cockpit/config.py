"""The typed cockpit configuration, read from one TOML file (the types are in
``config_types.py``, the endpoint and probe tables in ``config_endpoints.py``).

Loading never stops at the first mistake: every problem is collected with the
file, the key and the reason, so ``cockpit config validate`` can list them all.
Secrets are never values in this file, only names (``secret = "PROM_TOKEN"``)
that ``cockpit.secrets`` resolves from the keyring or the environment.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cockpit.config_checks import Checker, ConfigError, Problem
from cockpit.config_endpoints import parse_endpoints, parse_probe
from cockpit.config_types import (
    DEFAULT_SEVERITY_MAP,
    AlertsConfig,
    Auth,
    Config,
    Endpoint,
    HandoffConfig,
    OnCall,
    PluginSettings,
    ProbeConfig,
    RecordConfig,
    SecretRef,
    Tls,
)
from cockpit.keymap import ACTIONS, check_keymap
from cockpit.model.checklist import parse_item
from cockpit.model.handoff import WEEKDAYS
from cockpit.model.incident_clocks import DEFAULT_POLICIES, SeverityPolicy
from cockpit.model.notebook_url import is_url
from cockpit.model.slo import WORKBOOK_ROWS, BurnRow
from cockpit.model.slo_definition import SLI_KINDS, SloDefinition
from cockpit.slo_files import load_slo_files

# The types live in config_types.py (ConfigError in config_checks.py); callers keep
# importing them from here.
__all__ = [
    "DEFAULT_SEVERITY_MAP", "AlertsConfig", "Auth", "Config", "ConfigError", "Endpoint",
    "HandoffConfig", "OnCall", "PluginSettings", "ProbeConfig", "SecretRef", "Tls",
    "load", "parse",
]  # fmt: skip


def load(path: Path) -> Config:
    """Read and validate ``path``; a missing file is an empty config."""
    if not path.exists():
        return Config(path=None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([Problem(str(path), "", f"not valid TOML: {exc}")]) from exc
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ConfigError([Problem(str(path), "", "not valid TOML: nested too deeply")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(path), "", f"cannot read the file: {exc}")]) from exc
    return parse(data, path)


def parse(data: Mapping[str, Any], path: Path) -> Config:
    check = Checker(str(path))
    root = check.table(
        data,
        "",
        {"oncall", "prometheus", "alertmanager", "slo", "slo_import", "probe", "runbooks",
         "burn_row", "read_only", "plugins", "keys", "handoff", "severity", "alerts",
         "notebook", "record"},
    )  # fmt: skip
    plugins = _plugins(check, root.get("plugins", {}))
    # A probe kind plugin's entry point name is its URL scheme.
    schemes = tuple(name for name, settings in plugins.items() if settings.enabled)
    oncall = _oncall(check, root.get("oncall", {}))
    prometheus_servers = parse_endpoints(
        check, "prometheus", root.get("prometheus"), default_refresh=30
    )
    alertmanagers = parse_endpoints(
        check, "alertmanager", root.get("alertmanager"), default_refresh=10
    )
    slo_tables = check.array_of_tables(root, "slo")
    probe_tables = check.array_of_tables(root, "probe")
    slos = tuple(
        slo
        for i, item in enumerate(slo_tables)
        if (slo := _slo(check, f"slo[{i}]", item, prometheus_servers)) is not None
    )
    probes = tuple(
        probe
        for i, item in enumerate(probe_tables)
        if (probe := parse_probe(check, f"probe[{i}]", item, schemes)) is not None
    )
    check.unique([str(t.get("name", "")) for t in slo_tables], "slo", "name")
    seen = {s.name for s in slos}
    for slo in _imported_slos(check, path, root.get("slo_import", {}), prometheus_servers):
        if slo.name in seen:
            check.problem("slo_import.files", f"SLO name {slo.name!r} is used twice")
            continue
        seen.add(slo.name)
        slos += (slo,)
    check.unique([str(t.get("name", "")) for t in probe_tables], "probe", "name")
    burn_rows = tuple(
        row
        for i, item in enumerate(check.array_of_tables(root, "burn_row"))
        if (row := _burn_row(check, f"burn_row[{i}]", item)) is not None
    )
    runbooks = check.table(root.get("runbooks", {}), "runbooks", {"dirs", "timeout"})
    dirs = check.str_list(runbooks, "runbooks", "dirs")
    runbook_timeout = check.duration(runbooks, "runbooks", "timeout", default=timedelta(minutes=5))
    read_only = check.boolean(root, "", "read_only", default=False)
    keys = _keys(check, root.get("keys", {}))
    handoff = _handoff(check, root.get("handoff", {}))
    severity_policies = _severity_policies(check, root.get("severity", {}))
    alerts = _alerts(check, root.get("alerts", {}))
    notebook_url = _notebook_url(check, root.get("notebook", {}))
    record = _record(check, root.get("record", {}))
    check.raise_if_any()
    return Config(
        path=path,
        oncall=oncall,
        prometheus_servers=prometheus_servers,
        alertmanagers=alertmanagers,
        slos=slos,
        probes=probes,
        runbook_dirs=tuple(_resolve(path, d) for d in dirs),
        runbook_timeout=runbook_timeout,
        burn_rows=burn_rows or WORKBOOK_ROWS,
        read_only=read_only,
        plugins=plugins,
        keys=keys,
        handoff=handoff,
        notebook_url=notebook_url,
        severity_policies=severity_policies,
        alerts=alerts,
        record=record,
    )


def _record(check: Checker, raw: object) -> RecordConfig:
    table = check.table(raw, "record", {"retention", "probe_samples_every"})
    defaults = RecordConfig()
    retention = check.duration(table, "record", "retention", default=defaults.retention)
    every = check.duration(
        table, "record", "probe_samples_every", default=defaults.probe_samples_every
    )
    if retention < timedelta(days=1):
        check.problem("record.retention", "keep at least 1d of samples (the default is 90d)")
    if every < timedelta(seconds=1):
        check.problem("record.probe_samples_every", "sample at most once a second (1s or more)")
    return RecordConfig(retention=retention, probe_samples_every=every)


def _alerts(check: Checker, raw: object) -> AlertsConfig:
    table = check.table(raw, "alerts", {"ack_duration", "ack_warning", "severity_map"})
    severity_map = dict(DEFAULT_SEVERITY_MAP)
    raw_map = table.get("severity_map", {})
    allowed = set(raw_map) if isinstance(raw_map, Mapping) else set()
    mapping = check.table(raw_map, "alerts.severity_map", allowed)
    for label, value in mapping.items():
        if value not in ("Sev1", "Sev2", "Sev3", "Sev4"):
            check.problem(f"alerts.severity_map.{label}", f"{value!r} is not Sev1..Sev4")
        else:
            severity_map[str(label)] = value
    return AlertsConfig(
        ack_duration=check.duration(table, "alerts", "ack_duration", default=timedelta(hours=1)),
        ack_warning=check.duration(table, "alerts", "ack_warning", default=timedelta(minutes=10)),
        severity_map=severity_map,
    )


def _keys(check: Checker, raw: object) -> dict[str, str]:
    """``[keys] action = "key"``: unknown actions and clashing keys are config errors."""
    table = check.table(raw, "keys", raw.keys() if isinstance(raw, Mapping) else ())
    if not table:
        return {}
    problems = check_keymap(ACTIONS, table)
    for action, reason in problems:
        check.problem(f"keys.{action}", reason)
    return {} if problems else {str(k): str(v) for k, v in table.items()}


def _plugins(check: Checker, raw: object) -> dict[str, PluginSettings]:
    plugins: dict[str, PluginSettings] = {}
    section = check.table(raw, "plugins", raw.keys() if isinstance(raw, Mapping) else ())
    for name, value in section.items():
        key = f"plugins.{name}"
        allowed = value.keys() if isinstance(value, Mapping) else ()
        table = check.table(value, key, allowed)  # refuses password/token keys
        enabled = check.boolean(table, key, "enabled", default=False)
        options = {k: v for k, v in table.items() if k != "enabled"}
        plugins[str(name)] = PluginSettings(enabled=enabled, options=options)
    return plugins


def _severity_policies(check: Checker, raw: object) -> dict[str, SeverityPolicy]:
    """`[severity.Sev1] respond_within = "15m"`, `update_every = "15m"` (or "none");
    a severity or key left out keeps its default (docs/domain.md, Severities)."""
    policies = dict(DEFAULT_POLICIES)
    table = check.table(raw, "severity", set(DEFAULT_POLICIES))
    for name, default in DEFAULT_POLICIES.items():
        if name not in table:
            continue
        key = f"severity.{name}"
        section = check.table(table[name], key, {"respond_within", "update_every"})
        respond = check.duration(section, key, "respond_within", default=default.respond_within)
        every: timedelta | None = default.update_every
        if section.get("update_every") == "none":
            every = None
        elif "update_every" in section:
            every = check.duration(section, key, "update_every", default=respond)
        policies[name] = SeverityPolicy(respond, every)
    return policies


def _burn_row(check: Checker, key: str, raw: Mapping[str, Any]) -> BurnRow | None:
    """A multi-window alert row: `severity`, `long`, `short`, `budget` (percent of the
    whole budget spent within `long`)."""
    table = check.table(raw, key, {"severity", "long", "short", "budget"})
    severity = check.string(table, key, "severity", default="page")
    if severity not in ("page", "ticket"):
        check.problem(f"{key}.severity", f"{severity!r} is not page or ticket")
    long = check.duration(table, key, "long", default=timedelta(hours=1))
    short = check.duration(table, key, "short", default=long / 12)
    budget = check.number(table, key, "budget", required=True)
    usable = budget is not None
    if budget is not None and not 0 < budget <= 100:
        check.problem(f"{key}.budget", f"{budget} is not a percentage of the budget (0-100]")
        usable = False
    if short >= long:
        check.problem(f"{key}.short", "the short window must be shorter than the long one")
        usable = False
    if not usable or budget is None:
        return None
    return BurnRow(severity, long, short, budget / 100)


def _imported_slos(
    check: Checker, path: Path, raw: object, servers: tuple[Endpoint, ...]
) -> tuple[SloDefinition, ...]:
    """SLOs from Sloth and OpenSLO files named in `[slo_import] files`; their problems name
    the YAML file and the key inside it."""
    table = check.table(raw, "slo_import", {"files"})
    files = [_resolve(path, f) for f in check.str_list(table, "slo_import", "files")]
    if not files:
        return ()
    imported, problems = load_slo_files(files)
    check.problems.extend(problems)
    slos = []
    for source, key, slo_table in imported:
        file_check = Checker(str(source))
        slo = _slo(file_check, key, slo_table, servers)
        check.problems.extend(file_check.problems)
        if slo is not None and not file_check.problems:
            slos.append(slo)
    return tuple(slos)


def _resolve(config_path: Path, value: str) -> Path:
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else config_path.parent / candidate


def _oncall(check: Checker, raw: object) -> OnCall:
    keys = {"me", "roster", "handoff_day", "handoff_time", "timezone", "rotation_start"}
    table = check.table(raw, "oncall", keys)
    day = check.string(table, "oncall", "handoff_day", default="friday").lower()
    if day not in WEEKDAYS:
        check.problem("oncall.handoff_day", f"{day!r} is not a weekday; use one of {WEEKDAYS}")
        day = "friday"
    at = check.string(table, "oncall", "handoff_time", default="17:00")
    try:
        handoff_time = time.fromisoformat(at)
    except ValueError:
        check.problem("oncall.handoff_time", f'{at!r} is not a time; write it like "17:00"')
        handoff_time = time(17, 0)
    zone = check.string(table, "oncall", "timezone", default="UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        check.problem(
            "oncall.timezone", f"unknown time zone {zone!r}; use a name like Europe/Berlin"
        )
        zone = "UTC"
    start = check.string(table, "oncall", "rotation_start", default="")
    rotation_start = None
    if start:
        try:
            rotation_start = date.fromisoformat(start)
        except ValueError:
            check.problem(
                "oncall.rotation_start", f'{start!r} is not a date; write it like "2026-01-02"'
            )
    return OnCall(
        me=check.string(table, "oncall", "me", default=""),
        roster=tuple(check.str_list(table, "oncall", "roster")),
        handoff_day=day,
        handoff_time=handoff_time,
        timezone=zone,
        rotation_start=rotation_start,
    )


def _handoff(check: Checker, raw: object) -> HandoffConfig:
    table = check.table(raw, "handoff", {"checklist"})
    if "checklist" not in table:
        return HandoffConfig()
    items = []
    for i, text in enumerate(check.str_list(table, "handoff", "checklist")):
        try:
            items.append(parse_item(text))
        except ValueError as exc:
            check.problem(f"handoff.checklist[{i}]", str(exc))
    return HandoffConfig(checklist=tuple(items))


def _slo(
    check: Checker, key: str, raw: Mapping[str, Any], servers: tuple[Endpoint, ...] = ()
) -> SloDefinition | None:
    keys = {
        "name", "service", "objective", "window", "sli", "good", "bad", "total",
        "metric", "threshold", "selector", "description", "prometheus",
    }  # fmt: skip
    table = check.table(raw, key, keys)
    name = check.string(table, key, "name", required=True)
    objective = check.number(table, key, "objective", required=True)
    if objective is not None and not 0 < objective < 100:
        check.problem(f"{key}.objective", f"{objective} is not a percentage between 0 and 100")
    kind = check.string(table, key, "sli", default="ratio")
    if kind not in SLI_KINDS:
        check.problem(f"{key}.sli", f"{kind!r} is not an SLI kind; use one of {SLI_KINDS}")
    good = check.string(table, key, "good", default="") or None
    bad = check.string(table, key, "bad", default="") or None
    total = check.string(table, key, "total", default="") or None
    metric = check.string(table, key, "metric", default="") or None
    threshold = check.number(table, key, "threshold")
    if kind == "ratio" and (total is None or (good is None) == (bad is None)):
        check.problem(key, "a ratio SLI needs `total` and exactly one of `good` or `bad`")
    for part, query in (("good", good), ("bad", bad), ("total", total)):
        if kind == "ratio" and query is not None and "{{window}}" not in query:
            check.problem(
                f"{key}.{part}", "no {{window}} placeholder: write the range as [{{window}}]"
            )
    if kind == "latency" and (metric is None or threshold is None):
        check.problem(key, "a latency SLI needs `metric` (a histogram) and `threshold` (seconds)")
    service = check.string(table, key, "service", default="")
    window = check.duration(table, key, "window", default=timedelta(days=30))
    selector = check.string(table, key, "selector", default="")
    description = check.string(table, key, "description", default="")
    server = check.string(table, key, "prometheus", default="")
    if server and server not in {e.name for e in servers}:
        known = ", ".join(repr(e.name) for e in servers) or "none is configured"
        check.problem(f"{key}.prometheus", f"no [[prometheus]] is named {server!r} ({known})")
    if not name or objective is None:
        return None
    return SloDefinition(
        name=name,
        service=service,
        objective=objective,
        window=window,
        kind=kind,
        good=good,
        bad=bad,
        total=total,
        metric=metric,
        threshold=threshold,
        selector=selector,
        description=description,
        prometheus=server,
    )


def _notebook_url(check: Checker, raw: object) -> str | None:
    """``[notebook] url``: a postgresql:// URL, without a password (that goes in the
    keyring: ``cockpit secret set notebook``)."""
    table = check.table(raw, "notebook", {"url"})
    url = check.string(table, "notebook", "url", default="").strip()
    if not url:
        return None
    if not is_url(url):
        check.problem(
            "notebook.url",
            "must be a postgresql://user@host:5432/db URL (leave it out for the local file)",
        )
        return None
    try:
        parts = urlsplit(url)
        # libpq also takes the password as a query option (?password=...).
        password = parts.password or "password" in parse_qs(parts.query)
    except ValueError as exc:
        check.problem("notebook.url", f"not a URL: {exc}")
        return None
    if password:
        check.problem(
            "notebook.url",
            "holds a password: remove it and store it with `cockpit secret set notebook` "
            "(or COCKPIT_SECRET_NOTEBOOK)",
        )
        return None
    return url
