"""The config's tables for what the cockpit talks to: ``[prometheus]`` and
``[alertmanager]`` endpoints (URL, auth, TLS, headers, timeouts) and ``[[probe]]``
entries. Like the rest of the config, each reader collects its problems in the
``Checker`` instead of stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cockpit.config_checks import Checker
from cockpit.config_types import DEFAULT_NAME, Auth, Endpoint, ProbeConfig, Tls
from cockpit.model.conditions import parse_condition

# A cluster or server name: shown in a column and typed in filters and --cluster.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def parse_endpoints(
    check: Checker, key: str, raw: object, *, default_refresh: float
) -> tuple[Endpoint, ...]:
    """``[key]`` (one server) or ``[[key]]`` (several, each with a unique ``name``)."""
    if raw is None:
        return ()
    if isinstance(raw, list):
        items = check.array_of_tables({key: raw}, key)
        if not items:
            check.problem(key, f"an empty list: leave [[{key}]] out, or give it a url")
        several = len(items) > 1
        endpoints = tuple(
            endpoint
            for i, item in enumerate(items)
            if (
                endpoint := parse_endpoint(
                    check, f"{key}[{i}]", item, default_refresh=default_refresh,
                    name_required=several,
                )
            )
            is not None
        )  # fmt: skip
        names = [str(item["name"]) for item in items if "name" in item]
        check.unique(names, key, "name")
        return endpoints
    endpoint = parse_endpoint(check, key, raw, default_refresh=default_refresh)
    return () if endpoint is None else (endpoint,)


def parse_endpoint(
    check: Checker,
    key: str,
    raw: object,
    *,
    default_refresh: float,
    name_required: bool = False,
) -> Endpoint | None:
    if raw is None:
        return None
    keys = {"name", "url", "urls", "timeout", "refresh", "auth", "tls", "headers"}
    table = check.table(raw, key, keys)
    name = check.string(table, key, "name", required=name_required) or DEFAULT_NAME
    if not _NAME.match(name):
        check.problem(
            f"{key}.name", f"{name!r} is not a plain name (letters, digits, - _ and .; at most 40)"
        )
    urls = _urls(check, key, table)
    auth = None
    if "auth" in table:
        auth_table = check.table(table["auth"], f"{key}.auth", {"type", "secret", "username"})
        kind = check.string(auth_table, f"{key}.auth", "type", default="bearer")
        if kind not in ("bearer", "basic"):
            check.problem(f"{key}.auth.type", f"{kind!r} is not supported; use bearer or basic")
        secret = check.secret_name(auth_table, f"{key}.auth", "secret")
        username = check.string(auth_table, f"{key}.auth", "username", default="") or None
        if kind == "basic" and username is None:
            check.problem(f"{key}.auth.username", "basic auth needs a username")
        auth = Auth(kind=kind, secret=secret, username=username)
    tls = parse_tls(check, key, table)
    # Read every key before giving up on a bad url, so all problems are reported at once.
    timeout = check.duration(table, key, "timeout", default=timedelta(seconds=5))
    refresh = check.duration(table, key, "refresh", default=timedelta(seconds=default_refresh))
    headers = check.headers(table, key)
    if not urls:
        return None
    return Endpoint(
        url=urls[0],
        timeout=timeout,
        refresh=refresh,
        auth=auth,
        tls=tls,
        headers=headers,
        name=name,
        urls=urls if len(urls) > 1 else (),
    )


def _urls(check: Checker, key: str, table: Mapping[str, Any]) -> tuple[str, ...]:
    """``url = "..."`` or ``urls = ["...", "..."]`` (an HA pair's peers): exactly one."""
    if "urls" not in table:
        url = check.url(table, key, "url", required=True)
        return () if url is None else (url.rstrip("/"),)
    if "url" in table:
        check.problem(
            f"{key}.urls", "give either url (one server) or urls (its HA peers), not both"
        )
        return ()
    raw = check.str_list(table, key, "urls")
    if not raw:
        if isinstance(table["urls"], list):
            check.problem(f"{key}.urls", "an empty list: give at least one URL")
        return ()
    urls = []
    for i, text in enumerate(raw):
        url = check.url({f"urls[{i}]": text}, key, f"urls[{i}]", required=True)
        if url is not None:
            urls.append(url.rstrip("/"))
    if len(set(urls)) < len(urls):
        check.problem(f"{key}.urls", "a URL is listed twice")
        return ()
    return tuple(urls) if len(urls) == len(raw) else ()


def parse_tls(check: Checker, key: str, table: Mapping[str, Any]) -> Tls:
    """``tls = { verify, ca_file, cert_file, key_file }``; the files are read when the
    client is built, so a missing one is a source error then (and in `cockpit doctor`)."""
    allowed = {"verify", "ca_file", "cert_file", "key_file"}
    tls_table = check.table(table.get("tls", {}), f"{key}.tls", allowed)
    files: dict[str, Path | None] = {}
    for name in ("ca_file", "cert_file", "key_file"):
        text = check.string(tls_table, f"{key}.tls", name, default="")
        files[name] = Path(text).expanduser() if text else None
    if files["key_file"] is not None and files["cert_file"] is None:
        check.problem(f"{key}.tls.key_file", "a key_file needs its cert_file")
    verify = check.boolean(tls_table, f"{key}.tls", "verify", default=True)
    return Tls(verify, files["ca_file"], files["cert_file"], files["key_file"])


def parse_probe(
    check: Checker, key: str, raw: Mapping[str, Any], plugin_schemes: tuple[str, ...] = ()
) -> ProbeConfig | None:
    keys = {
        "name", "url", "method", "interval", "timeout", "conditions", "headers", "component",
        "failure_threshold", "success_threshold", "degraded_ok", "tls", "cluster",
    }  # fmt: skip
    table = check.table(raw, key, keys)
    name = check.string(table, key, "name", required=True)
    schemes = ("http", "https", "tcp", *plugin_schemes)
    url = check.url(table, key, "url", required=True, schemes=schemes)
    # A plugin's probe kind brings its own default conditions.
    from_plugin = url is not None and urlsplit(url).scheme in plugin_schemes
    conditions = check.str_list(table, key, "conditions") or (
        [] if from_plugin else ["[STATUS] == 200"]
    )
    for i, text in enumerate(conditions):
        try:
            parse_condition(text)
        except ValueError as exc:
            check.problem(f"{key}.conditions[{i}]", str(exc))
    failure = check.integer(table, key, "failure_threshold", default=3, minimum=1)
    success = check.integer(table, key, "success_threshold", default=2, minimum=1)
    method = check.string(table, key, "method", default="GET").upper()
    interval = check.duration(table, key, "interval", default=timedelta(seconds=10))
    timeout = check.duration(table, key, "timeout", default=timedelta(seconds=2))
    headers = check.headers(table, key)
    component = check.string(table, key, "component", default="")
    degraded_ok = check.boolean(table, key, "degraded_ok", default=False)
    tls = parse_tls(check, key, table)
    cluster = check.string(table, key, "cluster", default="")
    if url is not None and url.startswith("tcp://") and urlsplit(url).port is None:
        check.problem(f"{key}.url", f"{url!r} needs a port, like tcp://db.internal:5432")
        url = None
    if not name or url is None:
        return None
    return ProbeConfig(
        name=name,
        url=url,
        method=method,
        interval=interval,
        timeout=timeout,
        conditions=tuple(conditions),
        headers=headers,
        component=component,
        failure_threshold=failure,
        success_threshold=success,
        degraded_ok=degraded_ok,
        tls=tls,
        cluster=cluster,
    )
