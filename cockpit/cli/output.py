"""The CLI's last line of defence against text from outside: while a command runs, its
standard output and error pass through the sanitiser (``cockpit.model.text``), so no
escape sequence, bell or bidi override in a label, comment, body or command output ever
reaches the terminal, whichever ``print`` forgot to clean it.

Lines stay lines here (newlines and tabs pass); single-line places (table cells, one-line
summaries) also apply ``visible`` themselves, so a newline in a label cannot fake a row.
The CLI writes no control characters of its own. JSON output is unchanged: ``json.dumps``
has already escaped every control character.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import TextIO

from cockpit.model.text import visible_lines


class VisibleWriter(io.TextIOBase):
    """A text stream that writes ``visible_lines(text)`` to the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(visible_lines(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", None) or "utf-8"


@contextlib.contextmanager
def visible_output() -> Iterator[None]:
    """Sanitise ``sys.stdout`` and ``sys.stderr`` for the duration; restore them after."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = VisibleWriter(out)
    sys.stderr = VisibleWriter(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
