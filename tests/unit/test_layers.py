"""The arrows between layers point one way (docs/internals.md, "Layers"):
``ui -> services -> (sources, store, reports) -> model``. Data layers never import Textual,
model imports nothing of the project outside model, and every unit of the package imports
only what ``MAY_IMPORT`` allows: the arrow, plus the cross-cutting modules at the package
top (config, secrets, ...) where they make sense."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cockpit

PACKAGE = Path(cockpit.__file__).parent
DATA_LAYERS = ("model", "sources", "store", "services", "reports")

# The cross-cutting modules at the package top that sit beside model at the bottom: typed
# settings and the plumbing around them. They import only model and each other.
SETTINGS = frozenset(
    {"config", "config_types", "config_checks", "config_endpoints", "slo_files", "keymap",
     "locations", "secrets", "exit_codes"}
)  # fmt: skip
ROOT = "cockpit"  # the package's own __init__ (its version)
ENTRY_POINTS = frozenset({"cli", "__main__", "demo"})  # the cli/ package is one unit
# What each unit of the package may import besides itself; None: anything. A unit is a
# layer (a directory), a cross-cutting module or package, or an entry point.
MAY_IMPORT: dict[str, frozenset[str] | None] = {
    "model": frozenset(),
    "sources": frozenset({"model", "config", "secrets"}),
    "store": frozenset({"model"}),  # the caller hands it its path
    "reports": frozenset({"model"}),
    "services": frozenset({"model", "sources", "store", "reports", ROOT}) | SETTINGS,
    # Plugins add sources, probe kinds and notifiers; the UI and the CLI load them.
    "plugins": frozenset({"model", "sources", "services", ROOT}) | SETTINGS,
    **{name: frozenset({"model", ROOT}) | SETTINGS for name in SETTINGS},
    "themes": frozenset({"model", ROOT}) | SETTINGS,  # theme files; Textual is in ui/themes.py
    ROOT: frozenset(),
    # The UI may use every layer (skipping services to read the store is fine: the arrows
    # still point down) but never the command line that starts it.
    "ui": frozenset(
        {"model", "sources", "store", "reports", "services", "plugins", "themes", "demo", ROOT}
    )
    | SETTINGS,
    **dict.fromkeys(ENTRY_POINTS),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _unit(module: str, *, imported: bool = True) -> str:
    """The unit a dotted cockpit module (or a name imported from one) belongs to."""
    parts = module.split(".")
    if len(parts) < 2:
        return ROOT
    top = parts[1]
    if not imported or (PACKAGE / top).is_dir() or (PACKAGE / f"{top}.py").is_file():
        return top
    return ROOT  # a name defined in cockpit/__init__.py, e.g. __version__


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every cockpit module or name ``source`` (the text of ``module``) imports, wherever
    the import sits: top level, inside a function (lazy) or under TYPE_CHECKING.
    ``from cockpit.x import y`` gives ``cockpit.x.y``, relative imports are resolved."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in names if n == ROOT or n.startswith(ROOT + ".")}


def arrow_offences(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """What ``module`` imports that its unit may not (MAY_IMPORT); a unit with no rule is
    an offence of its own, so a new layer or top-level module has to be placed."""
    unit = _unit(module, imported=False)
    if unit not in MAY_IMPORT:
        where = "MAY_IMPORT in tests/unit/test_layers.py"
        return [f"{module}: unit {unit!r} has no rule; place it in {where}"]
    allowed = MAY_IMPORT[unit]
    if allowed is None:
        return []
    return sorted(
        f"{module} ({unit}) imports {name} ({_unit(name)})"
        for name in project_imports(source, module, is_package=is_package)
        if _unit(name) != unit and _unit(name) not in allowed
    )


def _all_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_data_layer_has_modules() -> None:
    # Guards the test itself: an empty glob would make the checks below pass vacuously.
    for layer in ("model", "sources", "store", "services"):
        assert _modules(layer), layer


def test_data_layers_never_import_textual() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for layer in DATA_LAYERS
        for path in _modules(layer)
        for name in _imports(path)
        if name == "textual" or name.startswith("textual.")
    ]
    assert offenders == []


def test_model_imports_nothing_else_of_the_project() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("model")
        for name in _imports(path)
        if name.startswith("cockpit.") and not name.startswith("cockpit.model")
    ]
    assert offenders == []


def test_lower_layers_never_import_ui() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for layer in DATA_LAYERS
        for path in _modules(layer)
        for name in _imports(path)
        if name.startswith("cockpit.ui")
    ]
    assert offenders == []


def test_the_checker_sees_a_textual_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from textual.widgets import Static\nimport textual\n")
    assert {"textual.widgets", "textual"} <= _imports(sample)


def test_reading_a_config_with_keys_loads_no_textual() -> None:
    # The static checks above cannot see a lazy or indirect import: run it for real.
    import subprocess
    import sys

    script = (
        "import sys, pathlib\n"
        "from cockpit.config import parse\n"
        "config = parse({'keys': {'toggle_pause': 'space'}}, pathlib.Path('c.toml'))\n"
        "assert config.keys == {'toggle_pause': 'space'}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'textual'"
        " or m.startswith('cockpit.ui'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_rule_names_a_real_unit() -> None:
    # A renamed layer would leave its rule checking nothing.
    for unit in MAY_IMPORT:
        if unit != ROOT:
            assert (PACKAGE / unit).is_dir() or (PACKAGE / f"{unit}.py").is_file(), unit
    assert len(_all_modules()) > 50


def _offences_of(path: Path) -> list[str]:
    return arrow_offences(
        path.read_text(encoding="utf-8"), _module_name(path), is_package=path.name == "__init__.py"
    )


def test_every_module_of_the_package_has_a_rule() -> None:
    units = {_unit(_module_name(path), imported=False) for path in _all_modules()}
    assert sorted(units - MAY_IMPORT.keys()) == []


@pytest.mark.parametrize("unit", sorted(u for u, rule in MAY_IMPORT.items() if rule is not None))
def test_each_unit_imports_only_what_the_arrow_allows(unit: str) -> None:
    paths = [p for p in _all_modules() if _unit(_module_name(p), imported=False) == unit]
    assert paths, unit  # a rule that checks no file is no check
    assert [offence for path in paths for offence in _offences_of(path)] == []


def test_cross_cutting_modules_never_import_textual() -> None:
    # The CLI reads the config, themes and plugins without loading the UI.
    paths = [PACKAGE / f"{name}.py" for name in (*SETTINGS, "themes")]
    paths += sorted((PACKAGE / "plugins").rglob("*.py"))
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in paths
        for name in _imports(path)
        if name.split(".")[0] == "textual"
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("module", "source", "offence"),
    [
        ("cockpit.model.x", "from cockpit.config import Config", "cockpit.config.Config (config)"),
        ("cockpit.model.x", "import cockpit.store.notebook", "cockpit.store.notebook (store)"),
        ("cockpit.model.x", "from cockpit import __version__", "cockpit.__version__ (cockpit)"),
        ("cockpit.reports.x", "from cockpit.services.y import Digest", "(services)"),
        (
            "cockpit.reports.x",
            "from cockpit.store import Notebook",
            "cockpit.store.Notebook (store)",
        ),
        ("cockpit.reports.x", "from cockpit.config import Config", "(config)"),
        ("cockpit.store.x", "def f():\n    from cockpit.services import y\n", "(services)"),
        ("cockpit.store.x", "from cockpit.sources.errors import E", "(sources)"),
        ("cockpit.store.x", "from ..services.y import Z", "cockpit.services.y.Z (services)"),
        ("cockpit.store.x", "from .. import config", "cockpit.config (config)"),
        ("cockpit.sources.x", "from cockpit.store import Notebook", "(store)"),
        ("cockpit.sources.x", "from cockpit.locations import paths", "(locations)"),
        (
            "cockpit.sources.x",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import cockpit.ui.app\n",
            "cockpit.ui.app (ui)",
        ),
        ("cockpit.services.x", "class A:\n    def f(self):\n        import cockpit.ui\n", "(ui)"),
        ("cockpit.services.x", "from cockpit.plugins.host import load", "(plugins)"),
        ("cockpit.config", "from cockpit.services import doctor", "(services)"),
        ("cockpit.themes", "from cockpit.ui.themes import X", "(ui)"),
        ("cockpit.plugins.host", "from cockpit.ui.app import CockpitApp", "(ui)"),
        ("cockpit.ui.app", "from cockpit.cli import main", "(cli)"),
        ("cockpit.ui.app", "from cockpit.cli.alerts import x", "(cli)"),
    ],
)
def test_the_checker_catches_an_arrow_pointing_the_wrong_way(
    module: str, source: str, offence: str
) -> None:
    # Guards the checker: a synthetic offending module must be reported.
    found = arrow_offences(source, module)
    assert len(found) == 1 and offence in found[0], found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("cockpit.model.x", "from cockpit.model.slo import ErrorBudget\nfrom . import alerts"),
        ("cockpit.sources.x", "from cockpit.config import Endpoint\nfrom cockpit import secrets"),
        ("cockpit.reports.x", "from cockpit.model.handoff_digest import Digest"),
        ("cockpit.services.x", "from cockpit.store import Notebook\nfrom cockpit.reports import y"),
        (
            "cockpit.ui.app",
            "from cockpit.services.doctor import run\nfrom cockpit import __version__",
        ),
        ("cockpit.cli.alerts", "from cockpit.ui.format import when"),
    ],
)
def test_the_checker_lets_the_allowed_arrows_pass(module: str, source: str) -> None:
    # The other half of the guard: a checker that flags everything would be as useless.
    assert arrow_offences(source, module) == []


def test_a_package_init_resolves_its_relative_imports_from_itself() -> None:
    assert project_imports("from . import notebook", "cockpit.store", is_package=True) == {
        "cockpit.store.notebook"
    }
    assert arrow_offences("from ..services import x", "cockpit.store", is_package=True)


def test_a_unit_without_a_rule_is_reported() -> None:
    assert "has no rule" in arrow_offences("import os", "cockpit.newthing")[0]


def test_slo_verdicts_are_the_exit_codes() -> None:
    # model/slo_report.py repeats the exit codes because model imports nothing outside it.
    from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from cockpit.model.slo_report import ALLOWED, BLOCKED, UNKNOWN

    assert (ALLOWED, BLOCKED, UNKNOWN) == (EXIT_OK, EXIT_FAILED, EXIT_USAGE)
