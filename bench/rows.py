"""One row of the benchmark table: a figure, its goal, the ratio and whether it is met."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    what: str  # the wording, shortened
    figure: float | None  # None: not measured (the note says why)
    unit: str
    goal: float
    goal_text: str  # e.g. "< 16 ms", "<= 1.0x amtool"
    note: str = ""
    peer: float | None = None  # the peer's figure where the goal is a ratio to it

    @property
    def ratio(self) -> float | None:
        """figure / goal, or figure / peer where the goal is a ratio to a peer."""
        if self.figure is None:
            return None
        base = self.peer if self.peer is not None else self.goal
        if not base:
            return None
        return self.figure / base

    @property
    def met(self) -> bool:
        if self.figure is None or self.ratio is None:
            return False
        if self.peer is not None:
            return self.ratio <= self.goal
        return self.figure <= self.goal

    def as_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "what": self.what,
            "figure": _round(self.figure),
            "unit": self.unit,
            "goal": self.goal,
            "goal_text": self.goal_text,
            "ratio": _round(self.ratio),
            "met": self.met,
            "note": self.note,
        }
        if self.peer is not None:
            value["peer"] = _round(self.peer)
        return value


# Every row, in the order: key -> (what, unit, goal, goal as text). A goal that
# is a ratio to a peer (amtool, textual) is met when figure / peer <= goal.
GOALS: dict[str, tuple[str, str, float, str]] = {
    "cli_alerts_json_vs_amtool": (
        "`cockpit alerts --json` vs `amtool alert query -o json`", "s", 1.0, "<= 1.0x amtool"),
    "pane_refresh_1pct": (
        "alerts pane: UI-thread time to apply a refresh, 1 % changed", "ms", 16, "< 16 ms"),
    "pane_first_fill": ("alerts pane: first fill", "ms", 50, "< 50 ms"),
    "pane_full_rebuild": ("alerts pane: full rebuild", "ms", 50, "< 50 ms"),
    "start_to_first_frame": (
        "start to the first frame with all five panes drawn (demo)", "s", 0.8, "< 0.8 s"),
    "import_ui_vs_textual": (
        "`import cockpit.ui.app` vs `import textual.app`", "ms", 1.5, "<= 1.5x textual"),
    "idle_cpu_demo": ("idle CPU of the open cockpit on the demo", "% core", 2.0, "< 2 %"),
    "idle_cpu_alerts": ("idle CPU holding the unchanged alerts", "% core", 10.0, "< 10 %"),
    "probes_cycle_wall": ("one cycle of the HTTP probes on loopback: wall", "s", 1.0, "< 1 s"),
    "probes_cycle_cpu": ("one cycle of the HTTP probes: CPU", "CPU-s", 1.0, "< 1 CPU-s"),
    "notebook_sqlite_timeline_p99": (
        "notebook (SQLite): open an incident's timeline, p99", "ms", 50, "< 50 ms"),
    "notebook_sqlite_review_p99": ("notebook (SQLite): weekly review, p99", "ms", 300, "< 300 ms"),
    "notebook_sqlite_note_p99": ("notebook (SQLite): add a note, p99", "ms", 5, "< 5 ms"),
    "notebook_postgresql_timeline_p99": (
        "notebook (PostgreSQL): open an incident's timeline, p99", "ms", 50, "< 50 ms"),
    "notebook_postgresql_review_p99": (
        "notebook (PostgreSQL): weekly review, p99", "ms", 300, "< 300 ms"),
    "notebook_postgresql_note_p99": ("notebook (PostgreSQL): add a note, p99", "ms", 5, "< 5 ms"),
    "rss_peak_at_size": ("peak RSS with alerts, SLOs and probes at size", "MiB", 150, "< 150 MB"),
    "rss_growth_at_size": ("RSS growth over the window at size", "MiB", 5.0, "<= 5 MiB (flat)"),
    "alerts_many_filter": ("many alerts: apply a filter", "ms", 100, "< 100 ms"),
    "alerts_many_scroll": ("many alerts: one scrolling key", "ms", 100, "< 100 ms (usable)"),
    "alerts_many_rss_growth": (
        "many alerts: RSS growth over refreshes", "MiB", 5.0, "<= 5 MiB (no growth)"),
    # Issue 19: one step of time travel on the demo.
    "time_travel_step": ("time travel: one step back on the demo", "ms", 300, "< 300 ms"),
    # Issue 20: several Alertmanager clusters (5 x 2,000 alerts).
    "clusters_refresh_1pct": (
        "alerts pane, several clusters: apply a refresh, 1 % changed", "ms", 16, "< 16 ms"),
    "clusters_cli_vs_amtool": (
        "`cockpit alerts --json` (every cluster) vs amtool once per Alertmanager", "s", 1.0,
        "<= 1.0x amtool"),
}  # fmt: skip


def row(
    key: str, figure: float, note: str = "", *, what: str = "", peer: float | None = None
) -> Row:
    """A measured row; ``what`` replaces the generic wording (to name the sizes)."""
    generic, unit, goal, goal_text = GOALS[key]
    return Row(what or generic, figure, unit, goal, goal_text, note=note, peer=peer)


def not_measured(key: str, why: str) -> Row:
    what, unit, goal, goal_text = GOALS[key]
    return Row(what, None, unit, goal, goal_text, note=f"not measured: {why}")


def _round(value: float | None) -> float | None:
    if value is None or math.isnan(value):
        return None
    return round(value, 4)


def p99(values: Sequence[float]) -> float:
    """The 99th percentile (nearest rank); the largest value for fewer than 100."""
    ordered = sorted(values)
    rank = max(1, math.ceil(0.99 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def format_figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:.0f} {unit}"
    if abs(value) >= 10:
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"


def table(rows: dict[str, Row]) -> str:
    """The rows as a Markdown table (it reads in a terminal too)."""
    lines = [
        "| row | what | now | goal | ratio | met | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, row in rows.items():
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
        if row.peer is not None and row.ratio is not None:
            ratio += " peer"
        mark = "met" if row.met else ("not measured" if row.figure is None else "NOT MET")
        note = row.note.replace("|", "/")
        lines.append(
            f"| {key} | {row.what} | {format_figure(row.figure, row.unit)} | {row.goal_text} "
            f"| {ratio} | {mark} | {note} |"
        )
    return "\n".join(lines)
