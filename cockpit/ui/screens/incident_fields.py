"""The incident detail's editable fields as last loaded from the notebook.

A save sends only what the user changed here, so it never writes back a value the form
did not show (a responder set by a status move, a severity changed from the CLI or a
second cockpit). A reload after any write fills the fields the user has not touched and
leaves an edit in progress alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen
from textual.widgets import Input, Select, TextArea

from cockpit.model.incident_record import IncidentRecord

LINE_FIELDS = (("title", "Title"), ("responder", "Responder"), ("commander", "Commander"))
TEXT_AREAS = (
    ("description", "Description (What)"),
    ("impact", "Impact"),
    ("suspected_cause", "Suspected cause"),
    ("root_cause", "Root cause (confirmed)"),
    ("resolution", "Resolution"),
    ("lessons", "Lessons"),
)


def record_values(record: IncidentRecord) -> dict[str, str]:
    values = {name: getattr(record, name) or "" for name, _ in (*LINE_FIELDS, *TEXT_AREAS)}
    values["components"] = ", ".join(record.components)
    values["severity"] = record.severity
    return values


class FormFields:
    def __init__(self, screen: Screen[None]) -> None:
        self.screen = screen
        self.shown: dict[str, str] = {}

    def _get(self, name: str) -> str:
        if name == "severity":
            return str(self.screen.query_one("#field-severity", Select).value)
        if name in dict(TEXT_AREAS):
            return self.screen.query_one(f"#field-{name}", TextArea).text
        return self.screen.query_one(f"#field-{name}", Input).value

    def _set(self, name: str, value: str) -> None:
        if name == "severity":
            self.screen.query_one("#field-severity", Select).value = value
        elif name in dict(TEXT_AREAS):
            self.screen.query_one(f"#field-{name}", TextArea).text = value
        else:
            self.screen.query_one(f"#field-{name}", Input).value = value

    def load(self, record: IncidentRecord, *, everything: bool = False) -> None:
        """Show the record's values in every field the user has not edited (all of them
        with ``everything``, after the user's own save)."""
        for name, value in record_values(record).items():
            edited = name in self.shown and self._get(name) != self.shown[name]
            if everything or not edited:
                if self._get(name) != value:
                    self._set(name, value)
                self.shown[name] = value

    def changed(self) -> dict[str, str]:
        """Every field whose value differs from what was loaded into it."""
        return {name: self._get(name) for name in self.shown if self._get(name) != self.shown[name]}

    def names(self) -> Iterable[str]:
        return self.shown.keys()
