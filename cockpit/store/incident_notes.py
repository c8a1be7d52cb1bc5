"""What people write on an incident: notes, structured status updates, action items.

Each write is one short transaction, committed before the call returns (the TUI relies
on that: a note saved from a key press is on disk when the handler ends).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cockpit.model.action_items import ActionItem
from cockpit.model.timeline import TimelineEvent, require_aware
from cockpit.store.events import insert_event
from cockpit.store.incidents import read_for_update, touch
from cockpit.store.notebook import Notebook, from_db_time, new_id, to_db_time, utc_now

# The events that count as telling people where things stand: they reset the
# status-update countdown. Private notes do not.
STATUS_UPDATE_KINDS: tuple[str, ...] = ("update", "status_change", "severity_change")


def add_note(
    store: Notebook, incident_id: str, text: str, *, at: datetime, author: str | None = None
) -> int:
    """A free note (multi-line allowed) in the notes table and on the timeline; returns
    the timeline event id."""
    body = text.strip()
    if not body:
        raise ValueError("an empty note was not saved; write something first")
    require_aware(at, "at")
    now = utc_now()
    with store.transaction() as conn:
        record = read_for_update(conn, store, incident_id)
        conn.execute(
            "INSERT INTO notes (incident_id, author, created_at, body, written_by)"
            " VALUES (?, ?, ?, ?, cockpit_me())",
            (record.id, author, to_db_time(at), body),
        )
        event_id = insert_event(
            conn,
            TimelineEvent(
                kind="note",
                occurred_at=at,
                source="user",
                subject=record.id,
                body=body,
                author=author,
                incident_id=record.id,
            ),
            now,
        )
        touch(conn, record.id, now)
    return event_id


@dataclass(frozen=True)
class StatusUpdate:
    """A structured update (docs/domain.md, Incident lifecycle): where things stand, what is being
    done, what is needed from others."""

    conditions: str
    actions: str
    needs: str = ""

    def text(self) -> str:
        parts = [("Conditions", self.conditions), ("Actions", self.actions)]
        parts.append(("Needs", self.needs or "nothing"))
        return "\n".join(f"{label}: {value.strip()}" for label, value in parts)


def add_update(
    store: Notebook,
    incident_id: str,
    update: StatusUpdate,
    *,
    at: datetime,
    author: str | None = None,
) -> int:
    if not update.conditions.strip() or not update.actions.strip():
        raise ValueError("a status update needs Conditions and Actions (Needs may be empty)")
    require_aware(at, "at")
    now = utc_now()
    with store.transaction() as conn:
        record = read_for_update(conn, store, incident_id)
        event_id = insert_event(
            conn,
            TimelineEvent(
                kind="update",
                occurred_at=at,
                source="user",
                subject=record.id,
                body=update.text(),
                author=author,
                incident_id=record.id,
                labels={
                    "conditions": update.conditions.strip(),
                    "actions": update.actions.strip(),
                    "needs": update.needs.strip(),
                },
            ),
            now,
        )
        touch(conn, record.id, now)
    return event_id


def last_status_update(store: Notebook, incident_id: str) -> datetime | None:
    placeholders = ", ".join("?" for _ in STATUS_UPDATE_KINDS)
    row = store.connection.execute(
        f"SELECT max(occurred_at) FROM timeline_events WHERE incident_id = ?"
        f" AND kind IN ({placeholders})",
        (incident_id, *STATUS_UPDATE_KINDS),
    ).fetchone()
    return None if row is None or row[0] is None else from_db_time(row[0])


def add_action_item(
    store: Notebook,
    incident_id: str,
    what: str,
    *,
    owner: str | None = None,
    due: date | None = None,
    verification: str = "",
) -> ActionItem:
    if not what.strip():
        raise ValueError("an action item needs a description of what is to be done")
    now = utc_now()
    with store.transaction() as conn:
        record = read_for_update(conn, store, incident_id)
        cursor = conn.execute(
            "INSERT INTO action_items (incident_id, what, owner, due_date, verification,"
            " created_at, written_by) VALUES (?, ?, ?, ?, ?, ?, cockpit_me()) RETURNING id",
            (
                record.id,
                what.strip(),
                (owner or "").strip() or None,
                due.isoformat() if due else None,
                verification.strip(),
                to_db_time(now),
            ),
        )
        item_id = new_id(cursor, "action item")
        touch(conn, record.id, now)
    return ActionItem(
        item_id, record.id, what.strip(), (owner or "").strip() or None, due,
        verification.strip(), False,
    )  # fmt: skip


def set_action_done(store: Notebook, item_id: int, done: bool = True) -> None:
    now = utc_now()
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE action_items SET written_by = cockpit_me(), done = ?, done_at = ? WHERE id = ?",
            (int(done), to_db_time(now) if done else None, item_id),
        )
        if not cursor.rowcount:
            raise LookupError(f"no action item {item_id}")


def action_items(store: Notebook, incident_id: str) -> list[ActionItem]:
    rows = store.connection.execute(
        "SELECT id, incident_id, what, owner, due_date, verification, done FROM action_items"
        " WHERE incident_id = ? ORDER BY id",
        (incident_id,),
    )
    items = []
    for r in rows:
        due = date.fromisoformat(r[4]) if r[4] else None
        items.append(ActionItem(int(r[0]), r[1], r[2], r[3], due, r[5], bool(r[6])))
    return items


@dataclass(frozen=True)
class RunbookRunLink:
    """A runbook run started for this incident (the runbook engine writes these)."""

    id: int
    runbook: str
    status: str
    started_by: str | None
    started_at: datetime
    dry_run: bool


def linked_runbook_runs(store: Notebook, incident_id: str) -> list[RunbookRunLink]:
    rows = store.connection.execute(
        "SELECT id, runbook, status, started_by, started_at, dry_run FROM runbook_runs"
        " WHERE incident_id = ? ORDER BY started_at, id",
        (incident_id,),
    )
    return [
        RunbookRunLink(int(r[0]), r[1], r[2], r[3], from_db_time(r[4]), bool(r[5])) for r in rows
    ]
