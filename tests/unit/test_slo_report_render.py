"""`slo report` (text and --json) says what the SLO pane and detail show: burn per window,
both windows of every burn row, time to exhaustion, the query of an SLO with no data, and
how much of the window holds data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from cockpit.model.freshness import Freshness
from cockpit.model.slo import WORKBOOK_ROWS, ErrorBudget, evaluate_rows, window_held_text
from cockpit.model.slo_definition import SloDefinition
from cockpit.model.slo_report import UNKNOWN, SloReport, verdict
from cockpit.model.snapshots import SloSnapshot, SloStatus
from cockpit.reports.slo import render_json, render_text

NOW = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
H = timedelta(hours=1)
M = timedelta(minutes=1)
QUERY = "1 - (sum(rate(ok[30d]))) / (sum(rate(all[30d])))"


def _slo(name: str) -> SloDefinition:
    return SloDefinition(
        name=name, service="api", objective=99.9, window=timedelta(days=30), kind="ratio",
        good="sum(rate(ok[{{window}}]))", total="sum(rate(all[{{window}}]))",
    )  # fmt: skip


def _burning() -> SloStatus:
    slo = _slo("availability")
    # 2 % errors over 1 h and 5 m, 0.1 % over the longer windows.
    ratios = {w: 0.001 for w in (6 * H, 30 * M, 3 * 24 * H, 6 * H, 24 * H, 2 * H)}
    ratios |= {H: 0.02, 5 * M: 0.02, slo.window: 0.0005}
    rows = evaluate_rows(WORKBOOK_ROWS, slo.window, 0.999, ratios)
    budget = ErrorBudget(0.999, slo.window, 0.9995)
    return SloStatus(slo, budget, rows=rows, burn_1h=20.0, exhaustion=timedelta(hours=18))


def _no_data() -> SloStatus:
    slo = _slo("latency")
    return SloStatus(slo, ErrorBudget(0.999, slo.window, None), rows=evaluate_rows(
        WORKBOOK_ROWS, slo.window, 0.999, {}))  # fmt: skip


def _report(held: dict[str, timedelta | None]) -> SloReport:
    snapshot = SloSnapshot((_burning(), _no_data()), Freshness().succeeded(NOW))
    queries = {"availability": QUERY, "latency": QUERY.replace("ok", "fast")}
    return SloReport(snapshot, {}, queries=queries, held=held)


def test_json_has_the_burn_per_window_rows_and_exhaustion() -> None:
    data = render_json(_report({"availability": timedelta(days=30)}))
    slo = data["slos"][0]  # type: ignore[index]
    assert slo["burn_rate_1h"] == 20.0 and slo["firing_rows"]  # the old keys stay
    assert round(slo["burn_per_window"]["1h"], 6) == 20.0
    assert round(slo["burn_per_window"]["5m"], 6) == 20.0
    assert round(slo["burn_per_window"]["6h"], 6) == 1.0
    page = slo["burn_rows"][0]
    assert page == {
        "severity": "page", "long": "1h", "short": "5m", "threshold": page["threshold"],
        "long_burn": page["long_burn"], "short_burn": page["short_burn"],
        "long_over_threshold": True, "short_over_threshold": True, "firing": True,
    }  # fmt: skip
    assert round(page["threshold"], 6) == 14.4
    assert len(slo["burn_rows"]) == len(WORKBOOK_ROWS)
    assert slo["burn_rows"][1]["firing"] is False  # 6h/30m at 1x
    assert slo["exhaustion_seconds"] == 18 * 3600
    assert slo["exhaustion"] == "18h00m"
    assert slo["query"] == QUERY
    assert slo["data_held_seconds"] == 30 * 86400 and slo["data_note"] is None


def test_json_for_an_slo_with_no_data() -> None:
    data = render_json(_report({"latency": None}))
    slo = data["slos"][1]  # type: ignore[index]
    assert slo["status"] == "no data"
    assert slo["burn_per_window"]["1h"] is None
    assert slo["exhaustion_seconds"] is None and slo["exhaustion"] is None
    assert slo["query"] == QUERY.replace("ok", "fast")
    assert slo["data_held_seconds"] is None
    assert slo["data_note"] == "the 30d window holds no data"


def test_text_shows_the_query_of_an_slo_with_no_data() -> None:
    text = render_text(_report({}))
    latency = text.split("latency", 1)[1]
    assert f"Query:               {QUERY.replace('ok', 'fast')}" in latency
    availability = text.split("availability", 1)[1].split("latency", 1)[0]
    assert "Query:" not in availability  # it has data: the query is only noise there


def test_text_says_how_little_of_the_window_holds_data() -> None:
    text = render_text(_report({"availability": 23 * M}))
    assert "Data:                the 30d window holds only 23m00s of data" in text


def test_window_held_text() -> None:
    window = timedelta(days=30)
    assert window_held_text(window, window) is None
    assert window_held_text(None, window) == "the 30d window holds no data"
    assert "only 2h05m of data" in str(window_held_text(2 * H + 5 * M, window))


def test_a_report_of_the_past_says_when_it_was() -> None:
    from zoneinfo import ZoneInfo

    past = replace(_report({}), at=NOW - 3 * H)
    assert render_json(past)["at"] == "2026-11-20T13:30:00Z"
    assert "at" not in render_json(_report({}))  # the live report: the shape it had
    text = render_text(past, ZoneInfo("Europe/Berlin"))
    assert "as it was at Fri 2026-11-20 14:30:00 CET" in text.splitlines()[1]


def _two_servers() -> SloReport:
    """availability on server a (fresh), latency on b (down since NOW - 1 h)."""
    down = Freshness().succeeded(NOW - H).failed(NOW, "connection refused")
    slos = (
        replace(_burning(), server="a"),
        replace(_no_data(), server="b", error="connection refused"),
    )
    servers = {"a": Freshness().succeeded(NOW), "b": down}
    return SloReport(SloSnapshot(slos, Freshness().succeeded(NOW), servers), {})


def test_with_several_servers_each_slo_names_its_server() -> None:
    report = _two_servers()
    text = render_text(report)
    assert "   Prometheus:          a" in text
    assert "   Prometheus:          b" in text
    data = render_json(report)
    assert [s["prometheus"] for s in data["slos"]] == ["a", "b"]  # type: ignore[attr-defined]
    # one server: no line for it (its name is in the config)
    assert "Prometheus:" not in render_text(_report({}))


def test_a_server_down_makes_the_verdict_unknown_naming_it() -> None:
    code, line = verdict(_two_servers())
    assert code == UNKNOWN
    assert line == "Cannot tell: Prometheus b (connection refused) did not answer"
