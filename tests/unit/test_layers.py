"""The arrows between layers point one way (DESIGN.md): data layers never import Textual,
and model imports nothing of the project outside model."""

from __future__ import annotations

import ast
from pathlib import Path

import cockpit

PACKAGE = Path(cockpit.__file__).parent
DATA_LAYERS = ("model", "sources", "store", "services", "reports")


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
