"""The alerts pane's labels column: the labels that tell the listed alerts apart."""

from __future__ import annotations

from cockpit.model.alerts import Alert, differing_labels


def _alert(**labels: str) -> Alert:
    return Alert(name=labels.get("alertname", "?"), labels=labels)


def test_severity_and_labels_common_to_every_row_are_dropped() -> None:
    alerts = [
        _alert(alertname="HighErrorRate", severity="critical", service="demo-api"),
        _alert(alertname="HighErrorRate", severity="warning", service="demo-api"),
    ]
    assert differing_labels(alerts) == [{}, {}]


def test_labels_that_differ_between_rows_are_kept() -> None:
    alerts = [
        _alert(alertname="HighErrorRate", severity="critical", service="api", instance="a:1"),
        _alert(alertname="HighErrorRate", severity="critical", service="api", instance="b:1"),
        _alert(alertname="HighLatency", severity="warning", service="search", instance="a:1"),
    ]
    assert differing_labels(alerts) == [
        {"service": "api", "instance": "a:1"},
        {"service": "api", "instance": "b:1"},
        {"service": "search", "instance": "a:1"},
    ]


def test_a_label_only_some_rows_have_is_shown_where_present() -> None:
    alerts = [
        _alert(alertname="A", severity="critical", job="api", pod="api-1"),
        _alert(alertname="B", severity="critical", job="api"),
    ]
    assert differing_labels(alerts) == [{"pod": "api-1"}, {}]


def test_a_lone_alert_shows_its_labels_but_alertname_and_severity() -> None:
    alone = [_alert(alertname="A", severity="critical", service="api", team="core")]
    assert differing_labels(alone) == [{"service": "api", "team": "core"}]


def test_no_alerts() -> None:
    assert differing_labels([]) == []
