"""Four cockpits writing notes at once for a minute, on a SQLite file and on PostgreSQL:
no writer is ever told of an error, and every note a writer was told is saved is there
after, once, with its timeline event and its writer's name.

Both backends run in the same minute (eight processes at once) to keep CI time down.
Each writer is a process of its own with its own config (`[oncall] me`) and data
directory, writing through the CLI's own code (`cockpit incident note`), a note every
``PAUSE`` seconds; it prints a note's number only after the command said it was saved.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cockpit.store import open_notebook
from cockpit.store.incidents import create_incident

WRITERS = 4  # per backend
MINUTE = 60.0
PAUSE = 0.2  # between one writer's notes: people typing, not a benchmark
PASSWORD = "writers-pw"

WRITER = textwrap.dedent(
    """
    import contextlib, io, sys, time
    from cockpit.cli import main

    incident, name = sys.argv[1], sys.argv[2]
    seconds, pause = float(sys.argv[3]), float(sys.argv[4])
    print("ready", flush=True)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["incident", "note", incident, f"{name} note {n:05d}"])
        if code == 0:
            print(n, flush=True)  # acknowledged: the command said it was saved
        else:
            print(f"note {n}: exit {code}: {err.getvalue().strip()}", file=sys.stderr, flush=True)
        n += 1
        time.sleep(pause)
    print("done", flush=True)
    """
)


def _writer_env(tmp_path: Path, name: str, notebook: str) -> dict[str, str]:
    """One cockpit: its own config (its ``me``; the team's URL) and its own data dir; a
    file notebook shared on one machine is named by COCKPIT_NOTEBOOK."""
    home = tmp_path / name
    config = home / "config.toml"
    config.parent.mkdir(parents=True)
    text = f'[oncall]\nme = "{name}"\n'
    env = os.environ.copy()
    env.pop("COCKPIT_NOTEBOOK", None)
    if notebook.startswith("postgresql://"):
        text += f'\n[notebook]\nurl = "{notebook}"\n'
        env["COCKPIT_SECRET_NOTEBOOK"] = PASSWORD
    else:
        env["COCKPIT_NOTEBOOK"] = notebook
    config.write_text(text)
    env.update(COCKPIT_CONFIG=str(config), COCKPIT_DATA_DIR=str(home / "data"))
    return env


def _new_incident(target: str) -> str:
    with open_notebook(target, password=PASSWORD) as store:
        return create_incident(
            store, title="writers", severity="Sev3", detected_at=datetime(2026, 12, 5, tzinfo=UTC)
        ).id


def test_four_writers_a_minute_on_each_backend_lose_nothing_and_see_no_error(
    pg_server: Any, tmp_path: Path
) -> None:
    database = pg_server.database_name(pg_server.database())
    # The cockpits' role (it owns the schema); its URL has no password.
    team = str(pg_server.role(f"writers_{database}", PASSWORD, database))
    backends = {"sqlite": str(tmp_path / "shared.sqlite3"), "postgresql": team}
    incidents = {name: _new_incident(target) for name, target in backends.items()}
    children: dict[tuple[str, str], subprocess.Popen[str]] = {}
    for backend, target in backends.items():
        for i in range(WRITERS):
            name = f"{backend}-writer-{i}"
            children[backend, name] = subprocess.Popen(
                [sys.executable, "-c", WRITER, incidents[backend], name, str(MINUTE), str(PAUSE)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                env=_writer_env(tmp_path, name, target),
            )  # fmt: skip
    acknowledged: dict[str, set[str]] = {backend: set() for backend in backends}
    errors: list[str] = []
    for (backend, name), child in children.items():
        out, err = child.communicate(timeout=MINUTE + 60)
        lines = out.splitlines()
        assert child.returncode == 0 and lines[:1] == ["ready"] and lines[-1:] == ["done"], (
            f"{name} exited {child.returncode}: {err[-2000:]}"
        )
        errors.extend(f"{name}: {line}" for line in err.splitlines())
        acknowledged[backend] |= {f"{name} note {int(n):05d}" for n in lines[1:-1]}
    assert errors == [], f"{len(errors)} error(s) surfaced, first: {errors[:5]}"
    for backend, target in backends.items():
        with open_notebook(target, password=PASSWORD) as store:
            rows = store.connection.execute(
                "SELECT body, written_by FROM notes WHERE incident_id = ?", (incidents[backend],)
            ).fetchall()
            [[events]] = store.connection.execute(
                "SELECT count(*) FROM timeline_events WHERE incident_id = ? AND kind = 'note'",
                (incidents[backend],),
            ).fetchall()
        bodies = [str(body) for body, _ in rows]
        assert len(bodies) == len(set(bodies)), f"{backend}: a note was saved twice"
        missing = sorted(acknowledged[backend] - set(bodies))
        assert missing == [], f"{backend}: {len(missing)} acknowledged note(s) lost: {missing[:5]}"
        assert int(events) == len(bodies), f"{backend}: a note without its timeline event"
        # Each row says which cockpit wrote it.
        assert all(body.startswith(f"{by} note ") for body, by in rows)
        # Every writer wrote all minute long (not one at a time, then nothing).
        per_writer = {b.rsplit(" note ", 1)[0] for b in bodies}
        assert len(per_writer) == WRITERS and len(bodies) >= WRITERS * MINUTE / 4
