"""Alertmanager matchers: ``severity="critical"``, ``service=~"api|web"``, ``!=``, ``!~``.

Parsed here, before anything is sent, so a typo is refused with the position of the error
instead of becoming a silence that matches nothing (or everything).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = ("=~", "!~", "!=", "=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_UNQUOTED_END = set(' \t,{}"')


class MatcherError(ValueError):
    """A matcher that cannot be read; ``position`` is the 1-based column of the problem."""

    def __init__(self, text: str, position: int, reason: str) -> None:
        self.text = text
        self.position = position
        self.reason = reason
        super().__init__(f"{reason} at position {position} in {text!r}")


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str
    value: str

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown matcher operator {self.op!r}")
        if self.is_regex:
            try:
                re.compile(self.value)
            except re.error as exc:
                raise ValueError(f"{self.name}{self.op}: bad regular expression: {exc}") from None

    @property
    def is_regex(self) -> bool:
        return "~" in self.op

    @property
    def is_equal(self) -> bool:
        return not self.op.startswith("!")

    def matches(self, labels: Mapping[str, str]) -> bool:
        # A missing label is the empty string, as in Alertmanager.
        value = labels.get(self.name, "")
        hit = re.fullmatch(self.value, value) is not None if self.is_regex else value == self.value
        return hit == self.is_equal

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.name}{self.op}"{escaped}"'

    def to_api(self) -> dict[str, Any]:
        """The shape of Alertmanager API v2's ``matchers`` items."""
        return {
            "name": self.name,
            "value": self.value,
            "isRegex": self.is_regex,
            "isEqual": self.is_equal,
        }

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Matcher:
        regex = bool(raw.get("isRegex"))
        equal = raw.get("isEqual", True) is not False
        op = ("=~" if regex else "=") if equal else ("!~" if regex else "!=")
        return cls(str(raw.get("name", "")), op, str(raw.get("value", "")))


def exact(labels: Mapping[str, str]) -> tuple[Matcher, ...]:
    """Matchers for exactly this label set (an ack silence)."""
    return tuple(Matcher(k, "=", v) for k, v in sorted(labels.items()))


