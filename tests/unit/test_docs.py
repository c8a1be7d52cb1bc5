"""The docs: docs/architecture.md is the module map (every module of the package is named
there), the README stays a front page, links resolve, and the code cites nothing outside
the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_module_map_names_every_module() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "cockpit"
    missing = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name != "__init__.py" and f"`{path.relative_to(package)}`" not in text
    ]
    assert not missing, f"add these modules to docs/architecture.md: {missing}"


def test_the_module_map_names_no_module_that_is_gone() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = [
        line.split("`")[1]
        for line in text.splitlines()
        if line.startswith("- `") and line.split("`")[1].endswith(".py")
    ]
    gone = [name for name in named if not (ROOT / "cockpit" / name).exists()]
    assert not gone, f"docs/architecture.md names modules that no longer exist: {gone}"


# The README is the front page; the rest lives in docs/ (one file per topic).
README_LIMIT = 15_000
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# Files outside the repository that the code must not cite (the docs/ page says the fact).
# (docs/domain.md is ours: those two names are matched in capitals, the seeds in any case.)
OUTSIDE = re.compile(r"DOMAIN\.md|DESIGN\.md|(?i:seeds? 0)")


def test_the_readme_is_a_front_page() -> None:
    size = len((ROOT / "README.md").read_bytes())
    assert size < README_LIMIT, f"README.md is {size} bytes; move detail into docs/"


def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown file (outside code blocks)."""
    anchors: set[str] = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            slug = re.sub(r"[^\w\- ]", "", title).replace(" ", "-")
            anchors.add(slug)
    return anchors


def test_every_relative_link_in_the_docs_points_at_something() -> None:
    broken = []
    for path in _markdown_files():
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{path.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{path.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, broken


def test_the_code_cites_no_file_outside_the_repository() -> None:
    citing = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("cockpit", "tests", "plugins", "bench")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and path.suffix not in {".svg", ".pyc"}
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        )
        if OUTSIDE.search(line)
    ]
    assert not citing, f"say it in docs/ and point there instead: {citing}"
