"""The one sanitiser for outside text (cockpit.model.text): whatever goes in, no character
a terminal acts on comes out, and what was there stays readable."""

from __future__ import annotations

import os
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cockpit.model.text import is_visible, visible, visible_lines

# C0, DEL, C1, bidi embeddings/overrides/isolates and marks, line separators, surrogates.
TERMINAL_ACTS_ON = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
HOSTILE_CHARS = st.sampled_from(
    ["\x1b", "\x07", "\x00", "\r", "\n", "\t", "\x7f", "\x9b", "\x85", "\u202e", "\u2066",
     "\u2028", "\ud800", "[", "]", "$", "\\", "a", "é", "😀"]
)  # fmt: skip
# CI runs a fixed, bounded set; a long local run: COCKPIT_FUZZ_EXAMPLES=200000 pytest ...
EXAMPLES = int(os.environ.get("COCKPIT_FUZZ_EXAMPLES", "400"))
TEXTS = st.lists(st.one_of(HOSTILE_CHARS, st.characters()), max_size=60).map("".join)


@settings(derandomize=True, max_examples=EXAMPLES, deadline=None)
@given(TEXTS)
def test_one_line_output_has_no_control_character(text: str) -> None:
    shown = visible(text)
    assert TERMINAL_ACTS_ON.search(shown) is None
    assert is_visible(shown)


@settings(derandomize=True, max_examples=EXAMPLES, deadline=None)
@given(TEXTS)
def test_multi_line_output_keeps_only_newlines_tabs_and_crlf(text: str) -> None:
    shown = visible_lines(text)
    left = shown.replace("\r\n", "").replace("\n", "").replace("\t", "")
    assert TERMINAL_ACTS_ON.search(left) is None
    assert shown.count("\n") == text.count("\n")


@settings(derandomize=True, max_examples=EXAMPLES // 2, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf"))))
def test_ordinary_text_passes_unchanged(text: str) -> None:
    assert visible(text) == text and visible_lines(text) == text


def test_the_attacks_from_the_issue_are_shown_not_sent() -> None:
    assert visible("\x1b[2J") == "\\x1b[2J"
    assert visible("\x1b]0;title\x07") == "\\x1b]0;title\\x07"
    assert visible("\x1b]52;c;aGk=\x07") == "\\x1b]52;c;aGk=\\x07"
    assert visible("x\x1b[8mhidden\x1b[0m") == "x\\x1b[8mhidden\\x1b[0m"
    assert visible("row\nfake row") == "row\\nfake row"
    assert visible("abc\u202edef") == "abc\\u202edef"
    assert visible("\x9b2J") == "\\x9b2J"
    assert visible_lines("one\r\ntwo\rover\n\x1b[5mblink") == "one\r\ntwo\\rover\n\\x1b[5mblink"
