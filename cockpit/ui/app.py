"""The cockpit screen: five panes fed by one poll cycle per source.

The cycles run on the poll schedule ``cockpit record`` shares (``ui/polling.py``); each
answer comes back here, to ``apply_snapshot``, on the UI thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from cockpit.ui.collector import freeze_startup_objects, no_collections, thaw

# No collections while the UI's modules load, and what they made frozen after: they only
# add objects that live as long as the app, and the collector's walks over them cost a
# sixth of the import.
with no_collections():
    import httpx
    from textual import events
    from textual.app import ComposeResult, SystemCommand
    from textual.binding import Binding
    from textual.containers import Grid
    from textual.screen import Screen
    from textual.theme import Theme
    from textual.timer import Timer
    from textual.widget import Widget
    from textual.widgets import Footer

    from cockpit import locations
    from cockpit.config import Config
    from cockpit.keymap import ACTIONS, action_id
    from cockpit.model.snapshots import AlertSnapshot, ProbeSnapshot, SloSnapshot
    from cockpit.plugins.host import PluginHost
    from cockpit.secrets import SecretError
    from cockpit.services.alert_poll import AlertPoller
    from cockpit.services.notebook_admin import open_target
    from cockpit.services.probe_poll import ProbePoller
    from cockpit.services.slo_poll import SloPoller
    from cockpit.services.transition_recorder import Recording, this_process
    from cockpit.sources.clients import async_client
    from cockpit.store import Notebook, NotebookError
    from cockpit.ui.alerts_controller import AlertController

    # `cockpit demo` and tests import DemoInfo from here.
    from cockpit.ui.app_dialogs import DemoInfo as DemoInfo
    from cockpit.ui.app_past import ShowsThePast
    from cockpit.ui.catalog_read import CatalogLanded, CatalogRead
    from cockpit.ui.ending import end_hard_later
    from cockpit.ui.header import OnCallHeader
    from cockpit.ui.notebook_reads import NotebookReads
    from cockpit.ui.notices import Notices, crash_exit, notebook_trouble
    from cockpit.ui.panes.alerts import AlertsPane
    from cockpit.ui.panes.base import Pane
    from cockpit.ui.panes.probes import ProbesPane
    from cockpit.ui.panes.runbooks import RunbooksPane
    from cockpit.ui.panes.slo import SloPane
    from cockpit.ui.panes.timeline import TimelinePane
    from cockpit.ui.polling import Polling, Snapshot
    from cockpit.ui.screens.unsaved import AsksBeforeClosing
    from cockpit.ui.themes import install_themes, remember_theme
    from cockpit.ui.time_travel import TimeTravel

# In grid order: SLOs and probes side by side, alerts across, then timeline and runbooks.
PANES = {"slo": SloPane, "probes": ProbesPane, "alerts": AlertsPane,
         "timeline": TimelinePane, "runbooks": RunbooksPane}  # fmt: skip
AGE_TICK = 1.0  # seconds between redraws of the header's clock and the panes' ages
NOTEBOOK_TICK = 5.0  # seconds between background reads of what others wrote (signatures)
# Actions on the main screen's panes, or that open a screen from it. On any other screen
# they would act on hidden panes or pile screens up, so they wait until you are back.
MAIN_SCREEN_ONLY = frozenset(
    {"focus_pane", "toggle_maximise", "probe_now", "demo_fault", "incident_list",
     "new_incident", "silences", "open_handoff", "open_review", "alert_runbook",
     "pick_runbook", "travel_back", "travel_forward", "travel_back_far",
     "travel_forward_far", "travel_to", "live"}
)  # fmt: skip
FOOTER_KEYS = {"z", "p", "r", "f", "q"}
# What the app's own keys start that writes the notebook: off in a read-only cockpit.
APP_WRITE_ACTIONS = frozenset({"new_incident", "alert_runbook", "pick_runbook"})
TEXTUAL_DUPLICATES = frozenset({"Maximize", "Minimize"})


UI_WRITE_WAIT_S = 1.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _internal(exc: Exception) -> str:
    # The type only: an exception's text can carry a request header, and so a token.
    return f"internal error ({type(exc).__name__}); run with `textual console` for details"


class CockpitApp(ShowsThePast):
    CSS_PATH = ["cockpit.tcss", "dialogs.tcss"]
    TITLE = "cockpit"
    BINDINGS = [Binding(k, a, d, show=k in FOOTER_KEYS, id=action_id(a)) for k, a, d in ACTIONS]

    def __init__(
        self,
        config: Config,
        notebook_target: Path | str | None,
        *,
        demo: DemoInfo | None = None,
        clock: Callable[[], datetime] = _utc_now,
        poll: bool = True,
        cursor_blink: bool = True,
        at: datetime | None = None,
    ) -> None:
        super().__init__()
        self.start_at = at  # `cockpit --at`: open on that moment of the past
        self.config = config
        self.notebook_target = notebook_target
        self.demo = demo
        self.clock = clock  # every "now" on screen comes from here (tests pass a frozen one)
        self.poll = poll
        # False: text cursors do not blink (tests: a snapshot never catches a blink).
        self.cursor_blink = cursor_blink
        self.timezone = ZoneInfo(config.oncall.timezone)
        self.paused = False
        self.notebook: Notebook | None = None
        self.http: httpx.AsyncClient | None = None
        self._slo = SloPoller(config, keep_client=poll)
        self._alerts = AlertPoller(config)
        self._probes = ProbePoller(config)
        self.polling = Polling(
            config, (self._slo, self._alerts, self._probes), clock=self.clock,
            http=lambda: self.http, apply=self.apply_snapshot,
            log_error=lambda source, exc: self.log.error(f"{source} cycle failed", exc),
        )  # fmt: skip
        self._poll_task: asyncio.Task[None] | None = None
        # Transition baselines, and whether this cockpit is the one writing transitions.
        self.recording = Recording(config, this_process(config.oncall.me))
        self.plugins = PluginHost(self._plugin_report)
        self._theme_refresh: Timer | None = None
        # Notebook reads on a timer run on the notebook thread, never on the UI thread.
        self.notebook_reads: NotebookReads | None = None
        if config.keys:
            self.set_keymap(dict(config.keys))  # [keys] in the config; checked when read
        self.alert_control = AlertController(self)
        self.travel = TimeTravel(self, self)
        self.notices = Notices(self)
        self.crash_line: str | None = None

    # -- layout --------------------------------------------------------------
    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {
            "slo-ok": "#4caf50", "slo-warning": "#ffb300", "slo-breach": "#ef5350",
            "alert-critical": "#ef5350", "alert-warning": "#ffb300", "alert-info": "#64b5f6",
            "probe-up": "#4caf50", "probe-pending": "#ffb300", "probe-down": "#ef5350",
            "stale": "#9e9e9e",
        }  # fmt: skip

    def compose(self) -> ComposeResult:
        yield OnCallHeader(
            self.config.oncall, self.clock, "demo" if self.demo else "", self._last_handoff
        )
        with Grid(id="panes"):
            for name, pane in PANES.items():
                yield pane(id=name)
        yield Footer()

    def pane(self, name: str) -> Pane:
        return self.query_one(f"#{name}", Pane)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Textual's own Maximize/Minimize would stand beside "Maximise or restore" (z).
        for command in super().get_system_commands(screen):
            if command.title not in TEXTUAL_DUPLICATES:
                yield command
        for key, action, description in ACTIONS:
            if action == "quit" or (action == "demo_fault" and self.demo is None):
                continue
            key = self.config.keys.get(action_id(action), key)
            yield SystemCommand(description, f"key: {key}", partial(self.run_action, action))

    # -- start and stop -----------------------------------------------------
    def on_mount(self) -> None:
        self._start_themes()
        # SIGTERM or a closed terminal ends the app the normal way, so `finally` blocks
        # (the demo stack's shutdown among them) run and the terminal is restored; and
        # at once if that way blocks (ui/ending.py).
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self.end_on_signal, signum)
        if self.demo is not None and self.demo.note:
            self.notify(self.demo.note, severity="warning", timeout=30, markup=False)
        self.pane("slo").focus_pane()
        self.call_after_refresh(freeze_startup_objects)  # after the first frame
        self._start_plugins()
        self._open_store()
        if self.read_only is not None:
            self.query_one(OnCallHeader).read_only = True
            self.notify(
                f"Read-only: {self.read_only}. Keys that would write (notes, incidents, "
                "acks, silences, runbook runs, sign-off) are off.",
                severity="warning", timeout=30, markup=False,
            )  # fmt: skip
        if self.notebook is not None and self.notebook_reads is not None:
            self.notebook_reads.read_signed_now(self.notebook)
        self.refresh_timeline()
        # The user's runbook folder, then the config's folders; later ones win by name.
        # Read on a thread: the first frame does not wait for every runbook's parse.
        folders = [locations.user_runbooks_dir(), *self.config.runbook_dirs]
        self.pane_runbooks().show_reading()
        self.catalog = CatalogRead(folders, lambda: self.post_message(CatalogLanded()))
        for source in ("slo", "alerts", "probes"):
            self.pane(source).refresh_every = self.polling.expected_every(source)
        now = self.clock()
        self.query_one(SloPane).update_snapshot(self._slo.initial(), now)
        self.query_one(AlertsPane).update_snapshot(AlertSnapshot((), self._alerts.freshness), now)
        self.query_one(ProbesPane).update_snapshot(self._probes.snapshot(), now)
        if self.poll:
            self.http = async_client()
            # A task, not a worker: it never ends, and `workers.wait_for_complete` must.
            self._poll_task = asyncio.create_task(self.polling.driver.run(), name="poll")
            self.set_interval(NOTEBOOK_TICK, self.read_header_later)
            self.watch_notebook()
        # The clock and the ages count up between answers: one tick, one frame for both;
        # only the lines whose text changed are drawn again.
        self.set_interval(AGE_TICK, self.redraw_ages)
        if self.start_at is not None:
            self.travel.go(self.start_at)
        # Back from a dialog (a sign-off among them): read what the notebook says now.
        self.screen_change_signal.subscribe(self, lambda _screen: self.read_header_later())

    def end_on_signal(self, signum: int) -> None:
        end_hard_later(128 + signum)
        self.exit()

    def _start_themes(self) -> None:
        problems = install_themes(self)
        if problems is not None:
            self.notify(problems, title="Themes", severity="warning", timeout=30, markup=False)
        shown = self.theme

        def changed(theme: Theme) -> None:
            nonlocal shown
            if theme.name == shown:
                return  # the start-up theme, or no change
            shown = theme.name
            remember_theme(theme)
            # Table cells take their colours when a pane updates: refresh once the user has
            # settled (the theme picker previews each theme it passes over).
            if self._theme_refresh is not None:
                self._theme_refresh.stop()
            self._theme_refresh = self.set_timer(1.0, self.action_refresh_now)

        self.theme_changed_signal.subscribe(self, changed)

    def _start_plugins(self) -> None:
        messages = self.plugins.load(self.config)
        if messages:
            text = "\n".join(messages)
            self.notify(text, title="Plugins", severity="error", timeout=30, markup=False)

    def _plugin_report(self, text: str) -> None:
        """A plugin's message, from whichever thread it comes (never blocks it)."""
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        note = partial(self.notify, text, title="Plugins", severity="warning", markup=False)
        if here is not None and here is self._loop:
            note()
        elif self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(note)

    def on_catalog_landed(self, _message: CatalogLanded) -> None:
        if self.is_running and self.catalog is not None:
            self.pane_runbooks().update_catalog(self.catalog.entries(), self.catalog.problem)

    def pane_runbooks(self) -> RunbooksPane:
        return self.query_one(RunbooksPane)

    def _open_store(self) -> None:
        if self.notebook_target is None:
            return
        try:
            # The screen must not freeze while another process writes: wait briefly.
            me = self.config.oncall.who_am_i()
            self.notebook = open_target(self.notebook_target, write_wait=UI_WRITE_WAIT_S, me=me)
            self.notebook_reads = NotebookReads(
                self, partial(open_target, self.notebook_target, me=me), self.notices
            )
        except (NotebookError, SecretError, OSError, sqlite3.Error) as exc:
            self.notify(
                f"Notebook not available: {exc}", severity="error", timeout=30, markup=False
            )

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Only a focused field's cursor blinks, so a field is settled as it gets focus.
        if self.cursor_blink:
            return  # the usual case: then the text widgets load when a dialog needs them
        from textual.widgets import Input, TextArea

        if isinstance(event.widget, (Input, TextArea)):
            event.widget.cursor_blink = False

    async def on_unmount(self) -> None:
        thaw()
        self.stop_watching()
        if self._poll_task is not None:
            self._poll_task.cancel()
        self._probes.cancel()
        # Off the loop: it waits for a cycle's query in flight, and its own loop to end.
        await asyncio.to_thread(self._slo.close)
        self.plugins.close(timeout=3.0)  # queued notifications get a moment to go out
        if self.http is not None:
            await self.http.aclose()
        if self.notebook is not None:
            with contextlib.suppress(sqlite3.Error, NotebookError):
                self.recording.release(self.notebook)  # another cockpit takes over at once
            self.notebook.close()
        if self.notebook_reads is not None:
            self.notebook_reads.close()

    async def action_quit(self) -> None:
        """Quit, unless the screen on top holds unsaved edits: then it asks first."""
        screen = self.screen
        if isinstance(screen, AsksBeforeClosing):
            await screen.close_or_ask(self.exit)
        else:
            self.exit()

    # -- poll cycles ---------------------------------------------------------
    def redraw_ages(self) -> None:
        """The one-second tick: the header's clock and the panes' "updated 5s ago"."""
        # Queries, not query_one: while the app closes the panes may already be gone. The
        # header's clock runs on under a dialog too (the main screen is the first).
        for header in self.screen_stack[0].query(OnCallHeader) if self.screen_stack else ():
            header.refresh_text()
        now = self.clock()
        for pane in self.query(Pane):
            pane.redraw_age(now)

    def apply_snapshot(self, snapshot: Snapshot) -> None:
        """Show a cycle's snapshot and record its transitions (the schedule arms the next)."""
        now = self.clock()
        # In the past (time travel) the live answers are recorded, not shown.
        if isinstance(snapshot, SloSnapshot):
            if self.viewing is None:
                self.query_one(SloPane).update_snapshot(snapshot, now)
            self._write(
                lambda store: self.recording.budgets_seen(store, snapshot),
                affects_timeline=False,
            )
            self._write(lambda store: self.recording.burns_seen(store, snapshot))
        elif isinstance(snapshot, AlertSnapshot):
            if self.viewing is None:
                self.query_one(AlertsPane).update_snapshot(snapshot, now)
            self._write(lambda store: self.recording.alerts_seen(store, snapshot))
            self.alert_control.after_snapshot(snapshot)
        else:
            if self.viewing is None:
                self.query_one(ProbesPane).update_snapshot(snapshot, now)
            self._write(lambda store: self.recording.probes_seen(store, snapshot))

    def _write(
        self, record: Callable[[Notebook | None], int | bool], *, affects_timeline: bool = True
    ) -> None:
        """Run one notebook write; a locked or broken notebook is said, never fatal.
        ``record`` gets None without a notebook, so baselines still move."""
        try:
            # A read-only notebook records nothing; the baselines still move. (The past
            # on screen is no reason to stop: the recording goes on.)
            may_write = self.notebook is not None and self.notebook.read_only is None
            written = record(self.notebook if may_write else None)
        except (sqlite3.Error, NotebookError) as exc:
            why = notebook_trouble(exc, self.notebook_target)
            self.notices.trouble("notebook", f"Could not write to the notebook: {why}")
            return
        if self.notebook is not None:
            self.notices.recovered("notebook")
        if written and affects_timeline:
            self.refresh_timeline()

    # -- actions -------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        # A log file and one line (printed by whoever ran the app), never a traceback.
        self.crash_line = self.crash_line or crash_exit(self, error)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False disables the key and leaves it out of that screen's footer (and help).
        if action == "demo_fault" and self.demo is None:
            return False  # fault switches exist only in `cockpit demo`
        if action in APP_WRITE_ACTIONS and self.read_only is not None:
            return None  # shown dimmed: the notebook may only be read (ui/read_only.py)
        return action not in MAIN_SCREEN_ONLY or len(self.screen_stack) == 1

    def action_focus_pane(self, name: str) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()
        self.pane(name).focus_pane()

    def action_toggle_maximise(self) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()
            return
        node = self.focused
        while node is not None and not isinstance(node, Pane):
            node = node.parent if isinstance(node.parent, Widget) else None
        if node is not None:
            self.screen.maximize(node, container=False)

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self.polling.driver.pause(self.paused)
        self.query_one(OnCallHeader).paused = self.paused
        self.redraw_ages()
        self.notify("Refresh paused." if self.paused else "Refresh resumed.")

    def live_snapshots(self) -> tuple[SloSnapshot, AlertSnapshot, ProbeSnapshot]:
        return self._slo.last, self._alerts.snapshot(), self._probes.snapshot()

    def action_refresh_now(self) -> None:
        if not self.poll:
            return
        self.polling.driver.refresh_now()

    def action_probe_now(self) -> None:
        name = self.query_one(ProbesPane).selected_probe()
        if name is None or self.http is None:
            self.notify("No probe to run: select one in the probes pane (5).", severity="warning")
            return
        # A worker: awaiting here would hold every key until the probe's timeout.
        self.run_worker(self._probe_now(name), group="probe-now", exit_on_error=False)

    async def _probe_now(self, name: str) -> None:
        assert self.http is not None
        snapshot = await self._probes.poll_one(self.http, name)
        self.query_one(ProbesPane).update_snapshot(snapshot, self.clock())
        self._write(lambda store: self.recording.probes_seen(store, snapshot))
        last = self._probes.states[name].last
        if last is not None:
            outcome = "ok" if last.ok else f"failing ({last.category}): {last.reason}"
            self.notify(f"Probe {name}: {outcome}", markup=False)

    def on_alerts_pane_grouping_changed(self, message: AlertsPane.GroupingChanged) -> None:
        self._alerts.want_groups = message.mode == "alertmanager"
        self.action_refresh_now()
