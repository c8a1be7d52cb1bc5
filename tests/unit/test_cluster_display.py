"""Issue 20: where an alert event is shown (timeline, incident report, handoff digest,
weekly review, the CLI's incident view), its cluster is named when this cockpit watches
several clusters, or when it is not the one it watches; a cockpit of one cluster shows
what it always did."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config
from cockpit.config_types import Endpoint, OnCall
from cockpit.model.alerts import Alert
from cockpit.model.timeline import ClusterNames, TimelineEvent, event_text
from cockpit.services.transitions import alert_transitions
from cockpit.store import Notebook, open_notebook
from cockpit.store.events import record_events

T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
M = timedelta(minutes=1)
LABELS = {"alertname": "HighErrorRate", "severity": "critical", "service": "api"}
TWO = Config(
    None,
    oncall=OnCall(me="alice", roster=("alice", "bob"), timezone="UTC"),
    alertmanagers=(Endpoint("http://127.0.0.1:9", name="eu"),
                   Endpoint("http://127.0.0.1:9", name="us")),
)  # fmt: skip
ONE = replace(TWO, alertmanagers=(Endpoint("http://127.0.0.1:9"),), alertmanager=None)


def _alert(cluster: str) -> Alert:
    return Alert("HighErrorRate", LABELS, {"summary": "5xx"}, fingerprint="fp1",
                 cluster=cluster, starts_at=T0)  # fmt: skip


def _fired(cluster: str | None) -> TimelineEvent:
    [event] = alert_transitions([], [_alert(cluster or "")], T0)
    return event


@pytest.fixture
def store(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as opened:
        yield opened


def test_which_events_name_their_cluster() -> None:
    plain = "HighErrorRate (critical) firing: 5xx"
    assert event_text(_fired("eu")) == plain  # no ClusterNames: as before
    assert event_text(_fired("eu"), ClusterNames(("eu", "us"))) == f"eu · {plain}"
    assert event_text(_fired("default"), ClusterNames(("default",))) == plain
    # One cluster watched, an event of another (a team's notebook): named.
    assert event_text(_fired("us"), ClusterNames(("eu",))) == f"us · {plain}"
    assert event_text(_fired(None), ClusterNames(("eu", "us"))) == plain  # not known
    assert ONE.clusters == ("default",) and TWO.clusters == ("eu", "us")


def test_the_postmortem_names_the_linked_alerts_cluster(store: Notebook) -> None:
    from cockpit.services.incident_report import incident_report
    from cockpit.services.promote import draft_from_alert
    from cockpit.services.transitions import alert_transitions
    from cockpit.store.incidents import create_incident

    draft = draft_from_alert(_alert("eu"), {})
    record = create_incident(
        store, title=draft.title, severity="Sev2", detected_at=T0 + M, alerts=draft.alerts
    )
    record_events(store, alert_transitions([], [_alert("eu")], T0))
    text = incident_report(
        store, record.id, now=T0 + 5 * M, zone=UTC, clusters=ClusterNames(TWO.clusters)
    )
    assert "- alert eu · HighErrorRate (fingerprint fp1)" in text
    assert "- first signal: eu · HighErrorRate (critical) firing: 5xx at" in text
    assert "| eu · HighErrorRate (critical) firing: 5xx |" in text
    single = incident_report(
        store, record.id, now=T0 + 5 * M, zone=UTC, clusters=ClusterNames(("eu",))
    )
    assert "eu ·" not in single


def test_a_resolution_pairs_with_the_firing_in_its_own_cluster(store: Notebook) -> None:
    from cockpit.store.digest_queries import resolved_alerts

    record_events(store, [
        *alert_transitions([], [_alert("eu")], T0),
        *alert_transitions([], [_alert("us")], T0 + 10 * M),
    ])  # fmt: skip
    record_events(store, alert_transitions([_alert("eu")], [], T0 + 20 * M))
    [resolved] = resolved_alerts(store, T0, T0 + 30 * M)
    assert (resolved.cluster, resolved.fired_at) == ("eu", T0)


def test_the_handoff_digest_names_each_alerts_cluster(store: Notebook) -> None:
    from cockpit.reports.handoff import render_markdown
    from cockpit.services.handoff_digest import build_digest
    from cockpit.services.handoff_live import LiveState
    from cockpit.services.shift import ensure_draft

    now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    draft = ensure_draft(store, TWO, now)
    fired = draft.shift_start + M
    eu, us = replace(_alert("eu"), starts_at=fired), replace(_alert("us"), starts_at=fired)
    record_events(store, alert_transitions([], [eu, us], fired))
    record_events(store, alert_transitions([eu, us], [us], fired + 30 * M))
    digest = build_digest(store, TWO, draft, LiveState((us,), None, (), None), now)
    assert digest.clusters == ("eu", "us")
    text = render_markdown(digest)
    assert "- us · `HighErrorRate` (critical)" in text  # firing, not acked
    assert "- eu · `HighErrorRate` `service=api` fired" in text.split("resolved during")[1]
    single = render_markdown(replace(digest, clusters=("us",)))
    assert "- `HighErrorRate` (critical)" in single  # the one cluster watched: as before
    assert "- eu · `HighErrorRate`" in single  # another one's: named


def test_the_weekly_review_counts_each_clusters_firings(store: Notebook) -> None:
    from cockpit.model.weekly_review import Review
    from cockpit.reports.review import render_markdown
    from cockpit.services.weekly_review import build_review

    legacy = replace(_fired(None), occurred_at=T0 - M)
    record_events(store, [legacy, _fired("eu"), _fired("default"), _fired("default")])
    week = (2026, 47)
    review: Review = build_review(store, TWO, T0 + M, week)
    assert [tuple(n) for n in review.noisiest] == [
        ("HighErrorRate", 2, "default"), ("HighErrorRate", 1, ""), ("HighErrorRate", 1, "eu"),
    ]  # fmt: skip
    text = render_markdown(review)
    assert "- default · `HighErrorRate`: fired 2 times" in text
    assert "- eu · `HighErrorRate`: fired 1 time" in text
    # One cluster watched: a firing recorded before clusters and those after are one line.
    single = render_markdown(replace(review, clusters=("default",)))
    assert "- `HighErrorRate`: fired 3 times" in single
    assert "- eu · `HighErrorRate`: fired 1 time" in single


def test_the_cli_incident_view_names_the_cluster(
    store: Notebook, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    from types import SimpleNamespace

    from cockpit.cli.incident_views import show
    from cockpit.services.promote import draft_from_alert
    from cockpit.store.incidents import create_incident

    draft = draft_from_alert(_alert("eu"), {})
    record = create_incident(
        store, title=draft.title, severity="Sev2", detected_at=T0 + M, alerts=draft.alerts
    )
    record_events(store, alert_transitions([], [_alert("eu")], T0))
    context = SimpleNamespace(notebook=store, now=T0 + 5 * M, zone=UTC, config=TWO)
    show(context, SimpleNamespace(id=record.id, json=False))  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert "alert: eu · HighErrorRate (fp1)" in out
    assert "alertmanager: eu · HighErrorRate (critical) firing: 5xx" in out
    show(context, SimpleNamespace(id=record.id, json=True))  # type: ignore[arg-type]
    shown = json.loads(capsys.readouterr().out)
    assert shown["alerts"][0]["cluster"] == "eu"
    clusters = {e["kind"]: e["cluster"] for e in shown["timeline"]}
    assert clusters == {"alert_fired": "eu", "incident_linked": "eu", "status_change": None}


def test_a_digest_says_which_clusters_alerts_are_missing(store: Notebook) -> None:
    from cockpit.reports.handoff import render_markdown
    from cockpit.services.handoff_digest import build_digest
    from cockpit.services.handoff_live import LiveState
    from cockpit.services.shift import ensure_draft

    now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    draft = ensure_draft(store, TWO, now)
    why = "Alertmanager us: connection refused (its alerts are missing)"
    digest = build_digest(store, TWO, draft, LiveState((_alert("eu"),), why, (), None), now)
    section = render_markdown(digest).split("### Alerts firing, not acknowledged\n")[1]
    assert section.startswith(
        "- eu · `HighErrorRate` (critical)"
    ) and f"\n- not known: alerts: {why}\n" in section.split("###")[0]
