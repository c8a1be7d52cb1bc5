"""The arrows between layers point one way (docs/internals.md, "Layers"):
``ui -> services -> (sources, store, reports) -> model``. Data layers never import Textual,
model imports nothing of the project outside model, and every unit of the package imports
only what ``MAY_IMPORT`` allows: the arrow, plus the cross-cutting modules at the package
top (config, secrets, ...) where they make sense."""

from __future__ import annotations

import ast
import re
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


# -- The UI and the CLI never write to the notebook themselves (issue 16) -----------------
# Every write is a use case in services/ (the HTTP call, the notebook write, the
# notification); ui/ and cli/ call it and present its outcome. They may still read the
# store (its read functions, its dataclasses, Notebook and its errors): the rule is on
# WRITERS, found in the code, not listed by hand, so a new writer is covered the day it
# is written.
WRITE_SQL = re.compile(
    r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|REPLACE\s+INTO)\b",
    re.IGNORECASE,
)
PRESENTERS = ("ui", "cli")


def _writes_itself(function: ast.AST) -> bool:
    """Opens a write transaction, or holds write SQL."""
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and node.attr == "transaction":
            return True
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and WRITE_SQL.search(node.value)
        ):
            return True
    return False


def _called_names(function: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
    return names


def store_writers(sources: dict[str, str]) -> dict[str, set[str]]:
    """The module-level functions of each store module (``sources``: dotted name ->
    text) that write: open a transaction or run INSERT/UPDATE/DELETE, or call a
    function of the store that does (followed until nothing new is found)."""
    functions: dict[tuple[str, str], ast.AST] = {}
    for module, source in sources.items():
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions[(module, node.name)] = node
    writing = {key for key, node in functions.items() if _writes_itself(node)}
    while True:
        names = {name for _, name in writing}
        more = {
            key
            for key, node in functions.items()
            if key not in writing and _called_names(node) & names
        }
        if not more:
            break
        writing |= more
    found: dict[str, set[str]] = {}
    for module, name in writing:
        found.setdefault(module, set()).add(name)
    return found


def _store_sources() -> dict[str, str]:
    return {_module_name(path): path.read_text(encoding="utf-8") for path in _modules("store")}


def writer_offences(
    source: str, module: str, writers: dict[str, set[str]], *, is_package: bool = False
) -> list[str]:
    """What ``module`` (in ui/ or cli/) does that only a service may: import a store
    writer, import a store module that holds writers (its writers come with it), or open
    a write transaction itself."""
    every = {f"{m}.{name}" for m, names in writers.items() for name in names}
    found = [
        f"{module} imports the store writer {name}"
        for name in sorted(project_imports(source, module, is_package=is_package))
        if name in every
    ]
    found += [
        f"{module} imports {name}, a store module with writers ({', '.join(sorted(writers[name]))})"
        for name in sorted(project_imports(source, module, is_package=is_package))
        if name in writers
    ]
    found += [
        f"{module} line {node.lineno} opens a notebook transaction"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr == "transaction"
    ]
    return found


def test_the_writer_finder_finds_the_writers_it_must() -> None:
    # Guards the finder: these write (SQL, a transaction, or through another writer).
    writers = store_writers(_store_sources())
    assert {"record_ack", "record_unack", "record_extend"} <= writers["cockpit.store.acks"]
    assert {"add_note", "add_update", "set_action_done"} <= writers["cockpit.store.incident_notes"]
    assert {"create_incident", "link_alerts"} <= writers["cockpit.store.incidents"]
    assert {"transition", "set_postmortem", "update_fields"} <= writers[
        "cockpit.store.incident_changes"
    ]
    assert {"save_text", "tick", "sign"} <= writers["cockpit.store.handoffs"]
    assert {"record_step", "create_run"} <= writers["cockpit.store.runbook_runs"]
    # ... and leaves the readers alone.
    assert "acks_for" not in writers["cockpit.store.acks"]
    assert "get_incident" not in writers["cockpit.store.incidents"]


def test_the_writer_finder_follows_a_writer_calling_a_writer() -> None:
    sources = {
        "cockpit.store.a": "def put(s):\n    s.connection.execute('DELETE FROM t')\n",
        "cockpit.store.b": "from cockpit.store.a import put\ndef wrap(s):\n    put(s)\n"
        "def read(s):\n    return s.connection.execute('SELECT 1').fetchone()\n",
    }
    assert store_writers(sources) == {"cockpit.store.a": {"put"}, "cockpit.store.b": {"wrap"}}


@pytest.mark.parametrize(
    ("module", "source", "offence"),
    [
        ("cockpit.ui.x", "from cockpit.store.acks import record_ack", "store writer"),
        ("cockpit.cli.x", "def f():\n    from cockpit.store.handoffs import tick\n", "writer"),
        ("cockpit.ui.x", "from cockpit.store import acks", "a store module with writers"),
        ("cockpit.cli.x", "import cockpit.store.incidents", "a store module with writers"),
        ("cockpit.ui.x", "def f(nb):\n    with nb.transaction():\n        pass\n", "transaction"),
    ],
)
def test_the_writer_rule_bites(module: str, source: str, offence: str) -> None:
    found = writer_offences(source, module, store_writers(_store_sources()))
    assert len(found) == 1 and offence in found[0], found


def test_the_writer_rule_lets_reads_pass() -> None:
    source = (
        "from cockpit.store import Notebook, NotebookError, open_notebook\n"
        "from cockpit.store.incidents import get_incident, list_incidents\n"
        "from cockpit.store.handoffs import Handoff, HandoffRefused\n"
    )
    assert writer_offences(source, "cockpit.ui.x", store_writers(_store_sources())) == []


@pytest.mark.parametrize("unit", PRESENTERS)
def test_ui_and_cli_never_write_to_the_notebook_themselves(unit: str) -> None:
    writers = store_writers(_store_sources())
    paths = _modules(unit)
    assert paths, unit
    offences = [
        offence
        for path in paths
        for offence in writer_offences(
            path.read_text(encoding="utf-8"),
            _module_name(path),
            writers,
            is_package=path.name == "__init__.py",
        )
    ]
    assert offences == []


def test_slo_verdicts_are_the_exit_codes() -> None:
    # model/slo_report.py repeats the exit codes because model imports nothing outside it.
    from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from cockpit.model.slo_report import ALLOWED, BLOCKED, UNKNOWN

    assert (ALLOWED, BLOCKED, UNKNOWN) == (EXIT_OK, EXIT_FAILED, EXIT_USAGE)


def test_no_import_cycle_anywhere_in_the_package() -> None:
    # The arrows above point down between units; this closes the gap inside a unit (two
    # ui modules importing each other, lazily or under TYPE_CHECKING too). The checker
    # itself is tested in test_import_cycles.py.
    from tests.unit.test_import_cycles import _package_cycles

    assert [sorted(cycle) for cycle in _package_cycles()] == []
