"""A read-only cockpit: its keys that would write are off, shown dimmed in the footer.

A cockpit is read-only when its notebook says so (``Notebook.read_only``: a PostgreSQL
role without write grants, a wall display's or a manager's). Every write would be refused
by the notebook anyway (``NotebookReadOnlyError``); turning the keys off says it before a
key is pressed. An Alertmanager write (ack, silence) is off too: the cockpit's record of
it could not be kept, and a read-only cockpit is for looking.
"""

from __future__ import annotations

from typing import ClassVar

from textual.dom import DOMNode

from cockpit.ui.context import CockpitContext


def read_only_reason(node: DOMNode) -> str | None:
    """Why the cockpit ``node`` is in may only read, None when it may write (or when it
    is mounted in some other app, as in a widget's own test)."""
    app = node.app
    return app.read_only if isinstance(app, CockpitContext) else None


class OffWhenReadOnly(DOMNode):
    """Mixed into a pane or screen: the actions in ``WRITE_ACTIONS`` are off (their keys
    dimmed, pressing them does nothing) while the cockpit is read-only.

    Name it after the widget's own base (``class AlertsPane(Pane, OffWhenReadOnly)``):
    Textual finds a widget's CSS type names through its first base only."""

    WRITE_ACTIONS: ClassVar[frozenset[str]] = frozenset()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITE_ACTIONS and read_only_reason(self) is not None:
            return None  # shown, dimmed: the key exists but cannot act here
        return super().check_action(action, parameters)
