"""Shift handoffs: the draft of the current shift, its checklist, sign-off, past ones.

A handoff row is a draft until it is signed; at most one draft exists (a unique index),
and a signed handoff cannot change (triggers in 0002_handoff.sql refuse it, so no other
writer can get round this module either).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cockpit.model.checklist import ChecklistItem, TemplateItem
from cockpit.model.rotation import HandoffRecord, is_late
from cockpit.model.timeline import require_aware
from cockpit.store.notebook import Notebook, NotebookError, from_db_time, new_id, to_db_time
from cockpit.store.sql import Connection, Row

TEXT_SECTIONS = ("time_critical", "at_risk", "notes")


class HandoffRefused(Exception):
    """The change is not allowed; the message says why and what to do."""


@dataclass(frozen=True)
class Handoff:
    id: int
    outgoing: str
    incoming: str | None
    shift_start: datetime
    shift_end: datetime
    created_at: datetime
    signed_at: datetime | None
    signed_by: str | None
    digest: str  # the Markdown digest as signed; empty for a draft
    notes: str  # the shift notes scratchpad
    time_critical: str
    at_risk: str
    checklist: tuple[ChecklistItem, ...] = ()
    # The scheduled handoff this one closes (or, as a draft, heads for); None for a swap
    # between two scheduled handoffs and for rows signed before migration 0007.
    scheduled_at: datetime | None = None
    kind: str = "handoff"  # or "swap": taken over at another time or by someone else

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def late(self) -> bool:
        """Signed more than an hour after its scheduled time."""
        return (
            self.kind == "handoff"
            and self.scheduled_at is not None
            and self.signed_at is not None
            and is_late(self.scheduled_at, self.signed_at)
        )

    def record(self) -> HandoffRecord | None:
        """What the rotation rule needs of it; None for a draft."""
        if self.signed_at is None or self.signed_by is None:
            return None
        return HandoffRecord(self.signed_at, self.signed_by, self.scheduled_at)

    def unticked(self, part: str) -> list[ChecklistItem]:
        return [i for i in self.checklist if i.part == part and not i.checked]


def _opt(value: str | None) -> datetime | None:
    return None if value is None else from_db_time(value)


def _db_opt(value: datetime | None) -> str | None:
    return None if value is None else to_db_time(value)


def _items(conn: Connection, handoff_id: int) -> tuple[ChecklistItem, ...]:
    rows = conn.execute(
        "SELECT id, position, part, item, checked, checked_by, checked_at"
        " FROM handoff_checklist_items WHERE handoff_id = ? ORDER BY position",
        (handoff_id,),
    )
    return tuple(
        ChecklistItem(
            int(r["id"]),
            int(r["position"]),
            r["part"],
            r["item"],
            bool(r["checked"]),
            r["checked_by"],
            _opt(r["checked_at"]),
        )
        for r in rows
    )


def _row(conn: Connection, row: Row) -> Handoff:
    return Handoff(
        id=int(row["id"]),
        outgoing=row["outgoing"],
        incoming=row["incoming"],
        shift_start=from_db_time(row["shift_start"]),
        shift_end=from_db_time(row["shift_end"]),
        created_at=from_db_time(row["created_at"]),
        signed_at=_opt(row["signed_at"]),
        signed_by=row["signed_by"],
        digest=row["digest"],
        notes=row["notes"],
        time_critical=row["time_critical"],
        at_risk=row["at_risk"],
        checklist=_items(conn, int(row["id"])),
        scheduled_at=_opt(row["scheduled_at"]),
        kind=row["kind"],
    )


def get_handoff(store: Notebook, handoff_id: int) -> Handoff | None:
    conn = store.connection
    row = conn.execute("SELECT * FROM handoffs WHERE id = ?", (handoff_id,)).fetchone()
    return None if row is None else _row(conn, row)


def current_draft(store: Notebook) -> Handoff | None:
    conn = store.connection
    row = conn.execute("SELECT * FROM handoffs WHERE signed_at IS NULL").fetchone()
    return None if row is None else _row(conn, row)


def last_signed(store: Notebook, before: datetime | None = None) -> Handoff | None:
    """The most recently signed handoff (signed at or before ``before`` if given)."""
    conn = store.connection
    sql = "SELECT * FROM handoffs WHERE signed_at IS NOT NULL"
    params: list[str] = []
    if before is not None:
        sql += " AND signed_at <= ?"
        params.append(to_db_time(before))
    row = conn.execute(sql + " ORDER BY signed_at DESC, id DESC LIMIT 1", params).fetchone()
    return None if row is None else _row(conn, row)


def past_handoffs(store: Notebook, limit: int = 50) -> list[Handoff]:
    """Signed handoffs, newest first."""
    conn = store.connection
    rows = conn.execute(
        "SELECT * FROM handoffs WHERE signed_at IS NOT NULL"
        " ORDER BY signed_at DESC, id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [_row(conn, r) for r in rows]


def create_draft(
    store: Notebook,
    *,
    outgoing: str,
    incoming: str | None,
    shift_start: datetime,
    shift_end: datetime,
    template: Sequence[TemplateItem],
    now: datetime,
    scheduled_at: datetime | None = None,
) -> Handoff:
    """The draft of the current shift, its checklist copied from ``template``. If another
    process created a draft meanwhile, that one is returned."""
    require_aware(now, "now")
    if not outgoing.strip():
        raise HandoffRefused(
            "nobody is on call: set [oncall] roster (or me) in the config, then try again"
        )
    if shift_end < shift_start:
        shift_end = shift_start
    with store.transaction() as conn:
        existing = conn.execute("SELECT id FROM handoffs WHERE signed_at IS NULL").fetchone()
        if existing is not None:
            handoff_id = int(existing[0])
        else:
            cursor = conn.execute(
                "INSERT INTO handoffs (outgoing, incoming, shift_start, shift_end, created_at,"
                " scheduled_at, written_by) VALUES (?, ?, ?, ?, ?, ?, cockpit_me()) RETURNING id",
                (outgoing.strip(), incoming, to_db_time(shift_start), to_db_time(shift_end),
                 to_db_time(now), _db_opt(scheduled_at)),
            )  # fmt: skip
            handoff_id = new_id(cursor, "handoff")
            conn.executemany(
                "INSERT INTO handoff_checklist_items (handoff_id, position, part, item,"
                " written_by) VALUES (?, ?, ?, ?, cockpit_me())",
                [(handoff_id, i, t.part, t.text) for i, t in enumerate(template)],
            )
    handoff = get_handoff(store, handoff_id)
    if handoff is None:
        raise NotebookError(f"handoff {handoff_id} vanished right after it was created")
    return handoff


def _require_draft(conn: Connection, handoff_id: int) -> Row:
    row: Row | None = conn.execute("SELECT * FROM handoffs WHERE id = ?", (handoff_id,)).fetchone()
    if row is None:
        raise HandoffRefused(f"there is no handoff {handoff_id}; `cockpit handoff list` shows them")
    if row["signed_at"] is not None:
        raise HandoffRefused(
            f"handoff {handoff_id} was already signed by {row['signed_by']} at "
            f"{row['signed_at']}; a signed handoff is read-only"
        )
    return row


def save_text(store: Notebook, handoff_id: int, section: str, text: str) -> None:
    """Write one free-text section (the scratchpad is ``notes``) of a draft."""
    if section not in TEXT_SECTIONS:
        raise ValueError(f"unknown handoff section {section!r}; use one of {TEXT_SECTIONS}")
    with store.transaction() as conn:
        _require_draft(conn, handoff_id)
        conn.execute(
            f"UPDATE handoffs SET written_by = cockpit_me(), {section} = ? WHERE id = ?",
            (text, handoff_id),
        )


def tick(
    store: Notebook, item_id: int, *, checked: bool, by: str | None, at: datetime
) -> ChecklistItem:
    """Tick (or untick) one checklist item of a draft, as ``by``."""
    require_aware(at, "at")
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT handoff_id FROM handoff_checklist_items WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise HandoffRefused(f"there is no checklist item {item_id}")
        _require_draft(conn, int(row[0]))
        conn.execute(
            "UPDATE handoff_checklist_items SET written_by = cockpit_me(),"
            " checked = ?, checked_by = ?, checked_at = ?"
            " WHERE id = ?",
            (int(checked), by if checked else None, to_db_time(at) if checked else None, item_id),
        )
        handoff_id = int(row[0])
    return next(i for i in _items(store.connection, handoff_id) if i.id == item_id)


def retarget_draft(
    store: Notebook,
    handoff_id: int,
    *,
    outgoing: str,
    incoming: str | None,
    scheduled_at: datetime,
    shift_start: datetime,
    shift_end: datetime,
) -> Handoff:
    """Point the draft at the handoff the rotation says is next (the schedule moved on,
    or a swap changed who is on call); its notes and ticks stay."""
    with store.transaction() as conn:
        _require_draft(conn, handoff_id)
        conn.execute(
            "UPDATE handoffs SET written_by = cockpit_me(),"
            " outgoing = ?, incoming = ?, scheduled_at = ?, shift_start = ?,"
            " shift_end = ? WHERE id = ?",
            (outgoing.strip(), incoming, to_db_time(scheduled_at), to_db_time(shift_start),
             to_db_time(max(shift_end, shift_start)), handoff_id),
        )  # fmt: skip
    handoff = get_handoff(store, handoff_id)
    assert handoff is not None
    return handoff


def sign(
    store: Notebook,
    handoff_id: int,
    *,
    by: str,
    at: datetime,
    digest: str,
    shift_end: datetime | None = None,
    swap: bool = False,
    closes_slot: bool = True,
) -> Handoff:
    """The incoming engineer signs: the shift ends at ``shift_end`` (default ``at``) and
    the digest is kept as it was. Refused for a signed handoff, an empty name, the
    outgoing engineer, anyone but the incoming engineer when the rotation names one, and
    a second signature for the same scheduled handoff. A swap is signed by whoever takes
    the shift over; it becomes the incoming engineer. Without ``closes_slot`` (a swap
    between scheduled handoffs) the row closes no scheduled handoff."""
    require_aware(at, "at")
    name = by.strip()
    if not name:
        raise HandoffRefused("sign with your name: --as NAME")
    with store.transaction() as conn:
        row = _require_draft(conn, handoff_id)
        if name.casefold() == str(row["outgoing"]).casefold():
            raise HandoffRefused(
                f"{name} is the outgoing engineer of this shift; the incoming engineer "
                f"({row['incoming'] or 'the next on call'}) signs the handoff"
            )
        incoming = "" if swap else str(row["incoming"] or "")
        if incoming and name.casefold() != incoming.casefold():
            raise HandoffRefused(
                f"only the incoming engineer, {incoming}, signs this handoff; if {name} takes "
                f"the shift over instead, record it as a swap: cockpit handoff swap --as {name}"
            )
        name = incoming or name  # the roster's spelling
        slot = row["scheduled_at"] if closes_slot else None
        _refuse_second_signature(conn, slot)
        start = from_db_time(row["shift_start"])
        end = max(shift_end or at, start)
        conn.execute(
            "UPDATE handoffs SET written_by = cockpit_me(),"
            " signed_at = ?, signed_by = ?, shift_end = ?, digest = ?,"
            " incoming = ?, kind = ?, scheduled_at = ? WHERE id = ?",
            (to_db_time(at), name, to_db_time(end), digest, name,
             "swap" if swap else "handoff", slot, handoff_id),
        )  # fmt: skip
    handoff = get_handoff(store, handoff_id)
    assert handoff is not None
    return handoff


def _refuse_second_signature(conn: Connection, scheduled_at: str | None) -> None:
    """The unique index refuses it anyway; this says why in words."""
    if scheduled_at is None:
        return
    done = conn.execute(
        "SELECT signed_by, signed_at FROM handoffs WHERE scheduled_at = ?"
        " AND signed_at IS NOT NULL",
        (scheduled_at,),
    ).fetchone()
    if done is not None:
        raise HandoffRefused(
            f"the handoff scheduled for {scheduled_at} was already signed by "
            f"{done['signed_by']} at {done['signed_at']}; one signature per scheduled handoff"
        )
