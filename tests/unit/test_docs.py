"""docs/architecture.md is the module map: every module of the package is named there."""

from __future__ import annotations

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
