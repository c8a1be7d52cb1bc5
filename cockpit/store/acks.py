"""Acks in the notebook: who acked which alert, through which silence, until when.

Rows are never deleted; un-acking sets ``removed_at``. Every ack, unack and expired
silence is also a timeline event, so the incident timeline and the handoff digest read it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from cockpit.model.alerts import Alert
from cockpit.model.silences import Silence
from cockpit.model.timeline import TimelineEvent
from cockpit.store.events import insert_event
from cockpit.store.notebook import Notebook, from_db_time, new_id, to_db_time, utc_now
from cockpit.store.sql import Row


@dataclass(frozen=True)
class AckRecord:
    id: int
    fingerprint: str
    alertname: str
    labels: Mapping[str, str]
    silence_id: str | None
    created_by: str | None
    created_at: datetime
    expires_at: datetime | None
    removed_at: datetime | None


def record_ack(
    store: Notebook,
    alert: Alert,
    silence: Silence,
    silence_id: str,
    at: datetime,
    replaces: Sequence[Silence] = (),
) -> int:
    """Note an ack (its silence already exists in Alertmanager); returns the ack's id.
    ``replaces``: older ack silences of the alert that this one renewed (they end here,
    in the same transaction, and the event says "renewed")."""
    labels = dict(alert.labels)
    with store.transaction() as conn:
        for old in replaces:
            conn.execute(
                "UPDATE acks SET written_by = cockpit_me(),"
                " removed_at = ? WHERE silence_id = ? AND removed_at IS NULL",
                (to_db_time(at), old.id),
            )
        cursor = conn.execute(
            "INSERT INTO acks (fingerprint, alertname, labels, silence_id, created_by,"
            " created_at, expires_at, written_by) VALUES (?, ?, ?, ?, ?, ?, ?, cockpit_me())"
            " RETURNING id",
            (
                alert.fingerprint,
                alert.name,
                json.dumps(labels, sort_keys=True),
                silence_id,
                silence.created_by or None,
                to_db_time(at),
                to_db_time(silence.ends_at),
            ),
        )
        ack_id = new_id(cursor, "ack")
        until = silence.ends_at.strftime("%H:%M UTC")
        verb = "ack renewed" if replaces else "acked"
        previous = ", ".join(sorted({old.created_by or "someone" for old in replaces}))
        previous = f"acked by {previous}" if previous else ""
        insert_event(
            conn,
            TimelineEvent(
                kind="alert_acked",
                occurred_at=at,
                source="user",
                subject=alert.name,
                body=f"{alert.name} {verb} by {silence.created_by or 'someone'} until {until}"
                + (f" (was {previous})" if previous else ""),
                author=silence.created_by or None,
                component=alert.labels.get("service"),
                labels=labels,
                fingerprint=alert.fingerprint or None,
                cluster=alert.cluster or silence.cluster or None,
            ),
            utc_now(),
        )
        return ack_id


def record_unack(
    store: Notebook, silence: Silence, who: str, at: datetime, alert: Alert | None = None
) -> bool:
    """Note that ``silence`` (an ack) was expired by ``who``; True if a local ack ended."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT fingerprint, alertname, labels FROM acks WHERE silence_id = ?"
            " ORDER BY created_at DESC LIMIT 1",
            (silence.id,),
        ).fetchone()
        changed = conn.execute(
            "UPDATE acks SET written_by = cockpit_me(),"
            " removed_at = ? WHERE silence_id = ? AND removed_at IS NULL",
            (to_db_time(at), silence.id),
        ).rowcount
        if alert is not None:
            name, labels, fingerprint = alert.name, dict(alert.labels), alert.fingerprint
        elif row is not None:
            name, labels = row["alertname"], json.loads(row["labels"])
            fingerprint = row["fingerprint"]
        else:
            labels = {m.name: m.value for m in silence.matchers if m.op == "="}
            name, fingerprint = labels.get("alertname", "silence " + silence.id[:8]), ""
        insert_event(
            conn,
            TimelineEvent(
                kind="alert_unacked",
                occurred_at=at,
                source="user",
                subject=name,
                body=f"{name} un-acked by {who or 'someone'}",
                author=who or None,
                component=labels.get("service"),
                labels=labels,
                fingerprint=fingerprint or None,
                cluster=(alert.cluster if alert is not None else "") or silence.cluster or None,
            ),
            utc_now(),
        )
    return changed > 0