def matches_all(matchers: tuple[Matcher, ...] | list[Matcher], labels: Mapping[str, str]) -> bool:
    return all(m.matches(labels) for m in matchers)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, reason: str, at: int | None = None) -> MatcherError:
        return MatcherError(self.text, (self.pos if at is None else at) + 1, reason)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek_matcher(self) -> bool:
        """Is a label name followed by an operator here?"""
        match = _NAME.match(self.text, self.pos)
        if match is None:
            return False
        rest = self.text[match.end() :].lstrip(" \t")
        return any(rest.startswith(op) for op in OPERATORS)

    def matcher(self) -> Matcher:
        start = self.pos
        match = _NAME.match(self.text, self.pos)
        if match is None:
            raise self.fail("expected a label name (letters, digits, _; not starting with a digit)")
        name = match.group(0)
        self.pos = match.end()
        self.skip_space()
        op = next((o for o in OPERATORS if self.text.startswith(o, self.pos)), None)
        if op is None:
            raise self.fail(f"expected one of {', '.join(OPERATORS)} after {name!r}")
        self.pos += len(op)
        self.skip_space()
        value = self.quoted() if self.text.startswith('"', self.pos) else self.unquoted()
        try:
            return Matcher(name, op, value)
        except ValueError as exc:
            raise self.fail(str(exc), start) from None

    def quoted(self) -> str:
        opened = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                if self.pos + 1 >= len(self.text):
                    break
                nxt = self.text[self.pos + 1]
                out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
                self.pos += 2
                continue
            if char == '"':
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1
        raise self.fail('unterminated quoted value (missing closing ")', opened)

    def unquoted(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _UNQUOTED_END:
            self.pos += 1
        if self.pos == start:
            raise self.fail('expected a value, e.g. "critical"')
        return self.text[start : self.pos]


def parse_matchers(text: str) -> tuple[Matcher, ...]:
    """``{a="b", c=~"d"}``, ``a="b",c!=d`` or ``a=b c=d``; nothing else is allowed."""
    reader = _Reader(text)
    reader.skip_space()
    braced = reader.text.startswith("{", reader.pos)
    if braced:
        reader.pos += 1
    found: list[Matcher] = []
    while True:
        reader.skip_space()
        if braced and reader.text.startswith("}", reader.pos):
            reader.pos += 1
            reader.skip_space()
            if not reader.at_end():
                raise reader.fail("unexpected text after the closing }")
            break
        if reader.at_end():
            if braced:
                raise reader.fail("missing closing }")
            break
        found.append(reader.matcher())
        end = reader.pos
        reader.skip_space()
        if reader.pos == end and not reader.at_end() and reader.text[end] not in ",}":
            raise reader.fail("expected a comma or space between matchers")
        if reader.text.startswith(",", reader.pos):
            reader.pos += 1
    if not found:
        raise MatcherError(text, 1, 'no matcher given; write one like severity="critical"')
    return tuple(found)


@dataclass(frozen=True)
class AlertFilter:
    """What the alerts pane filter holds: matchers plus words of free text, and (karma's
    ``@cluster=name``) matchers on the Alertmanager cluster an alert came from."""

    matchers: tuple[Matcher, ...] = ()
    words: tuple[str, ...] = ()
    clusters: tuple[Matcher, ...] = ()  # each named "cluster", matched on the cluster's name

    @property
    def empty(self) -> bool:
        return not self.matchers and not self.words and not self.clusters

    def keeps_cluster(self, cluster: str) -> bool:
        return not self.clusters or matches_all(self.clusters, {CLUSTER: cluster})

    def matches(self, labels: Mapping[str, str], text: str, cluster: str = "") -> bool:
        if not matches_all(self.matchers, labels) or not self.keeps_cluster(cluster):
            return False
        lowered = text.lower()
        return all(word in lowered for word in self.words)

    def __str__(self) -> str:
        clusters = (f"@{m}" for m in self.clusters)
        return " ".join([*clusters, *(str(m) for m in self.matchers), *self.words])


CLUSTER = "cluster"  # @cluster=name in a filter


def parse_filter(text: str) -> AlertFilter:
    """Matchers where a label name and operator start a token, free text otherwise.

    ``severity="critical" redis`` keeps critical alerts that mention redis. A token that
    starts like a matcher but is broken is an error, not free text.
    """
    reader = _Reader(text)
    matchers: list[Matcher] = []
    clusters: list[Matcher] = []
    words: list[str] = []
    while True:
        reader.skip_space()
        while reader.text.startswith((",", "{", "}"), reader.pos):
            reader.pos += 1
            reader.skip_space()
        if reader.at_end():
            break
        if reader.text.startswith("@", reader.pos):
            clusters.append(_cluster_matcher(reader))
            continue
        if reader.peek_matcher():
            matchers.append(reader.matcher())
            continue
        start = reader.pos
        while not reader.at_end() and reader.text[reader.pos] not in " \t":
            reader.pos += 1
        word = reader.text[start : reader.pos]
        if any(op in word for op in ("=~", "!~", "!=")) or '="' in word:
            raise reader.fail("this looks like a matcher but the label name is not valid", start)
        words.append(word.lower())
    return AlertFilter(tuple(matchers), tuple(words), tuple(clusters))


def _cluster_matcher(reader: _Reader) -> Matcher:
    """``@cluster=eu`` (any operator): the only ``@`` name the filter knows."""
    start = reader.pos
    reader.pos += 1
    if not reader.text.startswith(CLUSTER, reader.pos) or not reader.peek_matcher():
        raise reader.fail("after @ the filter knows only cluster, as in @cluster=eu", start)
    found = reader.matcher()
    if found.name != CLUSTER:
        raise reader.fail("after @ the filter knows only cluster, as in @cluster=eu", start)
    return found
