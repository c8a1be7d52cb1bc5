"""Text from outside (alert labels, notes, command output) made safe for a terminal."""

from __future__ import annotations

import unicodedata

_KEPT = frozenset("\n\t")


def terminal_safe(text: str) -> str:
    """``text`` with control and format characters shown as escapes (``\\x1b``, ``\\u202e``).

    An escape sequence in an annotation or command output must not reach the terminal
    (it could retitle the window, write the clipboard, or reverse the text around it).
    Newlines and tabs stay.
    """
    out: list[str] = []
    for char in text:
        if char not in _KEPT and unicodedata.category(char) in ("Cc", "Cf"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
