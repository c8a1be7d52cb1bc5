"""The incident detail's editable fields as last loaded from the notebook.

A save sends only what the user changed here, so it never writes back a value the form
did not show (a responder set by a status move, a severity changed from the CLI or a
second cockpit). A reload after any write fills the fields the user has not touched and
leaves an edit in progress alone. A field that already shows the notebook's value (the
notebook trims what it keeps: "cause\n" is kept as "cause") is not rewritten, and a field
that is rewritten keeps its cursor, so typing on after a save goes where it was going.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen
from textual.widgets import Input, Select, TextArea

from cockpit.model.incident_record import IncidentRecord
from cockpit.model.text import visible, visible_lines

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
    """The record as the fields show it: an input field passes control characters to the
    terminal, so text that came from outside (an alert's summary, the CLI) shows them as
    visible escapes; a field left alone compares equal to this and is never written."""
    values = {name: visible(getattr(record, name) or "") for name, _ in LINE_FIELDS}
    values.update((name, visible_lines(getattr(record, name) or "")) for name, _ in TEXT_AREAS)
    values["components"] = visible(", ".join(record.components))
    values["severity"] = record.severity
    return values


def same(name: str, showing: str, value: str) -> bool:
    """Whether a field showing ``showing`` shows ``value`` as the notebook keeps it."""
    if name == "components":
        return _parts(showing) == _parts(value)
    return showing.strip() == value.strip()


def _parts(text: str) -> list[str]:
    return sorted({part.strip() for part in text.split(",") if part.strip()})


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
            area = self.screen.query_one(f"#field-{name}", TextArea)
            row, column = area.cursor_location
            area.text = value  # loading text puts the cursor at the start: put it back
            row = min(row, area.document.line_count - 1)
            area.cursor_location = (row, min(column, len(area.document.get_line(row))))
        else:
            field = self.screen.query_one(f"#field-{name}", Input)
            position = field.cursor_position
            field.value = value
            field.cursor_position = min(position, len(value))

    def load(self, record: IncidentRecord, *, everything: bool = False) -> None:
        """Show the record's values in every field the user has not edited (all of them
        with ``everything``, after the user's own save)."""
        for name, value in record_values(record).items():
            showing = self._get(name)
            edited = name in self.shown and showing != self.shown[name]
            if everything or not edited:
                if same(name, showing, value):
                    self.shown[name] = showing  # as the notebook keeps it: leave it be
                    continue
                self._set(name, value)
                self.shown[name] = value

    def changed(self) -> dict[str, str]:
        """Every field whose value differs from what was loaded into it."""
        return {name: self._get(name) for name in self.shown if self._get(name) != self.shown[name]}

    def names(self) -> Iterable[str]:
        return self.shown.keys()
