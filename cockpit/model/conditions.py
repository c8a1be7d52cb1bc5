"""Probe conditions in Gatus' small language: ``[STATUS] == 200``, ``[RESPONSE_TIME] < 500``,
``[BODY].status == healthy``, ``[STATUS] == any(200, 503)``, ``[CONNECTED] == true``.

Parsing happens once (config time); evaluation is pure and says which condition failed
and with what value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
PLACEHOLDERS = ("STATUS", "RESPONSE_TIME", "BODY", "CONNECTED")
_SYNTAX = re.compile(
    r"^\[(?P<ph>[A-Z_]+)\](?P<path>(?:\.[A-Za-z0-9_\-]+)*)\s*(?P<op>==|!=|<=|>=|<|>)\s*(?P<value>.+)$"
)
_ANY = re.compile(r"^any\((?P<items>.*)\)$")


@dataclass(frozen=True)
class Condition:
    text: str
    placeholder: str
    path: tuple[str, ...]
    operator: str
    expected: tuple[str, ...]  # several when written as any(...)


@dataclass(frozen=True)
class Observation:
    """What one probe request saw."""

    status: int | None = None
    response_time_ms: float | None = None
    body: Any = None
    connected: bool | None = None


def parse_condition(text: str) -> Condition:
    match = _SYNTAX.match(text.strip())
    if not match:
        raise ValueError(
            f"{text!r} is not a condition; write it like [STATUS] == 200, "
            "[RESPONSE_TIME] < 500 or [BODY].status == healthy"
        )
    placeholder = match.group("ph")
    if placeholder not in PLACEHOLDERS:
        raise ValueError(f"unknown placeholder [{placeholder}] in {text!r}; use {PLACEHOLDERS}")
    path = tuple(p for p in match.group("path").split(".") if p)
    if path and placeholder != "BODY":
        raise ValueError(f"only [BODY] takes a path like [BODY].status, in {text!r}")
    raw = match.group("value").strip()
    any_match = _ANY.match(raw)
    if any_match:
        if match.group("op") not in ("==", "!="):
            raise ValueError(f"any(...) works only with == or !=, in {text!r}")
        expected = tuple(
            item.strip() for item in any_match.group("items").split(",") if item.strip()
        )
    else:
        expected = (raw,)
    return Condition(text.strip(), placeholder, path, match.group("op"), expected)


def _actual(condition: Condition, seen: Observation) -> Any:
    if condition.placeholder == "STATUS":
        return seen.status
    if condition.placeholder == "RESPONSE_TIME":
        return seen.response_time_ms
    if condition.placeholder == "CONNECTED":
        return seen.connected
    value = seen.body
    for key in condition.path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _compare(actual: Any, operator: str, expected: str) -> bool:
    if isinstance(actual, bool):
        actual = "true" if actual else "false"
    try:
        left: float | str = float(actual)
        right: float | str = float(expected)
    except (TypeError, ValueError):
        left, right = str(actual), expected.strip("\"'")
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    if type(left) is not type(right):
        return False
    ordered = {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}  # type: ignore[operator]
    return ordered[operator]


def evaluate(condition: Condition, seen: Observation) -> str | None:
    """None when the condition holds, else why not (e.g. "[STATUS] == 200: got 503")."""
    actual = _actual(condition, seen)
    if actual is None:
        return f"{condition.text}: no value"
    if condition.operator == "!=":
        holds = all(_compare(actual, "!=", e) for e in condition.expected)
    else:
        holds = any(_compare(actual, condition.operator, e) for e in condition.expected)
    return None if holds else f"{condition.text}: got {actual}"
