"""The shift handoff: the digest of the shift, the checklist, the three free-text sections
(the shift notes scratchpad among them), sign-off, and past handoffs read-only.

Text is saved as you type: each change arms a short timer (``SAVE_AFTER``) and every
pending change is written when the screen closes or the app exits, so nothing is lost.
The screen opens its own notebook connection, so its last save never races the app
closing its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Label, SelectionList, Static, TextArea

from cockpit.config import Config
from cockpit.model.checklist import ChecklistItem
from cockpit.model.rotation import is_late
from cockpit.model.text import visible_lines
from cockpit.reports.handoff import render_markdown
from cockpit.secrets import SecretError
from cockpit.services.handoff_digest import build_digest
from cockpit.services.handoff_edits import keep_replaced_text, save_sections, tick_item
from cockpit.services.handoff_live import LiveState
from cockpit.services.handoff_sign import sign_current
from cockpit.services.notebook_admin import open_target
from cockpit.services.shift import ensure_draft, refuse_unless_open
from cockpit.store import Notebook, NotebookError
from cockpit.store.handoffs import (
    TEXT_SECTIONS,
    Handoff,
    HandoffRefused,
    get_handoff,
    past_handoffs,
)
from cockpit.ui.read_only import OffWhenReadOnly
from cockpit.ui.screens.handoff_dialogs import PastHandoffsScreen as PastHandoffsScreen
from cockpit.ui.screens.handoff_dialogs import SignOffScreen as SignOffScreen

SAVE_AFTER = 0.5  # seconds of quiet before a text section is written
SECTION_TITLES = {
    "time_critical": "Time-critical work handed over",
    "at_risk": "Components degraded or at risk",
    "notes": "Shift notes (scratchpad, saved as you type)",
}
LiveFetch = Callable[[], Awaitable[LiveState]]


def _db_problem(exc: sqlite3.Error) -> str:
    """SQLite's own errors (``Notebook.transaction`` re-raises them as they are), in words."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"the notebook is busy (another cockpit is writing to it): {text}; try again"
    return f"the notebook refused: {text}"


def _with_text(handoff: Handoff, texts: dict[str, str]) -> Handoff:
    return replace(
        handoff,
        time_critical=texts.get("time_critical", handoff.time_critical),
        at_risk=texts.get("at_risk", handoff.at_risk),
        notes=texts.get("notes", handoff.notes),
    )


