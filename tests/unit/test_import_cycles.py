"""No import cycles in the package (issue 16): a cycle is only ever "broken" by an import
inside a function, and it makes the modules in it one lump that cannot be read, tested or
moved apart. Every import counts: top level, inside a function, under TYPE_CHECKING,
relative; ``from a.b import c`` depends on ``a.b`` (whose ``__init__`` runs) and on ``a.b.c``
when that is a module.

The cycles that remain outside the CLI are listed in ``KNOWN_CYCLES``; the list can only
shrink: a cycle must lie within one listed group, so a new module cannot join one and a new
cycle fails the test. Remove a group from the list when its cycle is gone."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import cockpit

PACKAGE = Path(cockpit.__file__).parent
ROOT = "cockpit"

# Empty: the package has no import cycle, and this test keeps it so.
KNOWN_CYCLES: tuple[frozenset[str], ...] = ()


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(sources: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """module -> the package's modules it imports; ``sources`` maps a module to its text
    and whether it is a package's ``__init__``."""

    def resolve(name: str) -> str | None:
        while name and name not in sources:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {module: set() for module in sources}
    for module, (source, is_package) in sources.items():
        for node in ast.walk(ast.parse(source)):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = module if is_package else module.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}" if base else anchor
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                if target.split(".")[0] == ROOT:
                    found = resolve(target)
                    if found and found != module:
                        graph[module].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10000))
    try:
        for v in sorted(graph):
            if v not in index:
                strong(v)
    finally:
        sys.setrecursionlimit(limit)
    return found


def _package_cycles() -> list[frozenset[str]]:
    sources = {
        _module_name(path): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert len(sources) > 50  # guards the glob
    return cycles(import_graph(sources))


def test_the_cli_package_has_no_import_cycle() -> None:
    in_cli = [sorted(c) for c in _package_cycles() if any(m.startswith("cockpit.cli") for m in c)]
    assert in_cli == []


def test_no_new_import_cycle_anywhere() -> None:
    new = [sorted(c) for c in _package_cycles() if not any(c <= known for known in KNOWN_CYCLES)]
    assert new == []


def _graph_of(**modules: str) -> dict[str, set[str]]:
    return import_graph(
        {
            name.replace("__", "."): (source, name.endswith("pkg"))
            for name, source in modules.items()
        }
    )


@pytest.mark.parametrize(
    "modules",
    [
        # lazy, inside a function
        {"cockpit__a": "from cockpit.b import x", "cockpit__b": "def f():\n    import cockpit.a\n"},
        # under TYPE_CHECKING, and relative
        {
            "cockpit__a": "import typing\nif typing.TYPE_CHECKING:\n    from . import b",
            "cockpit__b": "from .a import x",
        },
        # through a package's __init__: `from cockpit.pkg import c` runs cockpit/pkg/__init__
        {
            "cockpit__pkg": "from cockpit.pkg.main import main",
            "cockpit__pkg__main": "from cockpit.pkg.c import x",
            "cockpit__pkg__c": "from cockpit.pkg import helpers",
            "cockpit__pkg__helpers": "",
        },
    ],
)
def test_the_checker_finds_a_cycle(modules: dict[str, str]) -> None:
    assert len(cycles(_graph_of(**modules))) == 1


def test_the_checker_lets_a_one_way_package_pass() -> None:
    graph = _graph_of(
        cockpit__pkg="from cockpit.pkg.main import main",
        cockpit__pkg__main="import cockpit.pkg.c as c\nfrom cockpit.pkg.helpers import h",
        cockpit__pkg__c="from cockpit.pkg.helpers import h\nimport os",
        cockpit__pkg__helpers="from cockpit import model",
        cockpit__model="",
    )
    assert graph["cockpit.pkg.main"] == {"cockpit.pkg.c", "cockpit.pkg.helpers"}
    assert cycles(graph) == []
