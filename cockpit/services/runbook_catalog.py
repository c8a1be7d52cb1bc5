"""Find runbooks on disk: the bundled ones first, then the user's folders, later folders
overriding earlier ones by runbook name. Nothing here raises for a bad file: an unreadable
or broken runbook is still listed, with ``runbook=None`` and its problems, so the on-call
sees it is broken instead of silently getting another one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from cockpit.locations import bundled_runbooks_dir
from cockpit.model.runbook_parser import parse_and_lint
from cockpit.model.runbooks import LintProblem, Runbook

Origin = Literal["bundled", "user"]


@dataclass(frozen=True)
class RunbookEntry:
    name: str
    title: str
    path: Path
    origin: Origin
    runbook: Runbook | None
    problems: tuple[LintProblem, ...]


def load_file(path: Path, origin: Origin) -> RunbookEntry:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = LintProblem(str(path), 1, f"cannot read the file: {exc}")
        return RunbookEntry(path.stem, path.stem, path, origin, None, (problem,))
    runbook, problems = parse_and_lint(text, str(path))
    if runbook is None:
        # Without a parsed name, the file name is the best guess at what it meant to override.
        return RunbookEntry(path.stem, path.stem, path, origin, None, tuple(problems))
    return RunbookEntry(runbook.name, runbook.title, path, origin, runbook, tuple(problems))


def _markdown_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder] if folder.suffix == ".md" else []
    try:
        return sorted(p for p in folder.glob("*.md") if p.is_file())
    except OSError:
        # A missing or unreadable folder is a configuration matter; the catalog just has less.
        return []


def load_catalog(extra_dirs: Sequence[Path]) -> list[RunbookEntry]:
    """Bundled runbooks, then each of ``extra_dirs`` in order; sorted by title."""
    by_name: dict[str, RunbookEntry] = {}
    folders: Iterable[tuple[Path, Origin]] = [
        (bundled_runbooks_dir(), "bundled"),
        *((Path(d), "user") for d in extra_dirs),
    ]
    for folder, origin in folders:
        seen_here: dict[str, Path] = {}
        for path in _markdown_files(folder):
            entry = load_file(path, origin)
            if entry.name in seen_here:
                clash = LintProblem(
                    str(path), 1, f"name {entry.name!r} is also used by {seen_here[entry.name]}"
                )
                entry = replace(entry, problems=(*entry.problems, clash))
            seen_here[entry.name] = path
            by_name[entry.name] = entry
    return sorted(by_name.values(), key=lambda e: (e.title.casefold(), e.name))


def _named(reference: str) -> str:
    """The runbook name a ``runbook`` / ``runbook_url`` annotation points at."""
    tail = reference.strip().split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return tail.rsplit("/", 1)[-1].removesuffix(".md")


def find_for_alert(
    catalog: Sequence[RunbookEntry], alertname: str, annotations: Mapping[str, str]
) -> RunbookEntry | None:
    """The runbook for an alert: the one its ``runbook`` annotation names, else the one its
    ``runbook_url`` ends with (``<name>.md`` or ``<name>``), else the first whose ``alerts``
    list the alert name. A broken entry can be returned: the caller shows its problems."""
    for key in ("runbook", "runbook_url"):
        wanted = _named(annotations.get(key, ""))
        if not wanted:
            continue
        match = next((e for e in catalog if e.name == wanted), None)
        match = match or next((e for e in catalog if e.path.stem == wanted), None)
        if match is not None:
            return match
    for entry in catalog:
        if entry.runbook is not None and alertname in entry.runbook.alerts:
            return entry
    return None
