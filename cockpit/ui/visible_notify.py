"""Toasts never carry a control character: error texts quote servers, labels and bodies."""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from cockpit.model.text import visible, visible_lines


class VisibleNotifications(App[None]):
    """Every ``notify`` (the app's, a screen's, a widget's: they all end here) passes its
    text through the sanitiser; whether it is read as markup stays the caller's choice."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        super().notify(
            visible_lines(message),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )
