"""Outside text in the TUI's two markup places: toasts never carry a control character
(error texts quote servers, labels and bodies), and a border title quotes outside text
only through ``markup_text``."""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from cockpit.model.text import visible, visible_lines


def markup_text(text: str) -> str:
    """``text`` (made visible) for a place that reads markup, such as a border title.

    ``textual.markup.escape`` is not enough for hostile text: it leaves ``[2J`` alone (a
    tag must start with a letter), and ``[2J[link=...]`` then fails to parse. So every
    ``[`` is escaped."""
    return visible(text).replace("[", "\\[")


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
