"""The weekly review (the Friday meeting): one ISO week, browsed with [ and ]."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from cockpit.config import Config
from cockpit.reports.review import render_markdown
from cockpit.secrets import SecretError
from cockpit.services.notebook_admin import open_target
from cockpit.services.weekly_review import build_review, week_of
from cockpit.store import NotebookError


class ReviewScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("left_square_bracket", "week(-1)", "Previous week"),
        Binding("right_square_bracket", "week(1)", "Next week"),
    ]

    def __init__(
        self, config: Config, notebook_target: Path | str, clock: Callable[[], datetime]
    ) -> None:
        super().__init__()
        self.config = config
        self.notebook_target = notebook_target
        self.clock = clock
        self.week = week_of(clock(), ZoneInfo(config.oncall.timezone))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="review-body"):
            yield Static("", id="review-text")
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        body = self.query_one("#review-body", VerticalScroll)
        body.border_title = f"Weekly review {self.week[0]}-W{self.week[1]:02d}  ([ ] weeks, Esc)"
        try:
            with open_target(self.notebook_target) as store:
                text = render_markdown(build_review(store, self.config, self.clock(), self.week))
        except (NotebookError, SecretError, OSError) as exc:
            text = f"The notebook could not be read: {exc}"
        except sqlite3.Error as exc:
            text = f"The notebook could not be read: {exc}"
            self.notify(f"Weekly review: the notebook could not be read: {exc}",
                        severity="error", markup=False)  # fmt: skip
        self.query_one("#review-text", Static).update(Text(text))

    def action_week(self, step: int) -> None:
        monday = date.fromisocalendar(*self.week, 1) + timedelta(weeks=step)
        iso = monday.isocalendar()
        if (iso.year, iso.week) > week_of(self.clock(), ZoneInfo(self.config.oncall.timezone)):
            self.notify("This is the current week; nothing has happened after it yet.")
            return
        self.week = (iso.year, iso.week)
        self._show()
