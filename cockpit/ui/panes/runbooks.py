"""The runbooks the cockpit knows: bundled ones and the user's own."""

from __future__ import annotations

from collections.abc import Sequence

from cockpit.services.runbook_catalog import RunbookEntry
from cockpit.ui.panes.base import Pane
from cockpit.ui.table_sync import Row


class RunbooksPane(Pane):
    TITLE = "Runbooks"
    KEY = "4"
    COLUMNS = (("runbook", 25), ("steps", 5), ("applies to", 20), ("from", 7))

    def update_catalog(self, entries: Sequence[RunbookEntry]) -> None:
        rows: list[Row] = []
        for entry in entries:
            if entry.runbook is None:
                problem = entry.problems[0].message if entry.problems else "unreadable"
                rows.append(
                    (
                        entry.name,
                        (entry.title or entry.name, "—", f"broken: {problem}", entry.origin),
                    )
                )
                continue
            applies = ", ".join(entry.runbook.alerts) or "—"
            rows.append(
                (entry.name, (entry.title, str(len(entry.runbook.steps)), applies, entry.origin))
            )
        self.show(rows, "No runbooks found." if not rows else "")
