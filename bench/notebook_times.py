"""The notebook at size: N timeline events and M incidents, generated through the store's
own functions on SQLite and copied into a fresh PostgreSQL, then on each p99 of opening an
incident's timeline (the timeline pane's view of it), building and rendering a weekly
review, and adding a note."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from rows import Row, not_measured, p99, row

# tests/pg_server.py starts the PostgreSQL server, for the tests and for this bench.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cockpit.config import Config, OnCall
from cockpit.model.incident_draft import LinkedAlert
from cockpit.model.timeline import TimelineEvent
from cockpit.reports.review import render_markdown
from cockpit.services.timeline_view import TIMELINE_WINDOW, current_view
from cockpit.services.weekly_review import build_review
from cockpit.store import Notebook, open_notebook
from cockpit.store.copy import copy_notebook
from cockpit.store.events import record_events
from cockpit.store.incident_changes import transition
from cockpit.store.incident_notes import add_note
from cockpit.store.incidents import create_incident
from tests.pg_server import INSTALL_HINT, PgServer, PgServerError, find_bin_dir

SPAN = timedelta(weeks=26)  # events and incidents spread over half a year
COMPONENTS = tuple(f"svc-{i:02d}" for i in range(20))
SEVERITIES = ("Sev1", "Sev2", "Sev3", "Sev3", "Sev4")
AUTOMATIC = ("alert_fired", "alert_resolved", "probe_down", "probe_up", "burn_started")
BATCH = 5000
T = TypeVar("T")
OPEN_BUDGET = 90.0  # seconds of timeline opens at most


@dataclass(frozen=True)
class NotebookSizes:
    events: int
    incidents: int
    timeline_opens: int
    reviews: int
    notes: int


def fingerprint(n: int) -> str:
    return f"{n:016x}"


def fill(store: Notebook, sizes: NotebookSizes, now: datetime, rng: random.Random) -> list[str]:
    """Incidents (90 % resolved, each linked to one alert) and events; the incidents'
    ids. Writes are grouped in one transaction per batch (nested ones become savepoints)."""
    start = now - SPAN
    ids: list[str] = []
    alerts = max(1, sizes.events // 20)  # distinct alert fingerprints on the timeline
    for first in range(0, sizes.incidents, 500):
        with store.transaction():
            for n in range(first, min(first + 500, sizes.incidents)):
                detected = start + SPAN * (n / sizes.incidents)
                alert = rng.randrange(alerts)
                record = create_incident(
                    store, title=f"bench incident {n}", severity=rng.choice(SEVERITIES),
                    detected_at=detected, components=[rng.choice(COMPONENTS)], author="bench",
                    alerts=[LinkedAlert(fingerprint(alert), f"BenchAlert{alert % 50:02d}")],
                    linked_at=detected,
                )  # fmt: skip
                ids.append(record.id)
                if n % 10:
                    resolved = detected + timedelta(minutes=rng.randint(5, 300))
                    transition(store, record.id, "resolved", at=min(resolved, now))
    made = 0
    while made < sizes.events:
        batch = []
        for n in range(made, min(made + BATCH, sizes.events)):
            at = start + SPAN * (n / sizes.events)
            kind = AUTOMATIC[n % len(AUTOMATIC)]
            alert = rng.randrange(alerts)
            batch.append(
                TimelineEvent(
                    kind=kind,
                    occurred_at=at,
                    source="bench",
                    subject=f"BenchAlert{alert % 50:02d}",
                    body=f"bench event {n}",
                    component=rng.choice(COMPONENTS),
                    labels={"severity": "warning", "instance": f"host-{alert:05d}"},
                    fingerprint=fingerprint(alert) if kind.startswith("alert") else None,
                )
            )
        record_events(store, batch)
        made += len(batch)
    return ids


def _time(
    store: Notebook, backend: str, sizes: NotebookSizes, ids: list[str], now: datetime, seed: int
) -> dict[str, Row]:
    """The three rows of one backend: the same incidents, weeks and notes on each."""
    rng = random.Random(seed)
    config = Config(path=None, oncall=OnCall(me="bench"))
    opens = []
    budget = time.perf_counter() + OPEN_BUDGET
    for incident_id in rng.sample(ids, min(sizes.timeline_opens, len(ids))):
        if opens and time.perf_counter() > budget:
            break  # enough samples; the slow opens would take minutes more
        t0 = time.perf_counter()
        current_view(store, now, incident_id=incident_id)
        opens.append(time.perf_counter() - t0)
    reviews = []
    for back in range(sizes.reviews):
        week = (now - timedelta(weeks=back % 26)).isocalendar()
        t0 = time.perf_counter()
        render_markdown(build_review(store, config, now, (week.year, week.week)))
        reviews.append(time.perf_counter() - t0)
    notes = []
    for n in range(sizes.notes):
        incident_id = rng.choice(ids)
        t0 = time.perf_counter()
        add_note(store, incident_id, f"bench note {n}", at=now, author="bench")
        notes.append(time.perf_counter() - t0)
    key = f"notebook_{backend}_"
    return {
        f"{key}timeline_p99": row(
            f"{key}timeline_p99",
            p99(opens) * 1000,
            f"current_view(incident_id=...) x {len(opens)} random incidents (at most "
            f"{OPEN_BUDGET:.0f} s of them; the pane's window of the newest "
            f"{TIMELINE_WINDOW} events)",
        ),
        f"{key}review_p99": row(
            f"{key}review_p99",
            p99(reviews) * 1000,
            f"build_review + render_markdown x {len(reviews)} weeks",
        ),
        f"{key}note_p99": row(
            f"{key}note_p99",
            p99(notes) * 1000,
            f"add_note x {len(notes)} (each its own committed transaction)",
        ),
    }


def _postgresql(source: Notebook, use: Callable[[Notebook], T]) -> T | str:
    """``use`` on a copy of ``source`` in a fresh durable PostgreSQL cluster, or why there
    is none."""
    if find_bin_dir() is None:
        return f"PostgreSQL not installed ({INSTALL_HINT})"
    try:
        server = PgServer(durable=True).start()
    except PgServerError as exc:
        return f"the PostgreSQL server did not start: {exc}".splitlines()[0]
    try:
        with open_notebook(server.database("bench")) as store:
            copy_notebook(source, store)
            # What autovacuum does after a bulk load on any server: the planner's
            # statistics, so the plans are the ones a used notebook gets.
            store.connection.execute("ANALYZE")
            return use(store)
    finally:
        server.stop()


def measure(sizes: NotebookSizes, seed: int = 18) -> dict[str, Row]:
    """The notebook generated on SQLite, then copied into PostgreSQL (store/copy.py): the
    same notebook on both, each measured with the same incidents, weeks and notes."""
    now = datetime.now(UTC).replace(microsecond=0)
    size_note = f"{sizes.events} events, {sizes.incidents} incidents over 26 weeks"
    folder = tempfile.TemporaryDirectory()
    with folder, open_notebook(Path(folder.name) / "notebook.db") as store:
        started = time.perf_counter()
        ids = fill(store, sizes, now, random.Random(seed))
        built = time.perf_counter() - started

        def on_both(copy: Notebook) -> dict[str, Row]:
            took = time.perf_counter() - started - built
            rows = _time(store, "sqlite", sizes, ids, now, seed)
            rows |= _time(copy, "postgresql", sizes, ids, now, seed)
            how = f"a local server with fsync on, started and the SQLite one copied in {took:.1f} s"
            _say(rows, "notebook_postgresql_timeline_p99", f"{size_note}; {how}")
            return rows

        measured = _postgresql(store, on_both)
        if isinstance(measured, str):
            why = measured
            measured = _time(store, "sqlite", sizes, ids, now, seed)
            for what in ("timeline", "review", "note"):
                key = f"notebook_postgresql_{what}_p99"
                measured[key] = not_measured(key, why)
    _say(measured, "notebook_sqlite_timeline_p99", f"{size_note}; generated in {built:.1f} s")
    return measured


def _say(rows: dict[str, Row], key: str, first: str) -> None:
    rows[key] = replace(rows[key], note=f"{first}; {rows[key].note}")
