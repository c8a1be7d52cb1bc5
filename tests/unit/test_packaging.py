"""A plain `pip install .` must carry everything cockpit reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import cockpit

REPO = Path(cockpit.__file__).resolve().parent.parent


def test_wheel_carries_runtime_files(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("cockpit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "cockpit/ui/cockpit.tcss",
        "cockpit/templates/config.example.toml",
        "cockpit/store/migrations/0001_initial.sql",
        "cockpit/_bundled_themes/README.md",
    }
    expected |= {f"cockpit/runbooks/{p.name}" for p in (REPO / "cockpit/runbooks").glob("*.md")}
    assert len([n for n in expected if n.startswith("cockpit/runbooks/")]) >= 8
    assert expected <= names, sorted(expected - names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "cockpit = cockpit.cli:main" in text
