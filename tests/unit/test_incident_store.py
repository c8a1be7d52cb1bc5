"""Incidents in the notebook: create from a draft, move, edit, notes, updates, action
items, the incident's timeline, notifications, and nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.model.incident_draft import IncidentDraft, LinkedAlert
from cockpit.model.incident_lifecycle import TransitionError
from cockpit.model.timeline import TimelineEvent
from cockpit.services import incidents as service
from cockpit.services import notify
from cockpit.services.timeline_view import current_view, incident_timeline
from cockpit.store import Notebook, open_notebook
from cockpit.store.events import record_events
from cockpit.store.incident_changes import set_postmortem, transition, update_fields
from cockpit.store.incident_notes import (
    StatusUpdate,
    action_items,
    add_action_item,
    add_note,
    add_update,
    last_status_update,
    set_action_done,
)
from cockpit.store.incidents import (
    UnknownIncidentError,
    get_incident,
    linked_alerts,
    list_incidents,
    require_incident,
)

T0 = datetime(2025, 10, 14, 10, 30, tzinfo=UTC)
M = timedelta(minutes=1)
ALERT = LinkedAlert("fp-1", "HighErrorRate", {"alertname": "HighErrorRate", "service": "api"})


@pytest.fixture
def store(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as s:
        yield s


@pytest.fixture
def published() -> Iterator[list[notify.Notification]]:
    seen: list[notify.Notification] = []
    notify.subscribe("test", seen.append)
    yield seen
    notify.unsubscribe_all()


def count(store: Notebook, table: str) -> int:
    return int(store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def draft(**kw: object) -> IncidentDraft:
    values: dict[str, object] = {
        "title": "Checkout errors", "severity": "Sev2", "components": ("api",),
        "detected_at": T0, "alerts": (ALERT,),
    }  # fmt: skip
    values.update(kw)
    return IncidentDraft(**values)  # type: ignore[arg-type]


def test_create_from_draft_links_alerts_and_notifies(
    store: Notebook, published: list[notify.Notification]
) -> None:
    record = service.create_from_draft(store, draft(), now=T0 + M, author="alice")
    assert record.id == "INC-20251014-103000"
    assert linked_alerts(store, record.id) == [ALERT]
    kinds = [e.kind for e in incident_timeline(store, record, T0 + M)]
    assert kinds == ["status_change", "incident_linked"]
    assert [(n.kind, n.subject, n.severity) for n in published] == [
        ("incident_created", record.id, "Sev2")
    ]
    # Blank draft: detected now.
    blank = service.create_from_draft(
        store, IncidentDraft(title="x"), now=T0 + 2 * M, author="alice"
    )
    assert (blank.detected_at, blank.severity) == (T0 + 2 * M, "Sev3")


def test_ids_unique_within_a_second(store: Notebook) -> None:
    ids = {service.create_from_draft(store, draft(alerts=()), now=T0).id for _ in range(5)}
    assert len(ids) == 5


def test_a_failed_create_leaves_nothing(store: Notebook) -> None:
    bad = LinkedAlert("", "NoFingerprint")
    with pytest.raises(ValueError, match="no fingerprint"):
        service.create_from_draft(store, draft(alerts=(ALERT, bad)), now=T0)
    for table in ("incidents", "incident_components", "incident_alerts", "timeline_events"):
        assert count(store, table) == 0, table


def test_lifecycle_through_the_store(store: Notebook, published: list[notify.Notification]) -> None:
    record = service.create_from_draft(store, draft(), now=T0)
    record = service.acknowledge(store, record.id, at=T0 + 4 * M, responder="alice")
    assert (record.status, record.responder, record.acknowledged_at) == (
        "acknowledged", "alice", T0 + 4 * M,
    )  # fmt: skip
    record = service.move(store, record.id, "investigating", at=T0 + 5 * M, note="checking")
    with pytest.raises(TransitionError, match="allowed from investigating: mitigated, resolved"):
        service.move(store, record.id, "closed", at=T0 + 6 * M)
    with pytest.raises(TransitionError, match="never go backwards"):
        service.move(store, record.id, "mitigated", at=T0 + 1 * M)
    record = service.resolve(store, record.id, "rolled back", at=T0 + 30 * M, author="alice")
    assert (record.status, record.resolution, record.mitigated_at) == (
        "resolved", "rolled back", T0 + 30 * M,
    )  # fmt: skip
    record = service.move(store, record.id, "closed", at=T0 + 60 * M)
    assert record.closed_at == T0 + 60 * M
    bodies = [
        e.body for e in incident_timeline(store, record, T0 + 99 * M) if e.kind == "status_change"
    ]
    assert bodies == [
        "detected", "acknowledged", "investigating: checking", "resolved: rolled back", "closed",
    ]  # fmt: skip
    assert [n.kind for n in published] == ["incident_created", "incident_resolved"]


def test_refused_resolve_keeps_the_old_resolution(store: Notebook) -> None:
    record = service.create_from_draft(store, draft(), now=T0)
    service.resolve(store, record.id, "first fix", at=T0 + M)
    service.move(store, record.id, "closed", at=T0 + 2 * M)
    with pytest.raises(TransitionError):
        service.resolve(store, record.id, "second fix", at=T0 + 3 * M)
    assert require_incident(store, record.id).resolution == "first fix"


def test_reopen_clears_and_restamps_resolved_at(store: Notebook) -> None:
    record = service.create_from_draft(store, draft(), now=T0)
    service.resolve(store, record.id, "restart", at=T0 + 10 * M)
    record = service.move(store, record.id, "investigating", at=T0 + 20 * M, note="back")
    assert (record.status, record.resolved_at) == ("investigating", None)
    assert record.acknowledged_at == T0 + 10 * M
    record = service.resolve(store, record.id, "real fix", at=T0 + 30 * M)
    assert record.resolved_at == T0 + 30 * M


def test_severity_change_is_an_event_and_a_notification(
    store: Notebook, published: list[notify.Notification]
) -> None:
    record = service.create_from_draft(store, draft(), now=T0)
    service.change_severity(store, record.id, "Sev1", at=T0 + M, author="bob")
    service.change_severity(store, record.id, "Sev1", at=T0 + 2 * M)  # no change, no event
    with pytest.raises(ValueError, match="Sev1, Sev2, Sev3, Sev4"):
        service.change_severity(store, record.id, "P1", at=T0 + 2 * M)
    events = incident_timeline(store, record, T0 + 5 * M, kinds={"severity_change"})
    assert [(e.body, e.author) for e in events] == [("Sev2 -> Sev1", "bob")]
    assert published[-1].kind == "incident_severity_changed"
    assert require_incident(store, record.id).severity == "Sev1"


def test_unknown_id_names_close_matches(store: Notebook) -> None:
    record = service.create_from_draft(store, draft(), now=T0)
    with pytest.raises(UnknownIncidentError) as caught:
        transition(store, "INC-20251014-103001", "acknowledged", at=T0)
    assert caught.value.suggestions == (record.id,)
    with pytest.raises(UnknownIncidentError) as caught:
        require_incident(store, "103000")
    assert caught.value.suggestions == (record.id,)


def test_edit_fields_and_components(store: Notebook) -> None:
    record = service.create_from_draft(store, draft(), now=T0)
    updated = update_fields(
        store, record.id, {"commander": "bob", "impact": "5% of checkouts", "root_cause": ""},
        components=["api", "payments", " "],
    )  # fmt: skip
    assert (updated.commander, updated.impact, updated.root_cause) == (
        "bob", "5% of checkouts", None,
    )  # fmt: skip
    assert updated.components == ("api", "payments")
    with pytest.raises(ValueError, match="title"):
        update_fields(store, record.id, {"title": "  "})
    with pytest.raises(ValueError, match="cannot edit severity"):
        update_fields(store, record.id, {"severity": "Sev1"})


def test_notes_updates_and_the_status_update_clock(store: Notebook) -> None:
    record = service.create_from_draft(store, draft(), now=T0)
    assert last_status_update(store, record.id) == T0  # detection counts
    add_note(store, record.id, "line one\nline two", at=T0 + 5 * M, author="alice")
    assert last_status_update(store, record.id) == T0  # a note is not a status update
    add_update(
        store, record.id, StatusUpdate("5xx at 4%", "rolling back", "DBA on call"),
        at=T0 + 20 * M, author="alice",
    )  # fmt: skip
    assert last_status_update(store, record.id) == T0 + 20 * M
    with pytest.raises(ValueError, match="empty note"):
        add_note(store, record.id, "  \n ", at=T0)
    with pytest.raises(ValueError, match="Conditions and Actions"):
        add_update(store, record.id, StatusUpdate("", "x"), at=T0)
    assert count(store, "notes") == 1
    view = current_view(store, T0 + 51 * M)
    assert view.incident is not None and view.clocks is not None
    assert view.clocks.update is not None and view.clocks.update.state == "late"
    assert "status update LATE by 1m00s" in view.heading
    update = next(e for e in view.events if e.kind == "update")
    assert update.body == "Conditions: 5xx at 4%\nActions: rolling back\nNeeds: DBA on call"
    assert current_view(store, T0 + 51 * M, kinds={"note"}).events[0].body.startswith("line one")


def test_due_updates_are_announced_once_per_deadline(
    store: Notebook, published: list[notify.Notification]
) -> None:
    record = service.create_from_draft(store, draft(severity="Sev1"), now=T0)
    published.clear()
    assert service.announce_due_updates(store, T0 + 5 * M) == []
    assert service.announce_due_updates(store, T0 + 11 * M) == [record.id]
    assert service.announce_due_updates(store, T0 + 16 * M) == []
    add_update(store, record.id, StatusUpdate("ok", "watching"), at=T0 + 17 * M)
    assert service.announce_due_updates(store, T0 + 30 * M) == [record.id]
    assert [n.kind for n in published] == ["incident_status_update_due"] * 2


def test_a_deadline_is_announced_once_across_restarts_and_cockpits(
    store: Notebook, published: list[notify.Notification]
) -> None:
    record = service.create_from_draft(store, draft(severity="Sev1"), now=T0)
    published.clear()
    assert service.announce_due_updates(store, T0 + 11 * M) == [record.id]
    # Another cockpit (or this one after a restart) opens the same notebook file.
    other = open_notebook(store.target)
    try:
        assert service.announce_due_updates(other, T0 + 12 * M) == []
        assert service.announce_due_updates(other, T0 + 16 * M) == []
    finally:
        other.close()
    assert [n.subject for n in published] == [record.id]


def test_action_items_and_postmortem(store: Notebook) -> None:
    record = service.create_from_draft(store, draft(), now=T0)
    item = add_action_item(
        store, record.id, "Alert on pool saturation", owner="bob", due=date(2025, 10, 20),
        verification="alert fires in staging",
    )  # fmt: skip
    set_action_done(store, item.id)
    assert [(i.what, i.owner, i.due, i.done) for i in action_items(store, record.id)] == [
        ("Alert on pool saturation", "bob", date(2025, 10, 20), True)
    ]
    with pytest.raises(ValueError, match="resolve it first"):
        set_postmortem(store, record.id, at=T0, url="https://wiki/pm")
    service.resolve(store, record.id, "fixed", at=T0 + M)
    with pytest.raises(ValueError, match="either a link or a document"):
        set_postmortem(store, record.id, at=T0 + 2 * M)
    done = set_postmortem(store, record.id, at=T0 + 2 * M, url="https://wiki/pm")
    assert (done.postmortem_done, done.postmortem_url, done.postmortem_at) == (
        True, "https://wiki/pm", T0 + 2 * M,
    )  # fmt: skip


def test_list_open_first_by_severity_then_recent_closed(store: Notebook) -> None:
    def make(title: str, severity: str, minutes: int) -> str:
        return service.create_from_draft(
            store, draft(title=title, severity=severity, detected_at=T0 + minutes * M, alerts=()),
            now=T0,
        ).id  # fmt: skip

    old = make("old closed", "Sev1", 0)
    new = make("new resolved", "Sev1", 1)
    make("sev3 open", "Sev3", 2)
    make("sev2 open", "Sev2", 3)
    service.resolve(store, old, "x", at=T0 + 10 * M)
    service.move(store, old, "closed", at=T0 + 11 * M)
    service.resolve(store, new, "x", at=T0 + 20 * M)
    assert [r.title for r in list_incidents(store)] == [
        "sev2 open", "sev3 open", "new resolved", "old closed",
    ]  # fmt: skip
    assert [r.title for r in list_incidents(store, open_only=True)] == ["sev2 open", "sev3 open"]


def _auto(kind: str, minutes: float, **kw: object) -> TimelineEvent:
    return TimelineEvent(
        kind=kind, occurred_at=T0 + minutes * M, source="alertmanager", subject=kind,
        body=f"{kind} {kw}", **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_timeline_filters_automatic_events_to_components_alerts_and_window(store: Notebook) -> None:
    record_events(
        store,
        [
            _auto("alert_fired", -3, fingerprint="fp-1", component="api"),  # led to it
            _auto("alert_fired", -2, fingerprint="fp-other", component="web"),
            _auto("probe_down", -1, component="api"),  # before detection, not linked
            _auto("probe_down", 2, component="api"),
            _auto("probe_down", 3, component="web"),
            _auto("burn_started", 4, component="api"),
            _auto("alert_resolved", 50, fingerprint="fp-1", component="api"),
            _auto("alert_fired", 70, fingerprint="fp-1", component="api"),  # after close
        ],
    )
    record = service.create_from_draft(store, draft(), now=T0)
    service.resolve(store, record.id, "fixed", at=T0 + 55 * M)
    record = service.move(store, record.id, "closed", at=T0 + 60 * M)
    events = incident_timeline(store, record, T0 + 99 * M)
    summary = [(e.kind, round((e.occurred_at - T0) / M)) for e in events]
    assert summary == [
        ("alert_fired", -3), ("status_change", 0), ("incident_linked", 0), ("probe_down", 2),
        ("burn_started", 4), ("alert_resolved", 50), ("status_change", 55), ("status_change", 60),
    ]  # fmt: skip
    only = incident_timeline(store, record, T0 + 99 * M, kinds={"alert_fired", "alert_resolved"})
    assert [e.kind for e in only] == ["alert_fired", "alert_resolved"]
    assert get_incident(store, record.id) == record


def test_save_fields_is_one_transaction_and_notifies_after(
    store: Notebook, published: list[notify.Notification]
) -> None:
    record = service.create_from_draft(store, draft(), now=T0)
    published.clear()
    with pytest.raises(ValueError, match="Sev1, Sev2, Sev3, Sev4"):
        # The fields are written first; the bad severity undoes them.
        service.save_fields(
            store, record.id, {"impact": "x"}, components=["web"], severity="P1", at=T0 + M
        )
    unchanged = require_incident(store, record.id)
    assert (unchanged.severity, unchanged.impact, unchanged.components) == ("Sev2", None, ("api",))
    assert published == []
    saved = service.save_fields(
        store, record.id, {"impact": "x"}, components=["web"], severity="Sev1", at=T0 + M
    )
    assert (saved.severity, saved.impact, saved.components) == ("Sev1", "x", ("web",))
    assert [n.kind for n in published] == ["incident_severity_changed"]


def test_weekly_review_incident_queries_keep_their_bounds_and_rule(store: Notebook) -> None:
    from cockpit.store.digest_queries import incidents_detected, missing_postmortems

    made = {}
    for n, (severity, status) in enumerate(
        [("Sev1", "resolved"), ("Sev3", "resolved"), ("Sev2", "open"), ("Sev2", "closed"),
         ("Sev2", "postmortem done"), ("Sev1", "closed")]
    ):  # fmt: skip
        record = service.create_from_draft(
            store, draft(severity=severity, detected_at=T0 + n * M, alerts=()), now=T0 + n * M
        )
        if status != "open":
            service.resolve(store, record.id, "fixed", at=T0 + 30 * M)
        if status == "closed":
            service.move(store, record.id, "closed", at=T0 + 31 * M)
        if status == "postmortem done":
            set_postmortem(store, record.id, at=T0 + 32 * M, url="https://wiki/pm")
        made[n] = record.id
    assert [i.id for i in incidents_detected(store, T0 + M, T0 + 4 * M)] == [
        made[2], made[3], made[1]
    ]  # fmt: skip
    # Sev1/Sev2, resolved or closed, detected before the bound, postmortem not done.
    assert [i.id for i in missing_postmortems(store, T0 + 5 * M)] == [made[0], made[3]]
    assert [i.id for i in missing_postmortems(store, T0 + 6 * M)] == [made[0], made[3], made[5]]
