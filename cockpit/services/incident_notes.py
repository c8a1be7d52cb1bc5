"""Incident use cases that add to an incident's record: notes, status updates, the cause,
the postmortem and its action items. The TUI (timeline pane, incident screens) and
`cockpit incident ...` both call these; each is one notebook transaction with its
timeline event (``store/incident_notes.py``, ``store/incidents.py``).

Bad input raises ``ValueError`` (an unknown incident or item ``LookupError``) before
anything is written; the caller says it.
"""

from __future__ import annotations

from datetime import date, datetime

from cockpit.model.action_items import ActionItem
from cockpit.model.incident_record import IncidentRecord
from cockpit.store import Notebook, incident_changes
from cockpit.store import incident_notes as store_notes
from cockpit.store.incident_notes import StatusUpdate

__all__ = [
    "StatusUpdate",
    "add_action_item",
    "add_note",
    "add_update",
    "record_postmortem",
    "set_action_done",
    "set_cause",
]


def add_note(
    notebook: Notebook, incident_id: str, text: str, *, at: datetime, author: str | None = None
) -> int:
    """A free note on the incident and its timeline; returns the timeline event's id."""
    return store_notes.add_note(notebook, incident_id, text, at=at, author=author)


def add_update(
    notebook: Notebook,
    incident_id: str,
    update: StatusUpdate,
    *,
    at: datetime,
    author: str | None = None,
) -> int:
    """A status update (conditions, actions, needs); returns the timeline event's id."""
    return store_notes.add_update(notebook, incident_id, update, at=at, author=author)


def set_cause(
    notebook: Notebook, incident_id: str, text: str, *, suspected: bool = False
) -> IncidentRecord:
    """The root cause, or the suspected cause while it is not known yet."""
    if not text.strip():
        raise ValueError("the cause is empty; say what caused it")
    field = "suspected_cause" if suspected else "root_cause"
    return incident_changes.update_fields(notebook, incident_id, {field: text})


def record_postmortem(
    notebook: Notebook,
    incident_id: str,
    *,
    at: datetime,
    url: str | None = None,
    document: str | None = None,
    author: str | None = None,
) -> IncidentRecord:
    """The postmortem is done: its link or its document."""
    return incident_changes.set_postmortem(
        notebook, incident_id, at=at, url=url, document=document, author=author
    )


def add_action_item(
    notebook: Notebook,
    incident_id: str,
    what: str,
    *,
    owner: str | None = None,
    due: date | None = None,
    verification: str = "",
) -> ActionItem:
    return store_notes.add_action_item(
        notebook, incident_id, what, owner=owner, due=due, verification=verification
    )


def set_action_done(notebook: Notebook, item_id: int, done: bool = True) -> None:
    store_notes.set_action_done(notebook, item_id, done)