class HandoffScreen(Screen[None], OffWhenReadOnly):
    WRITE_ACTIONS = frozenset({"sign_off"})
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+s", "sign_off", "Sign off"),
        Binding("ctrl+l", "past", "Past handoffs"),
        Binding("ctrl+r", "reload", "Refresh digest"),
    ]

    def __init__(
        self,
        config: Config,
        notebook_target: Path | str,
        clock: Callable[[], datetime],
        live: LiveState,
        *,
        fetch_live: LiveFetch | None = None,
        handoff_id: int | None = None,
        focus: str = "",
    ) -> None:
        super().__init__()
        self.focus_section = focus  # a text section to put the cursor in, e.g. "notes"
        self.config = config
        self.notebook_target = notebook_target
        self.clock = clock
        self.live = live
        self.fetch_live = fetch_live
        self.handoff_id = handoff_id  # None: the current shift's draft
        self.zone = ZoneInfo(config.oncall.timezone)
        self.notebook: Notebook | None = None
        self.handoff: Handoff | None = None
        self.problem = ""
        self._pending: dict[str, str] = {}
        # Sections another cockpit saved while text typed here was pending: what ours will
        # replace, kept on the timeline once ours is saved (services/handoff_edits.py).
        self._replaced: dict[str, str] = {}
        self._shown_items: tuple[ChecklistItem, ...] | None = None  # as drawn
        self._timer: Timer | None = None
        self._loading = False

    # -- layout -------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="handoff-title")
        with Horizontal(id="handoff-body"):
            with VerticalScroll(id="handoff-digest"):
                yield Static("", id="handoff-digest-text")
            with Vertical(id="handoff-side"):
                yield Label("Checklist (space ticks)", classes="handoff-label")
                yield SelectionList[int](id="handoff-checklist")
                for section, title in SECTION_TITLES.items():
                    yield Label(title, classes="handoff-label")
                    yield TextArea("", id=f"handoff-{section}", soft_wrap=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(
            "#handoff-digest"
        ).border_title = "Digest (Markdown that pastes into GitHub, Slack and a wiki)"
        try:
            self.notebook = open_target(self.notebook_target, me=self.config.oncall.who_am_i())
            self.handoff = (
                ensure_draft(self.notebook, self.config, self.clock())
                if self.handoff_id is None
                else get_handoff(self.notebook, self.handoff_id)
            )
        except (NotebookError, SecretError, OSError, HandoffRefused) as exc:
            self.problem = str(exc)
        except sqlite3.Error as exc:
            self.problem = _db_problem(exc)
        self._show()
        if self.focus_section in TEXT_SECTIONS:
            self.query_one(f"#handoff-{self.focus_section}", TextArea).focus()
        if self.fetch_live is not None and self.handoff is not None and not self.handoff.signed:
            self.run_worker(self._refresh_live(), exclusive=True, exit_on_error=False)

    async def _refresh_live(self) -> None:
        assert self.fetch_live is not None
        self.live = await self.fetch_live()
        self._show_digest()

    # -- showing ------------------------------------------------------------
    def _show(self) -> None:
        title = self.query_one("#handoff-title", Static)
        handoff = self.handoff
        if handoff is None:
            why = self.problem or f"there is no handoff {self.handoff_id}"
            title.update(Text(f"No handoff to show: {why}"))
            self.query_one("#handoff-digest-text", Static).update(
                Text("Nothing to show. Esc closes.")
            )
            for widget in self.query("#handoff-side > *"):
                widget.disabled = True
            return
        if handoff.signed and handoff.signed_at is not None:
            late = " (late)" if handoff.late else ""
            state = (
                f"signed by {handoff.signed_by} at "
                f"{handoff.signed_at.astimezone(self.zone):%a %Y-%m-%d %H:%M %Z}{late} · read-only"
            )
        elif self.notebook is not None and self.notebook.read_only is not None:
            state = "draft · read-only here (this cockpit may only read) · esc closes"
        else:
            state = "draft · ctrl+s signs off · ctrl+l past handoffs · esc closes"
            if handoff.scheduled_at is not None:
                due = f"{handoff.scheduled_at.astimezone(self.zone):%a %H:%M}"
                late = ", late" if is_late(handoff.scheduled_at, self.clock()) else ""
                state = f"due {due}{late} · {state}"
        kind = "Swap" if handoff.kind == "swap" else "Handoff"
        title.update(
            Text(f"{kind} {handoff.outgoing} → {handoff.incoming or 'next on call'}  │  {state}")
        )
        checklist = self.query_one("#handoff-checklist", SelectionList)
        self._loading = True
        if handoff.checklist != self._shown_items:  # redrawn only when it changed
            self._shown_items = handoff.checklist
            highlighted = checklist.highlighted
            checklist.clear_options()
            checklist.add_options(
                [(_prompt(item), item.id, item.checked) for item in handoff.checklist]
            )
            if handoff.checklist:
                checklist.highlighted = min(highlighted or 0, len(handoff.checklist) - 1)
        for section in TEXT_SECTIONS:
            area = self.query_one(f"#handoff-{section}", TextArea)
            # Text typed here and not saved yet stays; an unchanged field keeps its cursor.
            if section not in self._pending and area.text != getattr(handoff, section):
                area.load_text(getattr(handoff, section))
            area.read_only = self._frozen(handoff)
        checklist.disabled = self._frozen(handoff)
        self._loading = False
        self._show_digest()

    def _frozen(self, handoff: Handoff) -> bool:
        """Nothing can change here: signed, or this cockpit may only read the notebook."""
        read_only = self.notebook is not None and self.notebook.read_only is not None
        return handoff.signed or read_only

    def _show_digest(self) -> None:
        handoff = self.handoff
        if handoff is None or self.notebook is None:
            return
        if handoff.signed:
            text = handoff.digest or "(signed without a digest)"
        else:
            # Unsaved keystrokes belong in the digest too.
            current = _with_text(handoff, self._pending)
            try:
                digest = build_digest(self.notebook, self.config, current, self.live, self.clock())
            except sqlite3.Error as exc:
                why = f"Could not read the digest: {_db_problem(exc)}"
                self.notify(why, severity="error", markup=False)
                text = f"{why}\n\nctrl+r tries again."
            else:
                text = render_markdown(digest)
        self.query_one("#handoff-digest-text", Static).update(Text(visible_lines(text)))

    # -- editing ------------------------------------------------------------
    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._loading or self.handoff is None or self._frozen(self.handoff):
            return
        section = (event.text_area.id or "").removeprefix("handoff-")
        if section not in TEXT_SECTIONS:
            return
        self._pending[section] = event.text_area.text
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_AFTER, self.flush)

    def flush(self, *, show: bool = True) -> None:
        """Write every pending text section now (and show them in the digest)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._pending or self.notebook is None or self.handoff is None:
            return
        pending, self._pending = self._pending, {}
        try:
            save_sections(self.notebook, self.handoff.id, pending)
        except (HandoffRefused, NotebookError, OSError, sqlite3.Error) as exc:
            why = str(exc)
            if isinstance(exc, sqlite3.Error):
                why = _db_problem(exc)
                # A busy notebook is passing: keep the text, the next change or closing
                # tries again.
                self._pending = {**pending, **self._pending}
            self.notify(f"Could not save the handoff notes: {why}", severity="error",
                        markup=False)  # fmt: skip
            return
        self.handoff = _with_text(self.handoff, pending)
        self._keep_replaced(pending)
        if show:
            self._show_digest()

    def _keep_replaced(self, saved: dict[str, str]) -> None:
        if self.notebook is None or self.handoff is None:
            return
        by = self.config.oncall.me or "someone"
        for section in [s for s in saved if s in self._replaced]:
            replaced = self._replaced.pop(section)
            try:
                keep_replaced_text(
                    self.notebook, self.handoff, section, replaced, by=by, at=self.clock()
                )
            except (NotebookError, sqlite3.Error) as exc:
                self.notify(f"Could not keep the replaced “{section}” text: {exc}; it was:\n"
                            f"{replaced}", severity="error", timeout=60, markup=False)  # fmt: skip

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:  # type: ignore[type-arg]
        if self._loading or self.notebook is None or self.handoff is None:
            return
        item_id = int(event.selection.value)
        checked = item_id in event.selection_list.selected
        try:
            tick_item(self.notebook, self.handoff, item_id, checked=checked, at=self.clock())
        except (HandoffRefused, NotebookError) as exc:
            self.notify(str(exc), severity="error", markup=False)
        except sqlite3.Error as exc:
            self.notify(f"Could not save the tick: {_db_problem(exc)}", severity="error",
                        markup=False)  # fmt: skip
        self._reload()
        fresh = next((i for i in self.handoff.checklist if i.id == item_id), None)
        if fresh is not None:
            event.selection_list.replace_option_prompt_at_index(
                event.selection_index, _prompt(fresh)
            )

    def _reload(self) -> None:
        if self.notebook is not None and self.handoff is not None:
            try:
                fresh = get_handoff(self.notebook, self.handoff.id)
            except sqlite3.Error as exc:
                self.notify(f"Could not re-read the handoff: {_db_problem(exc)}",
                            severity="error", markup=False)  # fmt: skip
                return
            if fresh is not None:
                self.handoff = fresh
                self._show_digest()

    def notebook_changed(self) -> None:
        """Another cockpit wrote (ReloadsOnChange): its ticks, text and signature show
        here. A section typed in here and not saved yet keeps what was typed (it saves
        over theirs, and this says so); nothing typed is lost."""
        if self.notebook is None or self.handoff is None:
            return
        try:
            fresh = get_handoff(self.notebook, self.handoff.id)
        except (NotebookError, sqlite3.Error):
            return  # the next change, or ctrl+r, tries again
        if fresh is None or fresh == self.handoff:
            return
        before = self.handoff
        self.handoff = fresh
        for section in TEXT_SECTIONS:
            theirs = getattr(fresh, section)
            if theirs == getattr(before, section):
                continue
            label = section.replace("_", " ")
            if section in self._pending and self._pending[section] != theirs:
                self._replaced[section] = theirs
                self.notify(
                    f"Another cockpit changed “{label}” while you were typing: your text "
                    "is kept here and replaces theirs when it saves.",
                    severity="warning", timeout=10, markup=False,
                )  # fmt: skip
            else:
                self.notify(f"“{label}” was changed in another cockpit.", markup=False)
        if fresh.signed and not before.signed:
            self.notify(f"Signed by {fresh.signed_by} in another cockpit.", markup=False)
        self._show()

    # -- actions ------------------------------------------------------------
    def action_reload(self) -> None:
        self.flush()
        self._reload()
        if self.fetch_live is not None and self.handoff is not None and not self.handoff.signed:
            self.run_worker(self._refresh_live(), exclusive=True, exit_on_error=False)

    def action_sign_off(self) -> None:
        if self.handoff is None or self.notebook is None:
            return
        if self.handoff.signed:
            self.notify(
                f"This handoff was already signed by {self.handoff.signed_by}; it is read-only.",
                severity="warning",
                markup=False,
            )
            return
        self.flush()
        self._reload()
        try:
            refuse_unless_open(self.notebook, self.config, self.clock())
        except HandoffRefused as exc:
            self.notify(f"Not signed: {exc}", severity="warning", markup=False, timeout=15)
            return
        except sqlite3.Error as exc:
            self.notify(_db_problem(exc), severity="error", markup=False)
            return
        self.app.push_screen(SignOffScreen(self.handoff, self._sign), self._signed)

    def _sign(self, name: str) -> str | None:
        """Sign as ``name``; returns why it was refused, or None when signed."""
        assert self.notebook is not None and self.handoff is not None
        try:
            self.handoff = sign_current(self.notebook, self.config, by=name, live=self.live,
                                        now=self.clock(), expected_id=self.handoff.id)  # fmt: skip
        except HandoffRefused as exc:
            return str(exc)
        except NotebookError as exc:
            return f"the notebook refused the write: {exc}"
        except sqlite3.Error as exc:
            return _db_problem(exc)
        return None

    def _signed(self, name: str | None) -> None:
        if name is not None:
            self._show()
            self.notify(f"Handoff signed by {name}.", markup=False)

    def action_past(self) -> None:
        if self.notebook is None:
            return
        try:
            past = past_handoffs(self.notebook)
        except sqlite3.Error as exc:
            self.notify(f"Could not list past handoffs: {_db_problem(exc)}", severity="error",
                        markup=False)  # fmt: skip
            return
        self.app.push_screen(PastHandoffsScreen(past, self.zone), self._open)

    def _open(self, handoff_id: int | None) -> None:
        if handoff_id:
            self.app.push_screen(
                HandoffScreen(
                    self.config, self.notebook_target, self.clock, self.live, handoff_id=handoff_id
                )
            )

    def action_close(self) -> None:
        self.flush()
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.flush(show=False)
        if self.notebook is not None:
            self.notebook.close()
            self.notebook = None


def _prompt(item: ChecklistItem) -> Text:
    # The toggle's X only changes colour: say ticked or not in words too.
    return Text(f"{'✓' if item.checked else '·'} {item.part:<8} {item.text}")
