"""Opening a runbook run: from the runbooks pane, from an alert (its ``runbook`` /
``runbook_url`` annotation, else a runbook listing its name), from the command palette's
picker, or from an incident (``open_runbook(app, name, incident_id=...)``).

A runbook with a paused or interrupted run is resumed rather than started again; a run
started from an alert is linked to the incident that alert belongs to, if any. A run open
in another cockpit is not resumed behind its back: a dialog says who has it
(``runbook_lease``), and a run whose cockpit stopped beating is taken over with a word.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Literal

from cockpit.model.alerts import Alert
from cockpit.model.runbook_run import RunError
from cockpit.services.runbook_catalog import RunbookEntry, find_for_alert
from cockpit.services.runbook_run import RunbookSession
from cockpit.store import NotebookError
from cockpit.store.incidents import linked_alerts
from cockpit.store.run_leases import RunHeldError
from cockpit.store.runbook_runs import incident_for_alert, list_runs, load_run
from cockpit.ui.context import CockpitContext
from cockpit.ui.panes.alerts import AlertsPane
from cockpit.ui.screens.runbook_dialogs import RunbookPickerScreen
from cockpit.ui.screens.runbook_lease import ask_about_held_run, took_over_text
from cockpit.ui.screens.runbook_run import RunbookRunScreen

_STORE_ERRORS = (sqlite3.Error, NotebookError)


def _resume(
    app: CockpitContext,
    entry: RunbookEntry,
    incident_id: str | None,
    labels: Mapping[str, str] | None,
) -> RunbookSession | Literal["asked"] | None:
    """The latest paused or interrupted run of ``entry``, resumed; when opened for an
    incident or an alert, only a run for the same incident and labels counts. "asked":
    another cockpit has it open and a dialog asks what to do."""
    if app.notebook is None or entry.runbook is None:
        return None
    runbooks = {entry.name: entry.runbook}
    for summary in list_runs(app.notebook, entry.name, unfinished=True):
        if summary.dry_run or (incident_id is not None and summary.incident_id != incident_id):
            continue
        if labels is not None:
            loaded = load_run(app.notebook, summary.run_id)
            if loaded is None or dict(loaded[0].labels) != dict(labels):
                continue
        try:
            session = RunbookSession.resume(
                summary.run_id, runbooks, app.config, app.notebook, clock=app.clock
            )
        except RunHeldError as held:
            ask_about_held_run(app, entry.runbook, held, lambda s: _show(app, s, recorded=True))
            return "asked"
        except RunError as exc:
            app.notify(f"Run #{summary.run_id} not resumed: {exc}", severity="warning",
                       timeout=10, markup=False)  # fmt: skip
            return None
        took_over = took_over_text(session, app.timezone)
        if took_over is not None:
            app.notify(took_over, severity="warning", timeout=10, markup=False)
        done = session.state.completed
        app.notify(
            f"Resumed run #{summary.run_id} of {entry.title} ({done} steps recorded).",
            markup=False,
        )
        return session
    return None


def open_runbook(
    app: CockpitContext,
    name: str,
    *,
    labels: Mapping[str, str] | None = None,
    incident_id: str | None = None,
    dry_run: bool = False,
) -> None:
    entry = next((e for e in app.runbook_entries() if e.name == name), None)
    if entry is None:
        app.notify(f"No runbook named {name!r}.", severity="warning", markup=False)
        return
    if entry.runbook is None:
        why = "; ".join(str(p) for p in entry.problems[:3]) or "unreadable"
        app.notify(f"Runbook {name!r} cannot be used: {why}", severity="error", timeout=15,
                   markup=False)  # fmt: skip
        return
    session = None
    try:
        resumed = None if dry_run else _resume(app, entry, incident_id, labels)
        if resumed == "asked":
            return
        session = resumed
        if session is None:
            session = RunbookSession.start(
                entry.runbook, app.config, app.notebook, dry_run=dry_run,
                incident_id=incident_id, labels=labels, clock=app.clock,
            )  # fmt: skip
        recorded = app.notebook is not None
    except _STORE_ERRORS as exc:
        app.notify(f"The notebook did not take the run: {exc}", severity="error", markup=False)
        session = RunbookSession.start(
            entry.runbook, app.config, None, dry_run=dry_run, incident_id=incident_id,
            labels=labels, clock=app.clock,
        )  # fmt: skip
        recorded = False
    _show(app, session, recorded=recorded)


def _show(app: CockpitContext, session: RunbookSession, *, recorded: bool) -> None:
    app.push_screen(
        RunbookRunScreen(
            session, app.timezone, on_recorded=app.refresh_timeline, recorded_in_store=recorded
        )
    )


def pick_runbook(app: CockpitContext, *, incident_id: str | None = None) -> None:
    """Pick a runbook to run; from an incident's detail the run is linked to it and its
    steps get the labels of the alert the incident was opened from (the first linked)."""
    resumable: list[str] = []
    labels: dict[str, str] = {}
    if app.notebook is not None:
        try:
            resumable = [r.runbook for r in list_runs(app.notebook, unfinished=True)]
            linked = linked_alerts(app.notebook, incident_id) if incident_id else []
            labels = dict(linked[0].labels) if linked else {}
        except _STORE_ERRORS:
            resumable = []

    def chosen(choice: tuple[str, bool] | None) -> None:
        if choice is not None:
            open_runbook(app, choice[0], labels=labels or None, incident_id=incident_id,
                         dry_run=choice[1])  # fmt: skip

    app.push_screen(RunbookPickerScreen(app.runbook_entries(), resumable), chosen)


def alert_under_cursor(app: CockpitContext) -> Alert | None:
    return app.query_one(AlertsPane).selected_alert()


def open_for_alert(app: CockpitContext) -> None:
    alert = alert_under_cursor(app)
    if alert is None:
        app.notify("No alert selected: pick one in the alerts pane (2).", severity="warning")
        return
    entry = find_for_alert(app.runbook_entries(), alert.name, alert.annotations)
    if entry is None:
        app.notify(
            f"No runbook for {alert.name}: give the rule a `runbook` annotation, or list "
            f"{alert.name} under `alerts:` in a runbook.",
            severity="warning", timeout=10, markup=False,
        )  # fmt: skip
        return
    incident_id = None
    if app.notebook is not None:
        try:
            incident_id = incident_for_alert(app.notebook, alert.fingerprint, alert.cluster)
        except _STORE_ERRORS as exc:
            app.notify(f"Incident lookup failed: {exc}", severity="warning", markup=False)
    open_runbook(app, entry.name, labels=alert.labels, incident_id=incident_id)
