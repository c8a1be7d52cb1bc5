"""Runbooks: Markdown checklists the on-call works through step by step.

The format::

    ---
    name: high-error-rate
    title: High error rate
    alerts: [HighErrorRate]
    components: [demo-api]
    severity: Sev2
    ---
    # High error rate

    Free text up to the first "## " heading or step: when it applies, symptoms.

    ## Triage
    - [ ] Check the current error ratio
      ```promql
      sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
      ```
      expect: < 0.01
    - [ ] Check the service is ready
      probe: ready
    - [ ] Look at recent deploys
      ```sh
      kubectl -n {{labels.namespace}} rollout history deploy/{{labels.service}}
      ```

Front matter is optional: ``key: value`` lines between two ``---`` lines, a value being a
plain string (surrounding quotes stripped) or a ``[a, b]`` list; blank lines and lines
starting with ``#`` are skipped. Keys: ``name`` (default: the file stem), ``title``
(default: the first ``# `` heading), ``alerts`` (alert names it answers), ``components``,
``severity`` (Sev1..Sev4, what to open an incident with).

Every task-list item (``- [ ] text`` or ``- [x] text``, any list marker) is a step, in
document order; the last ``## `` heading before it names its phase. What is indented
under the item decides its kind:

- a fenced ``sh`` / ``bash`` / ``shell`` block: a command step;
- a fenced ``promql`` block and an ``expect: <op> <number>`` line (ops ``<``, ``<=``,
  ``>``, ``>=``, ``==``, ``!=``): a check step (without ``expect:`` it is still a check,
  with no expectation, and lint complains);
- a ``probe: NAME`` line: a probe step, NAME being a configured health probe;
- none of these: a manual step.

The item's first paragraph is the step title; later text is its note. Fences in other
languages are shown, never run. When a step holds two kinds the first one wins.

Commands and queries reference alert labels as ``{{labels.NAME}}`` (``{{`` is reserved for
that). ``substitute`` fills them in; it raises ``MissingLabelsError``, a ValueError listing
every absent or empty label, and ValueError for a malformed placeholder. In a command a
value must be inert in every shell at any depth of nesting (``check_shell_value``): only
letters, digits and ``._:/@%+=,-``, at most 256 characters, not starting with ``-``;
any other value refuses the step with ``UnsafeValueError``.

``cockpit.model.runbook_parser`` holds the parser: ``lint_runbook`` reports every problem;
``parse_runbook`` raises RunbookError only when the file cannot be used at all (no steps,
broken front matter).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from cockpit.model.text import escape_char

StepKind = Literal["manual", "command", "check", "probe"]
Mode = Literal["plain", "shell", "promql"]

KNOWN_KEYS = ("name", "title", "alerts", "components", "severity")
FENCE_KINDS: dict[str, StepKind] = {
    "sh": "command", "bash": "command", "shell": "command", "promql": "check"
}  # fmt: skip

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip
_EXPECT = re.compile(r"(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
# An unclosed "{{" runs to the end of its line, so lint can point at the right line.
PLACEHOLDER = re.compile(r"\{\{([^\n]*?)(\}\}|$)", re.MULTILINE)
LABEL_REF = re.compile(r"\s*labels\.([A-Za-z_][A-Za-z0-9_]*)\s*")
# The only label values that go into a command: characters that mean nothing to any shell
# (sh, bash, zsh on the far side of ssh), to eval, xargs or a here-document, at any depth
# of nesting; bounded, and never starting with "-" (it would read as an option).
SHELL_SAFE_CHARS = "letters, digits and ._:/@%+=,-"
_SHELL_SAFE = re.compile(r"[A-Za-z0-9._:/@%+=,-]+")
SHELL_VALUE_LIMIT = 256


@dataclass(frozen=True)
class LintProblem:
    source: str
    line: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


class RunbookError(ValueError):
    """The file cannot be used as a runbook; ``problems`` says why (all lint problems)."""

    def __init__(self, problems: Sequence[LintProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(map(str, self.problems)) or "unusable runbook")


class MissingLabelsError(ValueError):
    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(f"missing alert label(s): {', '.join(self.missing)}")


@dataclass(frozen=True)
class Expectation:
    op: str
    value: float

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}")

    @classmethod
    def parse(cls, text: str) -> Expectation:
        """``"< 0.01"`` -> Expectation("<", 0.01); ValueError when it does not parse."""
        match = _EXPECT.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"expected '<op> <number>', got {text.strip()!r}")
        return cls(match.group(1), float(match.group(2)))

    def holds(self, value: float) -> bool:
        # NaN (e.g. 0/0 with no traffic) proves nothing, so it never passes a check.
        return not math.isnan(value) and OPERATORS[self.op](value, self.value)

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


@dataclass(frozen=True)
class Step:
    index: int  # 0-based position in Runbook.steps
    title: str
    phase: str | None
    kind: StepKind
    command: str | None
    query: str | None
    expectation: Expectation | None
    probe: str | None
    line: int  # 1-based line of the "- [ ]" item in the file
    note: str = ""  # text under the item after its first paragraph

    def command_for(self, labels: Mapping[str, str]) -> str | None:
        return None if self.command is None else substitute(self.command, labels, mode="shell")

    def query_for(self, labels: Mapping[str, str]) -> str | None:
        return None if self.query is None else substitute(self.query, labels, mode="promql")


@dataclass(frozen=True)
class Runbook:
    name: str
    title: str
    alerts: tuple[str, ...]
    components: tuple[str, ...]
    severity: str | None
    description: str
    steps: tuple[Step, ...]
    source: str

    @property
    def phases(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.phase for s in self.steps if s.phase))

    @property
    def labels_needed(self) -> tuple[str, ...]:
        """Alert labels the commands and queries reference, in order of first use."""
        names: dict[str, None] = {}
        for step in self.steps:
            for text in (step.command, step.query):
                names.update(dict.fromkeys(placeholders(text or "")))
        return tuple(names)


def placeholders(text: str) -> tuple[str, ...]:
    """Label names referenced as ``{{labels.NAME}}``, in order, without repeats."""
    names: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text):
        ref = LABEL_REF.fullmatch(match.group(1))
        if match.group(2) and ref:
            names[ref.group(1)] = None
    return tuple(names)


def substitute(text: str, labels: Mapping[str, str], *, mode: Mode = "plain") -> str:
    """Replace ``{{labels.NAME}}`` with the label's value.

    Raises MissingLabelsError naming every absent or empty label, and ValueError for a
    malformed placeholder. ``mode="shell"`` takes only values that are inert in every
    shell context, nested shells included (``check_shell_value``) and raises
    UnsafeValueError for any other. ``mode="promql"`` escapes values for a double-quoted
    string.
    """
    missing: dict[str, None] = {}
    malformed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        ref = LABEL_REF.fullmatch(match.group(1))
        if not match.group(2) or ref is None:
            malformed.append(match.group(0))
            return match.group(0)
        name = ref.group(1)
        value = labels.get(name, "")
        if not value:
            missing[name] = None
            return match.group(0)
        if mode == "shell":
            check_shell_value(name, value)
        if mode == "promql":
            return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return value

    result = PLACEHOLDER.sub(replace, text)
    if malformed:
        raise ValueError(f"malformed placeholder(s): {', '.join(malformed)}")
    if missing:
        raise MissingLabelsError(list(missing))
    return result


class UnsafeValueError(ValueError):
    """A label value that may not go into a command; the message names the label and the
    first offending character, shown escaped."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        super().__init__(
            f"label {name} {reason}: a command takes only {SHELL_SAFE_CHARS} (up to "
            f"{SHELL_VALUE_LIMIT} characters, not starting with -); run the step by hand "
            "and mark it done"
        )


def check_shell_value(name: str, value: str) -> None:
    """Raise UnsafeValueError unless ``value`` may stand anywhere in a command.

    Quoting for the place a placeholder stands protects one shell only: ``sh -c '...'``,
    ``bash -c``, ``eval``, ``ssh host ...``, ``kubectl exec ... --``, ``xargs`` and more
    parse the text again, and no scan of the template can know every command that does.
    So a value is never quoted into a command: it goes in as it is when every character
    is one that no shell, at any depth, reads as syntax, and is refused otherwise."""
    if len(value) > SHELL_VALUE_LIMIT:
        raise UnsafeValueError(name, f"is {len(value)} characters long")
    bad = _SHELL_SAFE.sub("", value)
    if bad:
        where = value.index(bad[0]) + 1
        raise UnsafeValueError(name, f"holds {_shown(bad[0])} (character {where})")
    if value.startswith("-"):
        raise UnsafeValueError(name, "starts with '-', which a command would read as an option")


def _shown(char: str) -> str:
    if char == " ":
        return "a space"
    if char == "'":
        return '"\'"'
    return f"'{char}'" if char.isprintable() and not char.isspace() else escape_char(char)
