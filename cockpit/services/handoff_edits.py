"""Handoff edits, the same for the TUI and the CLI: the draft's free-text sections (the
shift notes scratchpad among them) and its checklist ticks. Sign-off and swap are in
``handoff_sign.py``. Each write refuses a handoff that is no longer a draft
(``HandoffRefused``); a notebook error is raised for the caller to say."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from cockpit.model.checklist import ChecklistItem
from cockpit.model.timeline import TimelineEvent
from cockpit.store import Notebook
from cockpit.store.events import record_events
from cockpit.store.handoffs import Handoff, save_text, tick


def save_sections(notebook: Notebook, handoff_id: int, sections: Mapping[str, str]) -> None:
    """Write each free-text section (``notes``, ``time_critical``, ...) of a draft, in
    order; one that fails stops the rest (those before it stay written)."""
    for section, text in sections.items():
        save_text(notebook, handoff_id, section, text)


def tick_item(
    notebook: Notebook, handoff: Handoff, item_id: int, *, checked: bool, at: datetime
) -> ChecklistItem:
    """Tick (or untick) a checklist item. Each side ticks its own part: the tick is written
    in that engineer's name (the outgoing one's part as the outgoing engineer)."""
    item = next(i for i in handoff.checklist if i.id == item_id)
    by = handoff.outgoing if item.part == "outgoing" else handoff.incoming
    return tick(notebook, item_id, checked=checked, by=by, at=at)


def keep_replaced_text(
    notebook: Notebook, handoff: Handoff, section: str, replaced: str, *, by: str, at: datetime
) -> None:
    """Two cockpits wrote the same section at once; the last write won. What it replaced
    is kept as a note on the timeline, so nothing typed is lost."""
    label = section.replace("_", " ")
    event = TimelineEvent(
        kind="note",
        occurred_at=at,
        source="user",
        subject=f"handoff {handoff.id}: “{label}” replaced",
        body=f"{by} saved “{label}” over text another cockpit had just saved; that text was:"
        f"\n{replaced}",
        author=by,
    )
    record_events(notebook, [event])
