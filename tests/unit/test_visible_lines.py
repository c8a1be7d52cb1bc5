"""``visible_lines``' fast path (plain ASCII passes unchanged without the pattern) gives
exactly what the pattern gives, for any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cockpit.model import text as text_module
from cockpit.model.text import visible_lines


def _by_the_pattern(text: str) -> str:
    return text_module._MULTI_LINE.sub(text_module._escape, text)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_text_is_shown_as_the_pattern_shows_it(text: str) -> None:
    assert visible_lines(text) == _by_the_pattern(text)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_shown_as_the_pattern_shows_it(text: str) -> None:
    assert visible_lines(text) == _by_the_pattern(text)


def test_the_fast_path_lets_only_plain_ascii_through() -> None:
    assert text_module._plain_ascii('[{"a":"b c"}]\n\tx')
    for char in ("\x1b", "\x7f", "\r", "\x00", "\x0b", "\u00e9", "\u202e"):
        assert not text_module._plain_ascii(f"ok{char}ok"), repr(char)
    assert visible_lines("a\x7fb\r\nc\rd") == "a\\x7fb\r\nc\\rd"
