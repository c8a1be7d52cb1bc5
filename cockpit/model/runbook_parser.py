"""Parse and lint runbook Markdown (the format is described in ``cockpit.model.runbooks``).

The token walk over markdown-it's stream lives here, apart from the runbook types, so
each module stays small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING

from cockpit.model.runbooks import (
    FENCE_KINDS,
    KNOWN_KEYS,
    LABEL_REF,
    OPERATORS,
    PLACEHOLDER,
    Expectation,
    LintProblem,
    Runbook,
    RunbookError,
    Step,
    StepKind,
)

if TYPE_CHECKING:
    from markdown_it.token import Token

_PROBE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_RUNBOOK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SEVERITY = re.compile(r"sev-?([1-4])", re.IGNORECASE)
_MARKERS = ("[ ]", "[x]", "[X]")


def parse_runbook(text: str, source: str) -> Runbook:
    runbook, problems = parse_and_lint(text, source)
    if runbook is None:
        raise RunbookError(problems)
    return runbook


def lint_runbook(text: str, source: str) -> list[LintProblem]:
    return parse_and_lint(text, source)[1]


def parse_and_lint(text: str, source: str) -> tuple[Runbook | None, list[LintProblem]]:
    """Both at once: the runbook (None when unusable) and every problem, sorted by line."""
    parser = _Parser(source)
    runbook = parser.run(text)
    return runbook, sorted(parser.problems, key=lambda p: p.line)


FrontValue = str | tuple[str, ...]
Front = dict[str, tuple[FrontValue, int]]


@dataclass
class _Draft:
    """A task-list item while its tokens are collected."""

    line: int
    phase: str | None
    title: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parts: list[tuple[StepKind, str, int]] = field(default_factory=list)  # (kind, text, line)
    expects: list[tuple[str, int]] = field(default_factory=list)
    paragraphs: int = 0


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[LintProblem] = []
        self.usable = True
        self.offset = 0  # lines before the Markdown body, to turn token lines into file lines

    def report(self, line: int, message: str, *, fatal: bool = False) -> None:
        self.problems.append(LintProblem(self.source, line, message))
        self.usable = self.usable and not fatal

    def run(self, text: str) -> Runbook | None:
        lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        front, body_start = self.front_matter(lines)
        if body_start is None:
            return None
        self.offset = body_start
        # Read at the first runbook parsed: a cockpit that opens none never loads it.
        from markdown_it import MarkdownIt

        tokens = MarkdownIt("commonmark").parse("\n".join(lines[body_start:]))
        heading, first_section, drafts = self.walk(tokens)
        steps = tuple(self.build(i, d) for i, d in enumerate(drafts))
        if not steps:
            hint = "a step is a task-list item such as '- [ ] Check ...'"
            self.report(1, f"no steps: {hint}", fatal=True)
        name = self.scalar(front, "name") or PurePath(self.source).stem
        if "name" in front and not _RUNBOOK_NAME.fullmatch(name):
            self.report(front["name"][1], f"name {name!r} is not letters, digits, '.', '_', '-'")
        title = self.scalar(front, "title") or (heading[0] if heading else "")
        if not title:
            self.report(1, "missing title: set 'title:' or start with a '# ' heading")
        severity = self.scalar(front, "severity") or None
        if severity is not None:
            match = _SEVERITY.fullmatch(severity)
            if match:
                severity = f"Sev{match.group(1)}"
            else:
                self.report(front["severity"][1], f"severity {severity!r} is not Sev1..Sev4")
        start = heading[1] if heading and heading[1] <= first_section else 0
        description = "\n".join(lines[body_start + start : body_start + first_section]).strip()
        if not self.usable:
            return None
        return Runbook(
            name=name,
            title=title or name,
            alerts=self.items(front, "alerts"),
            components=self.items(front, "components"),
            severity=severity,
            description=description,
            steps=steps,
            source=self.source,
        )

    def front_matter(self, lines: list[str]) -> tuple[Front, int | None]:
        """The fields with their lines, and the index of the first body line (None: broken)."""
        if lines[0].strip() != "---":
            return {}, 0
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            self.report(1, "front matter opened on line 1 is never closed with '---'", fatal=True)
            return {}, None
        fields: Front = {}
        for i in range(1, end):
            raw, line = lines[i].strip(), i + 1
            if not raw or raw.startswith("#"):
                continue
            key, colon, value = (part.strip() for part in raw.partition(":"))
            if not colon or not key:
                self.report(line, f"front matter line is not 'key: value': {raw!r}", fatal=True)
            elif key not in KNOWN_KEYS:
                known = ", ".join(KNOWN_KEYS)
                self.report(line, f"unknown front-matter key {key!r} (known: {known})")
            elif key in fields:
                self.report(line, f"{key!r} is set twice; the first value is kept")
            elif value.startswith("[") and not value.endswith("]"):
                self.report(line, f"the list for {key!r} is not closed with ']'", fatal=True)
            elif value.startswith("["):
                items = (_unquote(v) for v in value[1:-1].split(","))
                fields[key] = (tuple(v for v in items if v), line)
            else:
                fields[key] = (_unquote(value), line)
        return fields, end + 1

    def scalar(self, front: Front, key: str) -> str:
        value, line = front.get(key, ("", 1))
        if isinstance(value, tuple):
            self.report(line, f"{key!r} takes one value, not a list")
            return ""
        return value

    @staticmethod
    def items(front: Front, key: str) -> tuple[str, ...]:
        value = front.get(key, ((), 1))[0]
        return value if isinstance(value, tuple) else ((value,) if value else ())

    def walk(self, tokens: list[Token]) -> tuple[tuple[str, int] | None, int, list[_Draft]]:
        """First h1 (text, end line), the body line where sections start, and the steps."""
        heading: tuple[str, int] | None = None
        first_section: int | None = None
        phase: str | None = None
        drafts: list[_Draft] = []
        open_items: list[_Draft | None] = []  # one per open list item, None if not a task
        for i, tok in enumerate(tokens):
            begin = tok.map[0] if tok.map else 0
            owner = next((d for d in reversed(open_items) if d is not None), None)
            if tok.type == "heading_open":
                text = tokens[i + 1].content.strip()
                if tok.tag == "h1" and heading is None:
                    heading = (text, tok.map[1] if tok.map else 0)
                if tok.tag in ("h1", "h2"):
                    phase = text if tok.tag == "h2" else None
                if tok.tag == "h2" and first_section is None:
                    first_section = begin
            elif tok.type == "list_item_open":
                draft = _task(tokens, i, self.offset + begin + 1, phase)
                open_items.append(draft)
                if draft is not None:
                    drafts.append(draft)
                    first_section = begin if first_section is None else first_section
            elif tok.type == "list_item_close":
                open_items.pop()
            elif tok.type == "fence":
                self.fence(owner, tok, self.offset + begin + 1)
            elif tok.type == "code_block" and owner is not None:
                hint = "use a fenced ```sh or ```promql block"
                self.report(self.offset + begin + 1, f"an indented code block never runs; {hint}")
            elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
                self.paragraph(owner, tok.content, self.offset + begin + 1)
        return heading, (first_section if first_section is not None else 1 << 30), drafts

    def fence(self, owner: _Draft | None, tok: Token, line: int) -> None:
        lang = (tok.info.split() or [""])[0].lower()
        kind = FENCE_KINDS.get(lang)
        if kind is None:
            return
        if owner is None:
            hint = "indent it under a '- [ ]' item"
            self.report(line, f"this {lang} block is not part of any step ({hint})")
            return
        owner.parts.append((kind, tok.content.strip("\n"), line))
        for match in PLACEHOLDER.finditer(tok.content):
            at = line + 1 + tok.content.count("\n", 0, match.start())
            if not match.group(2):
                self.report(at, f"placeholder {match.group(0)!r} is not closed with '}}}}'")
            elif LABEL_REF.fullmatch(match.group(1)) is None:
                hint = "only {{labels.NAME}} is supported"
                self.report(at, f"malformed placeholder {match.group(0)!r}: {hint}")

    def paragraph(self, owner: _Draft | None, content: str, line: int) -> None:
        texts = content.split("\n")
        if owner is not None and owner.paragraphs == 0:
            texts[0] = texts[0][3:].strip()  # drop the task marker
        for n, text in enumerate(texts):
            text, at = text.strip(), line + n
            directive = text.startswith(("expect:", "probe:"))
            if directive and owner is None:
                self.report(at, f"{text.split(':')[0]!r} line is not part of any step")
            elif directive and owner is not None and text.startswith("expect:"):
                owner.expects.append((text.removeprefix("expect:").strip(), at))
            elif directive and owner is not None:
                owner.parts.append(("probe", text.removeprefix("probe:").strip(), at))
            elif owner is not None and text:
                (owner.title if owner.paragraphs == 0 else owner.notes).append(text)
        if owner is not None:
            owner.paragraphs += 1

    def build(self, index: int, draft: _Draft) -> Step:
        title = " ".join(draft.title)
        if not title:
            self.report(draft.line, "step has no text after '[ ]'")
        kind: StepKind = "manual"
        text: str | None = None
        if draft.parts:
            kind, text, _ = draft.parts[0]
            for other, _, line in draft.parts[1:]:
                what = "another" if other == kind else f"a {other} as well as a"
                self.report(line, f"step holds {what} {kind}; only the first is used")
        if kind == "probe" and not _PROBE_NAME.fullmatch(text or ""):
            self.report(draft.parts[0][2], f"probe name {text!r} is not valid")
        expectation = None
        for n, (raw, line) in enumerate(draft.expects):
            if kind != "check":
                self.report(line, "'expect:' without a promql block in the same step")
                continue
            if n > 0:
                self.report(line, "step has more than one 'expect:' line; the first is used")
                continue
            try:
                expectation = Expectation.parse(raw)
            except ValueError as exc:
                self.report(line, f"'expect:' does not parse: {exc} (ops: {' '.join(OPERATORS)})")
        if kind == "check" and not draft.expects:
            self.report(draft.parts[0][2], "promql block has no 'expect: <op> <number>' line")
        return Step(
            index=index,
            title=title or f"Step {index + 1}",
            phase=draft.phase,
            kind=kind,
            command=text if kind == "command" else None,
            query=text if kind == "check" else None,
            expectation=expectation,
            probe=text if kind == "probe" else None,
            line=draft.line,
            note="\n\n".join(draft.notes),
        )


def _task(tokens: list[Token], i: int, line: int, phase: str | None) -> _Draft | None:
    """A draft when the list item at ``i`` starts with a task marker, else None."""
    if len(tokens) < i + 3 or tokens[i + 1].type != "paragraph_open":
        return None
    content = tokens[i + 2].content
    if content[:3] in _MARKERS and content[3:4] in ("", " ", "\t", "\n"):
        return _Draft(line=line, phase=phase)
    return None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
