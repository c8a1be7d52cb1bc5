"""Which rows the alerts pane shows (services/alert_rows.py), and the alert poller handing
back the same objects for what did not change (services/alert_poll.py)."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cockpit.config import parse
from cockpit.model.alerts import Alert, differing_labels
from cockpit.model.freshness import Freshness
from cockpit.model.matchers import exact, parse_filter
from cockpit.model.silences import Silence, ack_comment, display_state
from cockpit.model.snapshots import AlertSnapshot
from cockpit.services.alert_poll import AlertPoller
from cockpit.services.alert_rows import GROUP_PREFIX, AlertView, alert_rows, shared_labels

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _alert(name: str, fp: str, state: str = "firing", **labels: str) -> Alert:
    return Alert(
        name=name,
        labels={"alertname": name, "severity": "warning", **labels},
        annotations={"summary": f"{name} summary"},
        state=state,
        starts_at=NOW - timedelta(minutes=5),
        fingerprint=fp,
        silenced_by=("s1",) if state == "silenced" else (),
    )


API = _alert("Api", "a1", service="api", instance="h1")
API2 = _alert("Api", "a2", service="api", instance="h2")
DB = _alert("Db", "d1", "inhibited", service="db", instance="h1")
ACKED = _alert("Disk", "k1", "silenced", service="db", instance="h9")
ACK = Silence(
    id="s1",
    matchers=exact(ACKED.labels),
    starts_at=NOW - timedelta(minutes=1),
    ends_at=NOW + timedelta(hours=1),
    created_by="bob",
    comment=ack_comment(NOW - timedelta(minutes=1)),
)


def _snapshot(*alerts: Alert, groups: dict[str, str] | None = None) -> AlertSnapshot:
    return AlertSnapshot(alerts, Freshness(), silences=(ACK,), groups=groups or {})


def test_every_alert_in_order_with_its_shown_state() -> None:
    snapshot = _snapshot(API, API2, DB, ACKED)
    rows = alert_rows(snapshot, AlertView())
    assert rows.keys == ["a1", "a2", "d1", "k1"]
    silences = snapshot.silence_index()
    assert [rows.state(k, rows.alerts[k]) for k in rows.keys] == [
        display_state(a, silences) for a in snapshot.alerts
    ]
    assert rows.state("k1", ACKED) == "acked"


def test_the_filter_and_the_toggles_choose_the_rows() -> None:
    snapshot = _snapshot(API, API2, DB, ACKED)
    assert alert_rows(snapshot, AlertView(parse_filter('service="db"'))).keys == ["d1", "k1"]
    assert alert_rows(snapshot, AlertView(parse_filter("h2"))).keys == ["a2"]
    assert alert_rows(snapshot, AlertView(show_inhibited=False)).keys == ["a1", "a2", "k1"]
    # An acked alert is not "silenced" as shown, so hiding silenced ones keeps it.
    assert alert_rows(snapshot, AlertView(show_silenced=False)).keys == ["a1", "a2", "d1", "k1"]


def test_grouped_rows_head_each_group_with_its_counts() -> None:
    rows = alert_rows(_snapshot(API, DB, API2), AlertView(group="alertname"))
    assert rows.keys == [GROUP_PREFIX + "Api", "a1", "a2", GROUP_PREFIX + "Db", "d1"]
    api = rows.groups[GROUP_PREFIX + "Api"]
    assert (api.count, api.firing) == (2, 2)
    assert rows.alert(GROUP_PREFIX + "Api") is None and rows.alert("d1") is DB
    by_am = alert_rows(_snapshot(API, DB, groups={"a1": "g=x"}), AlertView(group="alertmanager"))
    assert by_am.keys == [GROUP_PREFIX + "g=x", "a1", GROUP_PREFIX + "(group not known yet)", "d1"]


def test_the_labels_column_leaves_out_what_every_listed_alert_shares() -> None:
    rows = alert_rows(_snapshot(API, API2), AlertView())
    assert rows.shown_labels(API) == {"instance": "h1"}
    lone = alert_rows(_snapshot(API), AlertView())
    assert lone.shown_labels(API) == {"service": "api", "instance": "h1"}


labels = st.dictionaries(
    st.sampled_from(["alertname", "severity", "service", "instance", "zone"]),
    st.sampled_from(["a", "b", ""]),
)


@given(st.lists(labels, max_size=6))
def test_shared_labels_hide_what_differing_labels_hides(all_labels: list[dict[str, str]]) -> None:
    alerts = [replace(API, labels=one, fingerprint=str(i)) for i, one in enumerate(all_labels)]
    hidden = shared_labels(alerts)
    shown = [{k: v for k, v in a.labels.items() if k not in hidden} for a in alerts]
    assert shown == differing_labels(alerts)


def _item(fp: str, summary: str) -> dict[str, Any]:
    return {
        "labels": {"alertname": "A", "severity": "warning", "instance": fp},
        "annotations": {"summary": summary},
        "startsAt": "2026-12-05T08:00:00Z",
        "fingerprint": fp,
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
    }


async def _apply(poller: AlertPoller, items: list[dict[str, Any]]) -> AlertSnapshot:
    return await poller._apply({("default", "alerts", 0): items, ("default", "silences", 0): []})


async def test_the_poller_hands_back_the_same_alerts_when_nothing_changed(
    tmp_path: Path,
) -> None:
    config = parse(tomllib.loads('[alertmanager]\nurl = "http://am.test"\n'), tmp_path / "c")
    poller = AlertPoller(config)
    first = await _apply(poller, [_item("x1", "one"), _item("x2", "two")])
    again = await _apply(poller, [_item("x1", "one"), _item("x2", "two")])
    assert again.alerts is first.alerts
    changed = await _apply(poller, [_item("x1", "one"), _item("x2", "two, changed")])
    assert changed.alerts is not first.alerts
    by_fp = {a.fingerprint: a for a in changed.alerts}
    assert by_fp["x1"] is {a.fingerprint: a for a in first.alerts}["x1"]
    assert by_fp["x2"].summary == "two, changed"
    gone = await _apply(poller, [_item("x2", "two, changed")])
    assert [a.fingerprint for a in gone.alerts] == ["x2"]


FILTERS = [
    'service="db"',
    'zone=""',
    'service=~"a.*"',
    "instance!=h1",
    "h2",
    "SUMMARY",
    'service="api" h2',
]


@given(
    st.sampled_from(FILTERS),
    st.booleans(),
    st.booleans(),
    st.lists(st.sampled_from(range(4)), unique=True),
)
def test_the_rows_are_the_alerts_the_view_keeps(
    text: str, silenced: bool, inhibited: bool, which: list[int]
) -> None:
    alerts = [(API, API2, DB, ACKED)[i] for i in which]
    view = AlertView(parse_filter(text), show_silenced=silenced, show_inhibited=inhibited)
    snapshot = _snapshot(*alerts)
    silences = snapshot.silence_index()
    kept = [a.fingerprint for a in alerts if view.keeps(a, display_state(a, silences))]
    assert alert_rows(snapshot, view).keys == kept


async def test_a_new_pending_alert_makes_a_new_list(tmp_path: Path) -> None:
    text = '[alertmanager]\nurl = "http://am.test"\n[prometheus]\nurl = "http://p.test"\n'
    poller = AlertPoller(parse(tomllib.loads(text), tmp_path / "c"))
    pending = {"labels": {"alertname": "P", "severity": "warning"}, "state": "pending"}

    async def cycle(*pendings: dict[str, Any]) -> AlertSnapshot:
        return await poller._apply({
            ("default", "alerts", 0): [_item("x1", "one")],
            ("default", "silences", 0): [],
            ("default", "pending", 0): {"alerts": list(pendings)},
        })  # fmt: skip

    first = await cycle()
    assert (await cycle()).alerts is first.alerts
    grown = await cycle(pending)
    assert [a.state for a in grown.alerts] == ["firing", "pending"]
    assert (await cycle(pending)).alerts is grown.alerts
    assert len((await cycle()).alerts) == 1


def test_two_alerts_with_one_key_make_one_row_the_first() -> None:
    twin = replace(API, annotations={"summary": "the same alert from a plugin"})
    rows = alert_rows(_snapshot(API, API2, twin), AlertView())
    assert rows.keys == ["a1", "a2"] and rows.alerts["a1"] is API
    grouped = alert_rows(_snapshot(API, twin), AlertView(group="alertname"))
    assert grouped.keys == [GROUP_PREFIX + "Api", "a1"]
    assert grouped.groups[GROUP_PREFIX + "Api"].count == 1
