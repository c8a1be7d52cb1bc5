"""cockpit.ui.columns: pane columns that adapt to the room they get."""

from __future__ import annotations

from cockpit.ui.columns import CELL_PADDING, Column, as_column, fit

ALERTS = (
    Column("sev", 8), Column("alert", 20, least=14), Column("labels", 30, least=12, flex=1, drop=1),
    Column("summary", 42, least=24, flex=2), Column("state", 10, least=9),
    Column("since", 7, least=6), Column("ack", 20, least=12, drop=2),
)  # fmt: skip


def _used(widths: list[int | None]) -> int:
    return sum(w + CELL_PADDING for w in widths if w is not None)


def test_plenty_of_room_gives_every_column_its_width_and_flex_the_rest() -> None:
    widths = fit(ALERTS, 200)
    assert widths[0] == 8 and widths[1] == 20 and widths[4] == 10 and widths[6] == 20
    assert _used(widths) == 200
    labels, summary = widths[2], widths[3]
    assert labels is not None and summary is not None and summary > labels


def test_narrow_room_shortens_then_drops_the_least_important_first() -> None:
    at_100 = fit(ALERTS, 94)  # 100 columns, less borders, padding and a scrollbar
    assert at_100[6] is None  # ack goes first
    assert all(w is not None for w in at_100[:6])
    assert _used(at_100) == 94
    at_80 = fit(ALERTS, 74)
    assert at_80[6] is None and at_80[2] is None  # then labels
    assert at_80[3] is not None and at_80[3] >= 24  # the summary keeps a readable width
    assert _used(at_80) <= 74


def test_columns_that_may_not_go_stay_even_when_nothing_fits() -> None:
    widths = fit((Column("a", 10), Column("b", 10, least=5)), 4)
    assert widths == [10, 5]


def test_remainder_of_flex_share_goes_to_the_last_flexible_column() -> None:
    widths = fit((Column("a", 5, flex=1), Column("b", 5, flex=1)), 25)  # 11 spare after 2x7
    assert widths == [5 + 5, 5 + 6]


def test_plain_tuples_still_work() -> None:
    assert as_column(("time", 8)) == Column("time", 8)
    assert as_column(("x", None)).width == 1
    assert fit([as_column(("time", 8))], 5) == [8]
