"""kill -9 in the middle of notebook writes: a child process adds notes in a loop and
prints each one once its transaction has committed; it is killed with SIGKILL at seeded
random moments, again and again. Every note it acknowledged is in the notebook after,
the file passes SQLite's integrity check, and nothing was written twice. The same on
PostgreSQL (fewer rounds)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from typing import Any

from cockpit import locations
from cockpit.cli import main
from cockpit.store import open_notebook
from cockpit.store.incidents import create_incident

SEED = 15
ROUNDS = 12
PG_ROUNDS = 6

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from cockpit.store import open_notebook
    from cockpit.store.incident_notes import add_note

    path, incident, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = open_notebook(path)
    print("ready", flush=True)
    n = start
    while True:
        add_note(store, incident, f"note {n:06d} " + "x" * (n % 7 * 300), at=datetime.now(UTC))
        print(n, flush=True)  # only after the commit: an acknowledged write
        n += 1
    """
)


def test_every_acknowledged_note_survives_kill_9() -> None:
    assert main(["incident", "create", "--title", "kill -9", "--severity", "Sev3"]) == 0
    database = locations.database_file()
    _kill_writers_again_and_again(str(database), ROUNDS)


def test_every_acknowledged_note_survives_kill_9_on_postgresql(pg_server: Any) -> None:
    """The same on the team's PostgreSQL: a writer killed mid-transaction leaves its
    transaction to the server, which rolls it back; what was committed stays."""
    url = str(pg_server.database())
    with open_notebook(url) as store:
        create_incident(
            store, title="kill -9", severity="Sev3", detected_at=datetime(2026, 12, 5, tzinfo=UTC)
        )
    _kill_writers_again_and_again(url, PG_ROUNDS)


def _kill_writers_again_and_again(target: str, rounds: int) -> None:
    with open_notebook(target) as store:
        incident = str(store.connection.execute("SELECT id FROM incidents").fetchone()[0])
    chance = random.Random(SEED)
    acknowledged: list[int] = []
    for round_ in range(rounds):
        # Each child numbers from its own range: a note committed but killed before its
        # print is not acknowledged, and must not collide with the next child's.
        next_number = round_ * 1_000_000
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, target, incident, str(next_number)],
            stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
        )  # fmt: skip
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        # The moment: after a seeded number of acknowledged writes, so the kill lands
        # while the next one is on its way (BEGIN, INSERTs, COMMIT or the print).
        for _ in range(chance.randint(1, 40)):
            line = child.stdout.readline()
            assert line, "the writer stopped on its own"
            acknowledged.append(int(line))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        assert child.returncode == -signal.SIGKILL
        # Whatever was printed before the kill counts as acknowledged too.
        rest = child.stdout.read().splitlines(keepends=True)
        acknowledged.extend(int(line) for line in rest if line.endswith("\n"))
        child.stdout.close()
    with open_notebook(target) as store:
        assert store.integrity_check() == []
        bodies = [
            str(row[0])
            for row in store.connection.execute(
                "SELECT body FROM notes WHERE incident_id = ?", (incident,)
            ).fetchall()
        ]
        # Each note went in with its timeline event, in one transaction: never one alone.
        [[events]] = store.connection.execute(
            "SELECT count(*) FROM timeline_events WHERE incident_id = ? AND kind = 'note'",
            (incident,),
        ).fetchall()
    stored = [int(body.split()[1]) for body in bodies]
    assert len(stored) == len(set(stored)), "a note was written twice"
    assert int(events) == len(stored)
    missing = sorted(set(acknowledged) - set(stored))
    assert missing == [], f"{len(missing)} acknowledged note(s) lost: {missing[:10]}"
    assert len(acknowledged) >= rounds
