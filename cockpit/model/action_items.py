"""A postmortem's action item: what will be done, by whom, by when, and how we will know
it worked. The store keeps them with their incident; the weekly review lists the open
ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ActionItem:
    id: int
    incident_id: str
    what: str
    owner: str | None
    due: date | None
    verification: str
    done: bool
