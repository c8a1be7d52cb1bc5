"""The one sanitiser for text from outside (alert labels and annotations, silence comments,
health bodies, command output, plugin text) before a terminal sees it.

A terminal obeys control characters: ``ESC [ 2 J`` clears the screen, ``ESC ] 52`` writes
the clipboard, SGR 8 hides what follows, a bidi override reorders what the eye reads and
a newline fakes a table row. So every such character is shown as a visible escape
instead (``\\x1b``, ``\\x07``, ``\\u202e``; ``\\n`` in single-line contexts), never sent:

- C0 controls (U+0000-U+001F), DEL and the C1 controls (U+0080-U+009F, which some
  terminals read as ESC sequences too);
- the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the marks
  U+200E, U+200F, U+061C, and the line and paragraph separators U+2028, U+2029;
- lone surrogates (a JSON ``"\\ud800"`` decodes to one; printing it would raise).

``visible`` is for one line (a table cell, a title, a prompt); ``visible_lines`` keeps
newlines (and tabs) for multi-line text such as command output and health bodies, and
shows a carriage return that is not part of a CRLF.

Both only make text inert for the terminal. Rich / Textual markup is a separate danger:
the UI renders outside text as ``rich.text.Text`` (never markup strings), or escapes it.
JSON output keeps raw values: ``json.dumps`` escapes control characters itself.
"""

from __future__ import annotations

import re

# Characters a terminal may act on, or that change what the eye reads.
_OTHER = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ONE_LINE = re.compile(f"[\x00-\x1f{_OTHER}]")
# Newline and tab stay; a carriage return stays only before a newline (CRLF).
_MULTI_LINE = re.compile(f"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHER}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_char(char: str) -> str:
    """One character as a visible escape: ``\\n``, ``\\x1b``, ``\\u202e``."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _escape(match: re.Match[str]) -> str:
    return escape_char(match.group(0))


def visible(text: str) -> str:
    """``text`` for one line: every control character, newline included, made visible."""
    return _ONE_LINE.sub(_escape, text)


def visible_lines(text: str) -> str:
    """``text`` keeping its lines: newlines, tabs and CRLF pairs stay, every other control
    character is made visible (a lone ``\\r`` too, which would overwrite the line)."""
    if _plain_ascii(text):
        return text
    return _MULTI_LINE.sub(_escape, text)


# Printable ASCII, newline and tab: text made only of these needs no escaping.
_PLAIN = bytes(range(0x20, 0x7F)) + b"\n\t"


def _plain_ascii(text: str) -> bool:
    """Whether ``text`` is printable ASCII, newlines and tabs only: checked in C, about
    ten times faster than the pattern's search (the CLI's 2 MB of JSON, issue 18)."""
    return text.isascii() and not text.encode("ascii").translate(None, _PLAIN)


def is_visible(text: str, *, multi_line: bool = False) -> bool:
    """Whether ``text`` needs no escaping (as ``visible`` or ``visible_lines`` would)."""
    return (_MULTI_LINE if multi_line else _ONE_LINE).search(text) is None


_RAW_IN_JSON = re.compile(f"[{_OTHER}]")


def inert_json(dumped: str) -> str:
    """JSON text (from ``json.dumps``) with every character the sanitiser would rewrite
    written as a JSON ``\\uXXXX`` escape instead. With ``ensure_ascii=False`` (kept for
    readable non-Latin titles) ``json.dumps`` leaves DEL, the C1 controls and the bidi marks
    raw, and the output guard would turn a raw DEL into ``\\x7f``, which is not JSON. Such
    characters only occur inside JSON strings, so the escape keeps the value and the JSON
    valid."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)