def record_extend(store: Notebook, old_id: str, new_id: str, ends_at: datetime) -> int:
    """An ack silence was extended: its local ack follows (new end, and the new id when
    Alertmanager answered one), so the digest and the expiry watch see it still live."""
    with store.transaction() as conn:
        return conn.execute(
            "UPDATE acks SET written_by = cockpit_me(),"
            " expires_at = ?, silence_id = ? WHERE silence_id = ?"
            " AND removed_at IS NULL",
            (to_db_time(ends_at), new_id, old_id),
        ).rowcount


def record_silences_expired(store: Notebook, silences: list[Silence], at: datetime) -> int:
    """One ``silence_expired`` event per silence that was live and is now expired, except
    acks already noted as un-acked; returns how many were written."""
    if not silences:
        return 0
    written = 0
    with store.transaction() as conn:
        for silence in silences:
            if conn.execute(
                "SELECT 1 FROM acks WHERE silence_id = ? AND removed_at IS NOT NULL",
                (silence.id,),
            ).fetchone():
                continue  # an unack already said so
            written += 1
            labels = {m.name: m.value for m in silence.matchers if m.op == "="}
            kind = "ack" if silence.is_ack else "silence"
            insert_event(
                conn,
                TimelineEvent(
                    kind="silence_expired",
                    occurred_at=min(at, silence.ends_at),
                    source="alertmanager",
                    subject=labels.get("alertname", silence.matcher_text[:60]),
                    body=f"{kind} by {silence.created_by or '?'} ended: {silence.matcher_text}",
                    author=silence.created_by or None,
                    component=labels.get("service"),
                    labels=labels,
                    cluster=silence.cluster or None,
                ),
                utc_now(),
            )
            conn.execute(
                "UPDATE acks SET written_by = cockpit_me(),"
                " removed_at = ? WHERE silence_id = ? AND removed_at IS NULL",
                (to_db_time(at), silence.id),
            )
    return written


def _record(row: Row) -> AckRecord:
    def opt(text: str | None) -> datetime | None:
        return from_db_time(text) if text else None

    return AckRecord(
        id=int(row["id"]),
        fingerprint=row["fingerprint"],
        alertname=row["alertname"],
        labels=json.loads(row["labels"]),
        silence_id=row["silence_id"],
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        expires_at=opt(row["expires_at"]),
        removed_at=opt(row["removed_at"]),
    )


def acks_for(store: Notebook, fingerprint: str) -> list[AckRecord]:
    rows = store.connection.execute(
        "SELECT * FROM acks WHERE fingerprint = ? ORDER BY created_at DESC", (fingerprint,)
    ).fetchall()
    return [_record(row) for row in rows]


def acks_at(store: Notebook, at: datetime) -> list[AckRecord]:
    """The acks that held at a past moment: made by then, not yet removed or expired."""
    stamp = to_db_time(at)
    rows = store.connection.execute(
        "SELECT * FROM acks WHERE created_at <= ? AND (removed_at IS NULL OR removed_at > ?)"
        " AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC",
        (stamp, stamp, stamp),
    ).fetchall()
    return [_record(row) for row in rows]


def active_acks(store: Notebook, now: datetime) -> list[AckRecord]:
    rows = store.connection.execute(
        "SELECT * FROM acks WHERE removed_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
        " ORDER BY created_at DESC",
        (to_db_time(now),),
    ).fetchall()
    return [_record(row) for row in rows]
