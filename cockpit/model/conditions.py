"""Probe conditions in Gatus' small language.

    [STATUS] == 200                 [STATUS] == any(200, 503)
    [RESPONSE_TIME] < 500           (milliseconds; 500ms and 1.5s work too)
    [BODY].status == healthy        [BODY].dependencies.redis.status != unhealthy
    [CONNECTED] == true             (tcp:// probes)
    [CERTIFICATE_EXPIRATION] > 72h  (https:// probes; durations like 30d, 72h)

Parsing happens once, when the config is read; a mistake names the column. Evaluation is
pure and says which condition failed and with what value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cockpit.model.durations import parse_duration

OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
PLACEHOLDERS = ("STATUS", "RESPONSE_TIME", "BODY", "CONNECTED", "CERTIFICATE_EXPIRATION")
HOW = "write it like [STATUS] == 200, [RESPONSE_TIME] < 500 or [BODY].status == healthy"
_PLACEHOLDER = re.compile(r"\[([A-Z_]+)\]")
_PATH = re.compile(r"(?:\.[A-Za-z0-9_\-]+)+")
_OPERATOR = re.compile(r"\s*(==|!=|<=|>=|<|>)\s*")
_ANY = re.compile(r"^any\((?P<items>.*)\)$")


@dataclass(frozen=True)
class Condition:
    text: str
    placeholder: str
    path: tuple[str, ...]
    operator: str
    expected: tuple[str, ...]  # several when written as any(...)

    @property
    def about_body(self) -> bool:
        return self.placeholder == "BODY"


@dataclass(frozen=True)
class Observation:
    """What one probe request saw."""

    status: int | None = None
    response_time_ms: float | None = None
    body: Any = None
    connected: bool | None = None
    certificate_expires_in: timedelta | None = None


def _syntax_error(text: str, column: int, what: str) -> ValueError:
    return ValueError(f"{text!r} is not a condition (column {column}: {what}); {HOW}")


def parse_condition(text: str) -> Condition:
    source = text.strip()
    # Columns are counted in ``text`` as the user wrote it, leading spaces included.
    lead = len(text) - len(text.lstrip())
    placeholder = _PLACEHOLDER.match(source)
    if not placeholder:
        return _fail(text, lead + 1, "expected a placeholder such as [STATUS]")
    name = placeholder.group(1)
    if name not in PLACEHOLDERS:
        raise ValueError(f"unknown placeholder [{name}] in {text!r}; use one of {PLACEHOLDERS}")
    pos = placeholder.end()
    path_match = _PATH.match(source, pos)
    path: tuple[str, ...] = ()
    if path_match:
        if name != "BODY":
            raise ValueError(f"only [BODY] takes a path like [BODY].status, in {text!r}")
        path = tuple(p for p in path_match.group(0).split(".") if p)
        pos = path_match.end()
    operator = _OPERATOR.match(source, pos)
    if not operator:
        gap = len(source[pos:]) - len(source[pos:].lstrip())
        return _fail(text, lead + pos + gap + 1, f"expected one of {' '.join(OPERATORS)}")
    raw = source[operator.end() :].strip()
    if not raw:
        return _fail(text, lead + len(source) + 1, "expected a value after the operator")
    if raw[0] in "=<>!":
        # "===" or "<>" would otherwise parse as == "= 200": a probe that always fails.
        return _fail(text, lead + operator.end() + 1, "one operator only, then the value")
    any_match = _ANY.match(raw)
    if any_match:
        if operator.group(1) not in ("==", "!="):
            raise ValueError(f"any(...) works only with == or !=, in {text!r}")
        expected = tuple(i.strip() for i in any_match.group("items").split(",") if i.strip())
        if not expected:
            return _fail(text, lead + operator.end() + 1, "any() needs at least one value")
    else:
        expected = (raw,)
    condition = Condition(source, name, path, operator.group(1), expected)
    for value in expected:
        _check_value(condition, value)
    return condition


def _fail(text: str, column: int, what: str) -> Condition:
    raise _syntax_error(text, column, what)


def _check_value(condition: Condition, value: str) -> None:
    if condition.placeholder in ("RESPONSE_TIME", "CERTIFICATE_EXPIRATION"):
        try:
            _expected_number(condition, value)
        except ValueError as exc:
            raise ValueError(f"in {condition.text!r}: {exc}") from None


def _expected_number(condition: Condition, value: str) -> float:
    """RESPONSE_TIME compares milliseconds, CERTIFICATE_EXPIRATION seconds."""
    if condition.placeholder == "RESPONSE_TIME":
        try:
            return float(value)
        except ValueError:
            return parse_duration(value).total_seconds() * 1000
    return parse_duration(value).total_seconds()


def _actual(condition: Condition, seen: Observation) -> Any:
    if condition.placeholder == "STATUS":
        return seen.status
    if condition.placeholder == "RESPONSE_TIME":
        return seen.response_time_ms
    if condition.placeholder == "CONNECTED":
        return seen.connected
    if condition.placeholder == "CERTIFICATE_EXPIRATION":
        expires = seen.certificate_expires_in
        return None if expires is None else expires.total_seconds()
    value = seen.body
    for key in condition.path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _float(value: Any) -> float:
    """``float(value)``; a JSON integer past a float's range is infinite, past every bound."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def _compare(actual: Any, operator: str, expected: str | float) -> bool:
    if isinstance(actual, bool):
        actual = "true" if actual else "false"
    try:
        left: float | str = _float(actual)
        right: float | str = float(expected)
    except (TypeError, ValueError):
        left, right = str(actual), str(expected).strip("\"'")
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    if type(left) is not type(right):
        return False
    ordered = {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}  # type: ignore[operator]
    return ordered[operator]


def _shown(condition: Condition, actual: Any) -> str:
    if condition.placeholder == "CERTIFICATE_EXPIRATION":
        # One decimal: 71.5h must not read as a passing "72h".
        return f"{round(actual / 3600, 1):g}h"
    if condition.placeholder == "RESPONSE_TIME":
        return str(round(float(actual), 1))
    return str(actual)


def evaluate(condition: Condition, seen: Observation) -> str | None:
    """None when the condition holds, else why not (e.g. "[STATUS] == 200: got 503")."""
    actual = _actual(condition, seen)
    if actual is None:
        return f"{condition.text}: no value"
    expected: list[str | float] = list(condition.expected)
    if condition.placeholder in ("RESPONSE_TIME", "CERTIFICATE_EXPIRATION"):
        expected = [_expected_number(condition, e) for e in condition.expected]
    if condition.operator == "!=":
        holds = all(_compare(actual, "!=", e) for e in expected)
    else:
        holds = any(_compare(actual, condition.operator, e) for e in expected)
    return None if holds else f"{condition.text}: got {_shown(condition, actual)}"
