"""Small typed readers over parsed TOML that collect problems instead of raising.

Each reader returns a usable default after recording a problem, so one pass over
the file reports every mistake with its key path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from cockpit.config_types import SecretRef
from cockpit.model.durations import parse_duration

SECRET_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Keys that would put a secret's value in the file; the config only names secrets.
_SECRET_VALUE_KEYS = {"password", "token", "bearer_token", "api_key", "apikey"}
_SECRET_HEADERS = {"authorization", "proxy-authorization", "x-api-key", "api-key", "x-auth-token"}


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        return f"{where}: {self.reason}"


class ConfigError(Exception):
    """The config file has problems; ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _type_name(value: object) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}
    names |= {list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)


class Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, key: str, reason: str) -> None:
        self.problems.append(Problem(self.file, key, reason))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ConfigError(self.problems)

    def table(self, raw: object, key: str, allowed: Iterable[str]) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            self.problem(key, f"expected a table, got {_type_name(raw)}")
            return {}
        allowed_set = set(allowed)
        for name in raw:
            if name in _SECRET_VALUE_KEYS:
                self.problem(
                    _join(key, name),
                    'secrets are not stored in the config: write `secret = "NAME"` and run '
                    "`cockpit secret set NAME` (or set COCKPIT_SECRET_NAME)",
                )
            elif name not in allowed_set:
                known = ", ".join(sorted(allowed_set))
                self.problem(_join(key, name), f"unknown key; known keys here: {known}")
        return raw

    def array_of_tables(self, table: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        raw = table.get(key, [])
        if not isinstance(raw, list):
            self.problem(key, f"expected an array of tables ([[{key}]]), got {_type_name(raw)}")
            return []
        items = []
        for i, item in enumerate(raw):
            if isinstance(item, Mapping):
                items.append(item)
            else:
                self.problem(f"{key}[{i}]", f"expected a table, got {_type_name(item)}")
        return items

    def _get(self, table: Mapping[str, Any], prefix: str, key: str, required: bool) -> Any:
        if key not in table:
            if required:
                self.problem(_join(prefix, key), "required key is missing")
            return None
        return table[key]

    def string(
        self,
        table: Mapping[str, Any],
        prefix: str,
        key: str,
        *,
        default: str = "",
        required: bool = False,
    ) -> str:
        value = self._get(table, prefix, key, required)
        if value is None:
            return default
        if not isinstance(value, str):
            self.problem(_join(prefix, key), f"expected a string, got {_type_name(value)}")
            return default
        if required and not value.strip():
            self.problem(_join(prefix, key), "must not be empty")
            return default
        return value

    def boolean(self, table: Mapping[str, Any], prefix: str, key: str, *, default: bool) -> bool:
        value = self._get(table, prefix, key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(_join(prefix, key), f"expected true or false, got {_type_name(value)}")
            return default
        return value

    def number(
        self, table: Mapping[str, Any], prefix: str, key: str, *, required: bool = False
    ) -> float | None:
        value = self._get(table, prefix, key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(_join(prefix, key), f"expected a number, got {_type_name(value)}")
            return None
        try:
            return float(value)
        except OverflowError:  # a YAML integer (SLO import files) has no size limit
            self.problem(_join(prefix, key), "number too large")
            return None

    def integer(
        self, table: Mapping[str, Any], prefix: str, key: str, *, default: int, minimum: int
    ) -> int:
        value = self._get(table, prefix, key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(_join(prefix, key), f"expected an integer, got {_type_name(value)}")
            return default
        if value < minimum:
            self.problem(_join(prefix, key), f"must be at least {minimum}, got {value}")
            return default
        return value

    def duration(
        self, table: Mapping[str, Any], prefix: str, key: str, *, default: timedelta
    ) -> timedelta:
        value = self._get(table, prefix, key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(
                _join(prefix, key), f'expected a duration like "30s", got {_type_name(value)}'
            )
            return default
        try:
            parsed = parse_duration(str(value))
        except ValueError as exc:
            self.problem(_join(prefix, key), str(exc))
            return default
        if parsed <= timedelta(0):
            self.problem(_join(prefix, key), "must be longer than zero")
            return default
        return parsed

    def str_list(self, table: Mapping[str, Any], prefix: str, key: str) -> list[str]:
        value = self._get(table, prefix, key, False)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(_join(prefix, key), "expected an array of strings")
            return []
        return list(value)

    def url(
        self,
        table: Mapping[str, Any],
        prefix: str,
        key: str,
        *,
        required: bool = False,
        schemes: tuple[str, ...] = ("http", "https"),
    ) -> str | None:
        value = self.string(table, prefix, key, required=required)
        if not value:
            return None
        try:
            parts = urlsplit(value)
        except ValueError as exc:  # "http://[::1": an unclosed IPv6 bracket
            self.problem(_join(prefix, key), f"{value!r} is not a URL: {exc}")
            return None
        if parts.username or parts.password:
            # Not echoing the value: it holds a password.
            self.problem(
                _join(prefix, key),
                'credentials in the URL are not allowed: use auth = { type = "basic", '
                'username = ..., secret = "NAME" } and `cockpit secret set NAME`',
            )
            return None
        if parts.scheme not in schemes or not parts.hostname:
            wanted = " or ".join(f"{s}://" for s in schemes)
            self.problem(
                _join(prefix, key), f"{value!r} is not a URL; write it like {wanted}host:port"
            )
            return None
        try:
            _ = parts.port
        except ValueError:
            self.problem(_join(prefix, key), f"{value!r} has an invalid port")
            return None
        return value

    def secret_name(self, table: Mapping[str, Any], prefix: str, key: str) -> str:
        name = self.string(table, prefix, key, required=True)
        if name and not SECRET_NAME.match(name):
            self.problem(
                _join(prefix, key),
                f"{name!r} is not a secret name (letters, digits and _; it becomes "
                "the env var COCKPIT_SECRET_<NAME>)",
            )
        return name

    def headers(self, table: Mapping[str, Any], prefix: str) -> Mapping[str, str | SecretRef]:
        raw = table.get("headers", {})
        key = _join(prefix, "headers")
        if not isinstance(raw, Mapping):
            self.problem(key, f"expected a table of header names to values, got {_type_name(raw)}")
            return {}
        headers: dict[str, str | SecretRef] = {}
        for name, value in raw.items():
            if isinstance(value, str) and name.lower() in _SECRET_HEADERS:
                self.problem(
                    f"{key}.{name}",
                    'this header carries a secret: write { secret = "NAME", prefix = '
                    '"Bearer " } and run `cockpit secret set NAME`',
                )
            elif isinstance(value, str):
                headers[name] = value
            elif isinstance(value, Mapping):
                ref = self.table(value, f"{key}.{name}", {"secret", "prefix"})
                secret = self.secret_name(ref, f"{key}.{name}", "secret")
                headers[name] = SecretRef(secret, self.string(ref, f"{key}.{name}", "prefix"))
            else:
                self.problem(
                    f"{key}.{name}", 'expected a string or { secret = "NAME", prefix = "" }'
                )
        return headers

    def unique(self, names: list[str], section: str, key: str) -> None:
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                self.problem(
                    f"{section}[{i}].{key}", f"{name!r} is used twice; names must be unique"
                )
            seen.add(name)
