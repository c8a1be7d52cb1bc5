"""A whole notebook into another: SQLite to PostgreSQL and back, every row with its id.

Both ends are migrated to this cockpit's schema first (``open_notebook`` does it), so the
tables and columns are the same. The copy is one write transaction on the destination:
it lands whole or not at all. An empty destination is required unless ``merge``: then a
row already there with the same key and the same content is skipped (so copying twice
changes nothing), and a row whose key is taken by different content stops the copy and
names it, since keeping either would lose the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cockpit.store.notebook import Notebook, NotebookError
from cockpit.store.sql import Connection

# Parents before children (foreign keys); handoff checklist items go with their handoff.
TABLES: tuple[str, ...] = (
    "incidents",
    "incident_components",
    "incident_alerts",
    "action_items",
    "notes",
    "timeline_events",
    "announcements",
    "runbook_runs",
    "runbook_steps",
    "runbook_run_leases",
    "runbook_run_takeovers",
    "handoffs",
    "handoff_checklist_items",
    "acks",
    "slo_snapshots",
    "probe_samples",
    "recorder_duty",
)
# Each table's key: what "the same row" means when merging.
KEYS: dict[str, tuple[str, ...]] = {
    "incidents": ("id",),
    "incident_components": ("incident_id", "component"),
    "incident_alerts": ("incident_id", "cluster", "fingerprint"),
    "announcements": ("incident_id", "kind", "due_at"),
    "runbook_steps": ("run_id", "step_index"),
    "runbook_run_leases": ("run_id",),
    "recorder_duty": ("slot",),
}
# Tables whose id the database hands out: PostgreSQL's counter must move past copied ids.
IDENTITY_TABLES = frozenset(
    {
        "action_items",
        "notes",
        "timeline_events",
        "runbook_runs",
        "runbook_run_takeovers",
        "handoffs",
        "handoff_checklist_items",
        "acks",
        "slo_snapshots",
        "probe_samples",
    }
)


class CopyRefused(NotebookError):
    """The copy was not made (nothing was written); ``str()`` says why and what to do."""


@dataclass
class CopyReport:
    copied: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # already there, same content

    @property
    def total(self) -> int:
        return sum(self.copied.values())


def row_counts(notebook: Notebook) -> dict[str, int]:
    """Rows per table, every table of the schema."""
    counts: dict[str, int] = {}
    for table in TABLES:
        row = notebook.connection.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0])
    return counts


def copy_notebook(source: Notebook, dest: Notebook, *, merge: bool = False) -> CopyReport:
    if source.schema_version != dest.schema_version:
        raise CopyRefused(
            f"{source.describe()} is at schema v{source.schema_version} and "
            f"{dest.describe()} at v{dest.schema_version}; open both with the same cockpit"
        )
    if not merge:
        held = {t: n for t, n in row_counts(dest).items() if n}
        if held:
            listed = ", ".join(f"{t} {n}" for t, n in held.items())
            raise CopyRefused(
                f"{dest.describe()} is not empty ({listed}); copy into an empty notebook, "
                "or pass --merge to add what it lacks"
            )
    report = CopyReport()
    rows = {table: _rows(source.connection, table) for table in TABLES}
    with dest.transaction() as conn:
        for table in TABLES:
            if table == "handoff_checklist_items":
                continue  # written with their handoff, below
            if table == "handoffs":
                _copy_handoffs(conn, rows["handoffs"], rows["handoff_checklist_items"], report)
                continue
            _copy_rows(conn, table, rows[table], report)
        if dest.backend == "postgresql":
            for table in sorted(IDENTITY_TABLES):
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
    return report


@dataclass(frozen=True)
class _Rows:
    columns: tuple[str, ...]
    values: list[tuple[object, ...]]


def _rows(conn: Connection, table: str) -> _Rows:
    order = ", ".join(KEYS.get(table, ("id",)))
    fetched = conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    if not fetched:
        return _Rows((), [])
    columns = tuple(fetched[0].keys())
    return _Rows(columns, [tuple(row[c] for c in columns) for row in fetched])


def _copy_rows(conn: Connection, table: str, rows: _Rows, report: CopyReport) -> None:
    copied = skipped = 0
    for values in rows.values:
        if _already_there(conn, table, rows.columns, values):
            skipped += 1
            continue
        _insert(conn, table, rows.columns, values)
        copied += 1
    report.copied[table] = report.copied.get(table, 0) + copied
    report.skipped[table] = report.skipped.get(table, 0) + skipped


def _copy_handoffs(conn: Connection, handoffs: _Rows, items: _Rows, report: CopyReport) -> None:
    """A signed handoff refuses new checklist items, and only one draft may exist at a time:
    so each handoff goes in unsigned, then its items, then its signature. The draft, if
    any, comes last, when every other handoff is signed."""
    if not handoffs.values:
        _copy_rows(conn, "handoff_checklist_items", items, report)
        return
    cols = handoffs.columns
    signed_at, signed_by = cols.index("signed_at"), cols.index("signed_by")
    by_handoff: dict[object, list[tuple[object, ...]]] = {}
    if items.values:
        owner = items.columns.index("handoff_id")
        for item in items.values:
            by_handoff.setdefault(item[owner], []).append(item)
    ordered = sorted(handoffs.values, key=lambda row: row[signed_at] is None)
    for row in ordered:
        handoff_id = row[cols.index("id")]
        present = _already_there(conn, "handoffs", cols, row)
        if present:
            report.skipped["handoffs"] = report.skipped.get("handoffs", 0) + 1
        else:
            unsigned = list(row)
            unsigned[signed_at] = unsigned[signed_by] = None
            _insert(conn, "handoffs", cols, tuple(unsigned))
            report.copied["handoffs"] = report.copied.get("handoffs", 0) + 1
        mine = _Rows(items.columns, by_handoff.get(handoff_id, []))
        _copy_rows(conn, "handoff_checklist_items", mine, report)
        if not present and row[signed_at] is not None:
            conn.execute(
                "UPDATE handoffs SET signed_at = ?, signed_by = ? WHERE id = ?",
                (row[signed_at], row[signed_by], handoff_id),
            )


def _already_there(
    conn: Connection, table: str, columns: Sequence[str], values: tuple[object, ...]
) -> bool:
    """True if the destination holds this row as it is; CopyRefused if its key is taken by
    another row; False if the key is free."""
    key = KEYS.get(table, ("id",))
    where = " AND ".join(f"{k} = ?" for k in key)
    found = conn.execute(
        f"SELECT * FROM {table} WHERE {where}", tuple(values[columns.index(k)] for k in key)
    ).fetchone()
    if found is None:
        return False
    theirs = tuple(found[c] for c in columns)
    if _same(theirs, values):
        return True
    shown = ", ".join(f"{k}={values[columns.index(k)]!r}" for k in key)
    raise CopyRefused(
        f"{table} {shown} already exists in the destination with other content; nothing "
        "was copied (merge two notebooks only when their ids do not overlap)"
    )


def _same(left: tuple[object, ...], right: tuple[object, ...]) -> bool:
    def equal(a: object, b: object) -> bool:
        if isinstance(a, int | float) and isinstance(b, int | float):
            return float(a) == float(b)  # REAL on SQLite, DOUBLE PRECISION on PostgreSQL
        return a == b

    return all(equal(a, b) for a, b in zip(left, right, strict=True))


def _insert(
    conn: Connection, table: str, columns: Sequence[str], values: tuple[object, ...]
) -> None:
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
