"""cockpit.services.slo_poll: the PromQL it writes, and one poll cycle against a fake
Prometheus (one query per window, per-SLO fallback on a refused batch, unreachable)."""

from __future__ import annotations

import dataclasses
import math
import re
import threading
import time
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import Config, Endpoint, parse
from cockpit.model.slo import NO_DATA, WORKBOOK_ROWS, BurnRow
from cockpit.model.slo_definition import SloDefinition
from cockpit.services.slo_poll import SloPoller, batch_query, error_ratio_query
from cockpit.sources.errors import SourceError
from cockpit.sources.prometheus import QueryRefused, Sample

H = timedelta(hours=1)
M5 = timedelta(minutes=5)
M30 = timedelta(minutes=30)
H2 = timedelta(hours=2)
H6 = timedelta(hours=6)
D1 = timedelta(days=1)
D3 = timedelta(days=3)
D7 = timedelta(days=7)
D30 = timedelta(days=30)

REFUSED = "query refused: bad_data: parse error"

SLOS = """
[[slo]]
name = "api-availability"
objective = 99.9
window = "30d"
good = 'sum(rate(api_good_total[{{window}}]))'
total = 'sum(rate(api_all_total[{{window}}]))'

[[slo]]
name = "web-errors"
objective = 99.0
window = "30d"
bad = 'sum(rate(web_bad_total[{{window}}]))'
total = 'sum(rate(web_all_total[{{window}}]))'

[[slo]]
name = "checkout-latency"
objective = 95
window = "30d"
sli = "latency"
metric = "lat_seconds"
threshold = 2.5
selector = 'job="checkout"'
"""

WEEKLY = """
[[slo]]
name = "weekly"
objective = 99.5
window = "7d"
good = 'sum(rate(wk_good_total[{{window}}]))'
total = 'sum(rate(wk_all_total[{{window}}]))'
"""

BROKEN = """
[[slo]]
name = "oops"
objective = 99.9
window = "30d"
good = 'sum(rate(oops_good_total[{{window}}]))'
total = 'sum(rate(broken_all_total[{{window}}) by ('
"""

PROMETHEUS = Endpoint(url="http://prometheus.invalid:9090")


def _config(text: str, prometheus: Endpoint | None = PROMETHEUS) -> Config:
    config = parse(tomllib.loads(text), Path("c.toml"))
    return dataclasses.replace(config, prometheus=prometheus)


def _slo(text: str, index: int = 0) -> SloDefinition:
    return parse(tomllib.loads(text), Path("c.toml")).slos[index]


# -- error_ratio_query ----------------------------------------------------------------
def test_ratio_good_query() -> None:
    assert error_ratio_query(_slo(SLOS, 0), D30) == (
        "1 - (sum(rate(api_good_total[30d]))) / (sum(rate(api_all_total[30d])))"
    )


def test_ratio_bad_query() -> None:
    assert error_ratio_query(_slo(SLOS, 1), M5) == (
        "(sum(rate(web_bad_total[5m]))) / (sum(rate(web_all_total[5m])))"
    )


def test_latency_query_with_selector() -> None:
    assert error_ratio_query(_slo(SLOS, 2), H) == (
        '1 - (sum(rate(lat_seconds_bucket{le=~"2\\\\.5",job="checkout"}[1h]))) '
        '/ (sum(rate(lat_seconds_count{job="checkout"}[1h])))'
    )


def test_latency_query_whole_second_threshold_matches_both_spellings() -> None:
    text = """
[[slo]]
name = "lat"
objective = 99
sli = "latency"
metric = "http_request_duration_seconds"
threshold = 1
"""
    assert error_ratio_query(_slo(text), M30) == (
        '1 - (sum(rate(http_request_duration_seconds_bucket{le=~"1|1\\\\.0"}[30m]))) '
        "/ (sum(rate(http_request_duration_seconds_count{}[30m])))"
    )


@pytest.mark.parametrize(
    ("threshold", "spelling"),
    [
        ("0.25", r"0\\.25"),
        ("10", r"10|10\\.0"),
        ("2.0", r"2|2\\.0"),
        ("0.5", r"0\\.5"),
        ("1e-3", r"0\\.001"),
    ],
)
def test_latency_threshold_spellings(threshold: str, spelling: str) -> None:
    text = f"""
[[slo]]
name = "lat"
objective = 99
sli = "latency"
metric = "m"
threshold = {threshold}
selector = 'route="/pay"'
"""
    assert error_ratio_query(_slo(text), H6) == (
        f'1 - (sum(rate(m_bucket{{le=~"{spelling}",route="/pay"}}[6h]))) '
        '/ (sum(rate(m_count{route="/pay"}[6h])))'
    )


def test_recorded_query_without_selector() -> None:
    text = '[[slo]]\nname = "r"\nobjective = 99.9\nsli = "recorded"\n'
    assert error_ratio_query(_slo(text), H2) == "slo:sli_error:ratio_rate2h"
    assert error_ratio_query(_slo(text), D30) == "slo:sli_error:ratio_rate30d"


def test_recorded_query_with_selector() -> None:
    text = """
[[slo]]
name = "r"
objective = 99.9
sli = "recorded"
selector = 'sloth_service="api",sloth_slo="requests-availability"'
"""
    assert error_ratio_query(_slo(text), D3) == (
        'slo:sli_error:ratio_rate3d{sloth_service="api",sloth_slo="requests-availability"}'
    )


@pytest.mark.parametrize(
    ("window", "span"),
    [(M5, "5m"), (M30, "30m"), (H, "1h"), (H2, "2h"), (H6, "6h"), (D1, "1d"), (D3, "3d")],
)
def test_every_workbook_window_spelled_for_promql(window: timedelta, span: str) -> None:
    assert error_ratio_query(_slo(SLOS, 1), window) == (
        f"(sum(rate(web_bad_total[{span}]))) / (sum(rate(web_all_total[{span}])))"
    )


# -- batch_query ----------------------------------------------------------------------
def test_batch_query_tags_and_joins() -> None:
    slos = list(_config(SLOS).slos)
    assert batch_query(slos, H) == (
        "label_replace(1 - (sum(rate(api_good_total[1h]))) / (sum(rate(api_all_total[1h]))), "
        '"cockpit_slo", "0", "", "") or '
        "label_replace((sum(rate(web_bad_total[1h]))) / (sum(rate(web_all_total[1h]))), "
        '"cockpit_slo", "1", "", "") or '
        'label_replace(1 - (sum(rate(lat_seconds_bucket{le=~"2\\\\.5",job="checkout"}[1h]))) '
        '/ (sum(rate(lat_seconds_count{job="checkout"}[1h]))), "cockpit_slo", "2", "", "")'
    )


def test_batch_query_of_one_slo_has_no_or() -> None:
    (slo,) = _config(WEEKLY).slos
    assert batch_query([slo], D7) == (
        f'label_replace({error_ratio_query(slo, D7)}, "cockpit_slo", "0", "", "")'
    )


def test_batch_query_index_is_position_in_the_list() -> None:
    slos = list(_config(SLOS).slos)
    query = batch_query([slos[2], slos[0]], H)
    assert query.count(" or ") == 1
    first, second = query.split(" or ")
    assert first == f'label_replace({error_ratio_query(slos[2], H)}, "cockpit_slo", "0", "", "")'
    assert second == f'label_replace({error_ratio_query(slos[0], H)}, "cockpit_slo", "1", "", "")'


# -- a fake Prometheus ----------------------------------------------------------------
PART = re.compile(r'label_replace\((?P<inner>.*?), "cockpit_slo", "(?P<index>\d+)", "", ""\)')


class FakeQueries:
    """Answers error ratios by (metric prefix, range), like `PrometheusQueries.query`.

    ``ratios["api"]["1h"]`` is the value for any expression reading ``api_*[1h]``; a
    missing entry gives no sample. Expressions containing a word of ``broken`` are refused;
    ``fail`` makes every query raise.
    """

    def __init__(
        self, ratios: dict[str, dict[str, float]], endpoint: Endpoint = PROMETHEUS
    ) -> None:
        self.endpoint = endpoint
        self.deadline: float | None = None
        self.cycle_seconds = 0.0
        self.ratios = ratios
        self.calls: list[tuple[str, float | None]] = []
        self.fail: str | None = None
        self.broken: tuple[str, ...] = ("broken",)

    def _value(self, expr: str) -> float | None:
        key = re.search(r"rate\(([a-z]+)_", expr)
        span = re.search(r"\[(\w+)\]", expr)
        assert key is not None and span is not None, expr
        return self.ratios.get(key.group(1), {}).get(span.group(1))

    def query(self, expr: str, at: float | None = None) -> list[Sample]:
        self.calls.append((expr, at))
        if self.fail is not None:
            raise SourceError(self.fail)
        if any(word in expr for word in self.broken):
            raise QueryRefused(REFUSED)
        parts = list(PART.finditer(expr))
        if not parts:
            value = self._value(expr)
            return [] if value is None else [Sample({}, value)]
        assert " or ".join(m.group(0) for m in parts) == expr
        samples = []
        for m in parts:
            value = self._value(m["inner"])
            if value is not None:
                samples.append(Sample({"cockpit_slo": m["index"], "job": "x"}, value))
        return samples


ALL_SPANS = ("30d", "1h", "5m", "6h", "30m", "1d", "2h", "3d")


def _ratios() -> dict[str, dict[str, float]]:
    return {
        # 99.9 %: half the budget gone, 20x over 1 h, 30x over 5 m: the 1 h page fires
        "api": {"30d": 0.0005, "1h": 0.02, "5m": 0.03, "6h": 0.0005, "30m": 0.0005}
        | {"1d": 0.0005, "2h": 0.0005, "3d": 0.0005},
        # 99 %: nothing burns
        "web": dict.fromkeys(ALL_SPANS, 0.0),
        # 95 %: no traffic at all, NaN everywhere
        "lat": dict.fromkeys(ALL_SPANS, math.nan),
        "wk": {"7d": 0.001, "1h": 0.005, "5m": 0.005},
        "oops": dict.fromkeys(ALL_SPANS, 0.0),
    }


def _poller(
    text: str, ratios: dict[str, dict[str, float]] | None = None
) -> tuple[SloPoller, FakeQueries]:
    poller = SloPoller(_config(text))
    fake = FakeQueries(_ratios() if ratios is None else ratios)
    (group,) = poller.groups.values()
    group.queries = fake  # type: ignore[assignment]
    return poller, fake


# -- one cycle -------------------------------------------------------------------------
def test_one_query_per_window_not_per_slo() -> None:
    poller, fake = _poller(SLOS)
    before = time.time()
    poller.poll()
    assert len(fake.calls) == 8
    assert poller.queries_sent == 8
    slos = list(poller.config.slos)
    expected = [batch_query(slos, w) for w in (D30, H, M5, H6, M30, D1, H2, D3)]
    assert [expr for expr, _ in fake.calls] == expected
    # every query of the cycle is evaluated at one pinned time
    stamps = {at for _, at in fake.calls}
    assert len(stamps) == 1
    (at,) = stamps
    assert at is not None
    assert before - 1 <= at <= time.time() + 1


def test_mixed_windows_ask_each_distinct_window_once() -> None:
    poller, fake = _poller(SLOS + WEEKLY)
    snapshot = poller.poll()
    # 8 windows for the 30-day SLOs, plus the weekly SLO's own 7 d
    assert len(fake.calls) == 9
    slos = list(poller.config.slos)
    queries = [expr for expr, _ in fake.calls]
    assert queries[0] == batch_query(slos[:3], D30)
    assert queries[1] == batch_query(slos, H)  # everyone needs 1 h
    assert batch_query([slos[3]], D7) in queries
    # the weekly SLO is index 0 of its 7 d batch, index 3 of the config
    weekly = snapshot.slos[3]
    assert weekly.slo.name == "weekly"
    assert weekly.budget.sli == pytest.approx(0.999)
    assert weekly.budget.remaining == pytest.approx(0.8)
    assert weekly.burn_1h == pytest.approx(1.0)
    # on a 7-day window the 1 h page row fires at 3.36, not at 14.4
    assert weekly.rows[0].threshold == pytest.approx(3.36)
    assert snapshot.slos[0].budget.sli == pytest.approx(0.9995)


def test_sli_burn_rows_and_exhaustion() -> None:
    poller, _ = _poller(SLOS)
    snapshot = poller.poll()
    api, web, _ = snapshot.slos
    assert [s.slo.name for s in snapshot.slos] == [
        "api-availability",
        "web-errors",
        "checkout-latency",
    ]
    assert snapshot.freshness.ok
    assert snapshot.freshness.error is None

    assert api.error is None
    assert api.budget.objective == pytest.approx(0.999)
    assert api.budget.window == D30
    assert api.budget.sli == pytest.approx(0.9995)
    assert api.budget.remaining == pytest.approx(0.5)
    assert api.burn_1h == pytest.approx(20.0)
    assert api.exhaustion is not None
    assert api.exhaustion.total_seconds() == pytest.approx(
        (D30 * 0.5 / 20.0).total_seconds(), rel=1e-6
    )
    assert [r.row for r in api.rows] == list(WORKBOOK_ROWS)
    assert [r.long_rate for r in api.rows] == pytest.approx([20.0, 0.5, 0.5, 0.5])
    assert [r.short_rate for r in api.rows] == pytest.approx([30.0, 0.5, 0.5, 0.5])
    assert [r.firing for r in api.rows] == [True, False, False, False]
    assert [r.row for r in api.firing_rows] == [WORKBOOK_ROWS[0]]

    assert web.budget.sli == 1.0
    assert web.budget.remaining == pytest.approx(1.0)
    assert web.burn_1h == 0.0
    assert web.exhaustion is None  # nothing burns
    assert web.firing_rows == ()


def test_nan_is_no_data() -> None:
    poller, _ = _poller(SLOS)
    lat = poller.poll().slos[2]
    assert lat.error is None
    assert lat.budget.sli is None
    assert lat.budget.status == NO_DATA
    assert lat.burn_1h is None
    assert lat.exhaustion is None
    assert [(r.long_rate, r.short_rate, r.firing) for r in lat.rows] == [(None, None, False)] * 4


def test_missing_samples_are_no_data() -> None:
    poller, _ = _poller(SLOS, {"api": {"1h": 0.001}})
    api = poller.poll().slos[0]
    assert api.budget.sli is None
    assert api.budget.status == NO_DATA
    assert api.burn_1h == pytest.approx(1.0)
    assert api.exhaustion is None  # no budget known


def test_sli_is_clamped_to_0_1() -> None:
    poller, _ = _poller(SLOS, {"api": {"30d": -0.01}, "web": {"30d": 1.5}})
    api, web, _ = poller.poll().slos
    assert api.budget.sli == 1.0
    assert web.budget.sli == 0.0


def test_custom_burn_rows_drive_windows_and_rows() -> None:
    text = SLOS + '\n[[burn_row]]\nseverity = "page"\nlong = "2h"\nbudget = 5\n'
    ratios = {"api": {"30d": 0.0, "2h": 0.05, "10m": 0.05, "1h": 0.002}}
    poller, fake = _poller(text, ratios)
    assert poller.rows == (BurnRow("page", H2, timedelta(minutes=10), 0.05),)
    api = poller.poll().slos[0]
    # 30 d, 2 h, 10 m for the row, and 1 h always: the pane's burn and "out in" read it
    assert len(fake.calls) == 4
    assert api.burn_1h == pytest.approx(2.0)
    (row,) = api.rows
    assert row.threshold == pytest.approx(18.0)  # 5 % x 720 h / 2 h
    assert row.long_rate == pytest.approx(50.0)
    assert row.firing is True


def test_exactly_on_budget_does_not_fire_the_3_day_ticket() -> None:
    poller, _ = _poller(SLOS, {"api": dict.fromkeys(ALL_SPANS, 0.001)})
    api = poller.poll().slos[0]
    assert api.rows[3].row == WORKBOOK_ROWS[3]
    assert api.rows[3].firing is False


# -- a refused batch falls back to one query per SLO ---------------------------------
def test_refused_batch_falls_back_per_slo() -> None:
    poller, fake = _poller(SLOS + BROKEN)
    snapshot = poller.poll()
    # 8 refused batches, then 4 single queries per window
    assert len(fake.calls) == 8 + 8 * 4
    assert poller.queries_sent == 40
    slos = list(poller.config.slos)
    assert fake.calls[0][0] == batch_query(slos, D30)
    assert [expr for expr, _ in fake.calls[1:5]] == [error_ratio_query(s, D30) for s in slos]

    api, web, lat, oops = snapshot.slos
    assert oops.error == REFUSED
    assert oops.budget.sli is None
    assert oops.budget.status == NO_DATA
    assert api.error is None
    assert api.budget.sli == pytest.approx(0.9995)
    assert api.burn_1h == pytest.approx(20.0)
    assert api.rows[0].firing is True
    assert web.error is None
    assert web.budget.sli == 1.0
    assert lat.error is None
    assert lat.budget.sli is None  # NaN through the single query too
    # Prometheus answered: the source itself is fine
    assert snapshot.freshness.ok
    assert snapshot.freshness.error is None


def test_broken_slo_keeps_its_last_values_marked() -> None:
    poller, fake = _poller(SLOS)
    first, web_before, _ = poller.poll().slos
    assert first.error is None
    assert first.budget.sli == pytest.approx(0.9995)
    fake.ratios["api"] = dict.fromkeys(ALL_SPANS, 0.5)
    fake.ratios["web"] = dict.fromkeys(ALL_SPANS, 0.002)
    fake.broken = ("api_good_total",)
    second, web, _ = poller.poll().slos
    assert second.error == REFUSED
    assert second.budget == first.budget
    assert second.burn_1h == first.burn_1h
    assert second.rows == first.rows
    # the others moved on
    assert web.error is None
    assert web.budget.sli == pytest.approx(0.998)
    assert web_before.budget.sli == 1.0


# -- an unreachable Prometheus --------------------------------------------------------
def test_connection_refused_on_first_poll() -> None:
    poller, fake = _poller(SLOS)
    fake.fail = "connection refused"
    snapshot = poller.poll()
    assert len(fake.calls) == 1  # no fallback storm against a dead server
    assert snapshot.freshness.error == "connection refused"
    assert snapshot.freshness.last_success is None
    assert not snapshot.freshness.ok
    assert [s.error for s in snapshot.slos] == ["connection refused"] * 3
    assert [s.budget.sli for s in snapshot.slos] == [None, None, None]


def test_connection_refused_keeps_the_last_values() -> None:
    poller, fake = _poller(SLOS)
    good = poller.poll()
    fake.fail = "connection refused"
    fake.calls.clear()
    snapshot = poller.poll()
    assert len(fake.calls) == 1
    assert snapshot.freshness.error == "connection refused"
    assert snapshot.freshness.last_success == good.freshness.last_success
    assert [s.budget for s in snapshot.slos] == [s.budget for s in good.slos]
    assert [s.burn_1h for s in snapshot.slos] == [s.burn_1h for s in good.slos]
    assert [s.rows for s in snapshot.slos] == [s.rows for s in good.slos]
    assert [s.error for s in snapshot.slos] == ["connection refused"] * 3
    assert poller.last is snapshot


def test_unreachable_during_fallback_fails_the_cycle() -> None:
    poller, fake = _poller(SLOS + BROKEN)
    good = poller.poll()

    original = fake.query

    def refused_then_down(expr: str, at: float | None = None) -> list[Sample]:
        if len(fake.calls) >= 1:
            fake.calls.append((expr, at))
            raise SourceError("timed out")
        return original(expr, at)

    fake.calls.clear()
    fake.query = refused_then_down  # type: ignore[method-assign]
    snapshot = poller.poll()
    assert len(fake.calls) == 2  # the refused batch, then the first single query
    assert snapshot.freshness.error == "timed out"
    assert [s.budget for s in snapshot.slos] == [s.budget for s in good.slos]


def test_recovery_clears_the_freshness_error() -> None:
    poller, fake = _poller(SLOS)
    fake.fail = "connection refused"
    poller.poll()
    fake.fail = None
    snapshot = poller.poll()
    assert snapshot.freshness.ok
    assert [s.error for s in snapshot.slos] == [None, None, None]
    assert snapshot.slos[0].budget.sli == pytest.approx(0.9995)


def test_without_prometheus_nothing_is_asked() -> None:
    poller = SloPoller(_config(SLOS, prometheus=None))
    snapshot = poller.poll()
    assert not snapshot.freshness.configured
    assert [s.budget.sli for s in snapshot.slos] == [None, None, None]
    assert [s.error for s in snapshot.slos] == [None, None, None]


# -- several Prometheus servers --------------------------------------------------------
TWO_SERVERS = """
[[prometheus]]
name = "a"
url = "http://a.invalid:9090"

[[prometheus]]
name = "b"
url = "http://b.invalid:9090"
"""

ON_B = """
[[slo]]
name = "b-weekly"
prometheus = "b"
objective = 99.5
window = "7d"
good = 'sum(rate(wk_good_total[{{window}}]))'
total = 'sum(rate(wk_all_total[{{window}}]))'
"""

NAMED_A = """
[[slo]]
name = "a-named"
prometheus = "a"
objective = 99
window = "30d"
bad = 'sum(rate(web_bad_total[{{window}}]))'
total = 'sum(rate(web_all_total[{{window}}]))'
"""


def _two(text: str = SLOS + ON_B) -> tuple[SloPoller, FakeQueries, FakeQueries]:
    """A poller over servers a and b, each answered by its own fake."""
    poller = SloPoller(parse(tomllib.loads(TWO_SERVERS + text), Path("c.toml")))
    fakes = []
    for group in poller.groups.values():
        fake = FakeQueries(_ratios(), group.endpoint)
        group.queries = fake  # type: ignore[assignment]
        fakes.append(fake)
    a, b = fakes
    return poller, a, b


def test_each_server_is_asked_only_for_its_own_slos() -> None:
    poller, a, b = _two(SLOS + ON_B + NAMED_A)
    # "" is the first server: the unnamed SLOs and the one naming "a" share its batches
    assert list(poller.groups) == ["a", "b"]
    assert poller.groups["a"].indices == [0, 1, 2, 4]
    assert poller.groups["b"].indices == [3]
    snapshot = poller.poll()
    slos = list(poller.config.slos)
    on_a = [slos[i] for i in (0, 1, 2, 4)]
    assert [expr for expr, _ in a.calls] == [
        batch_query(on_a, w) for w in (D30, H, M5, H6, M30, D1, H2, D3)
    ]
    # b's one SLO: its 7 d and its rows' windows, never a's SLOs
    assert len(b.calls) == 8
    assert all("wk_" in expr and "api_" not in expr for expr, _ in b.calls)
    assert batch_query([slos[3]], D7) in [expr for expr, _ in b.calls]
    assert poller.queries_sent == 16
    # one pinned time for every server's queries
    assert len({at for _, at in a.calls + b.calls}) == 1
    assert [s.server for s in snapshot.slos] == ["a", "a", "a", "b", "a"]
    assert snapshot.slos[3].budget.sli == pytest.approx(0.999)
    assert snapshot.slos[4].budget.sli == 1.0
    assert snapshot.freshness.ok
    assert set(snapshot.servers) == {"a", "b"}
    assert all(f.ok for f in snapshot.servers.values())
    assert snapshot.stale_servers() == {}


def test_one_server_down_marks_only_its_slos_stale() -> None:
    poller, a, b = _two()
    good = poller.poll()
    b.fail = "connection refused"
    a.ratios["api"] = dict.fromkeys(ALL_SPANS, 0.0)
    snapshot = poller.poll()
    api, web, lat, weekly = snapshot.slos
    # b's SLO keeps its last values, marked with the reason
    assert weekly.error == "connection refused"
    assert weekly.budget == good.slos[3].budget
    assert weekly.rows == good.slos[3].rows
    assert weekly.server == "b"
    # a's moved on, fresh
    assert [s.error for s in (api, web, lat)] == [None, None, None]
    assert api.budget.sli == 1.0
    assert snapshot.freshness.ok and snapshot.freshness.error is None
    assert snapshot.servers["a"].ok
    assert snapshot.servers["b"].error == "connection refused"
    assert snapshot.servers["b"].last_success == good.servers["b"].last_success
    assert set(snapshot.stale_servers()) == {"b"}
    # one query to a dead server, no fallback storm
    assert len(b.calls) == 8 + 1


def test_every_server_down_fails_the_snapshot_naming_each() -> None:
    poller, a, b = _two()
    poller.poll()
    a.fail = "timed out"
    b.fail = "connection refused"
    snapshot = poller.poll()
    assert snapshot.freshness.error == "a: timed out; b: connection refused"
    assert [s.error for s in snapshot.slos] == ["timed out"] * 3 + ["connection refused"]
    assert set(snapshot.stale_servers()) == {"a", "b"}
    a.fail = b.fail = None
    recovered = poller.poll()
    assert recovered.freshness.ok
    assert recovered.stale_servers() == {}
    assert [s.error for s in recovered.slos] == [None] * 4


def test_a_server_whose_every_slo_is_refused_is_failed_the_others_not() -> None:
    poller, _, b = _two()
    b.broken = ("wk_good_total",)
    snapshot = poller.poll()
    assert snapshot.servers["b"].error == REFUSED
    assert snapshot.servers["a"].ok
    assert snapshot.freshness.ok
    assert snapshot.slos[3].error == REFUSED


def test_the_servers_are_asked_at_the_same_time() -> None:
    poller, a, b = _two()
    # Each server's first query waits for the other's: asked one after the other, the
    # barrier would break after its timeout.
    meet = threading.Barrier(2, timeout=5)
    for fake in (a, b):
        first = [True]

        def query(
            expr: str, at: float | None = None, fake: FakeQueries = fake, first: list[bool] = first
        ) -> list[Sample]:
            if first[0]:
                first[0] = False
                meet.wait()
            return FakeQueries.query(fake, expr, at)

        fake.query = query  # type: ignore[method-assign]
    snapshot = poller.poll()
    assert not meet.broken
    assert snapshot.freshness.ok


def test_a_slo_naming_no_configured_server_says_so_and_asks_nothing() -> None:
    config = parse(tomllib.loads(TWO_SERVERS + SLOS + ON_B), Path("c.toml"))
    config = dataclasses.replace(config, prometheus_servers=config.prometheus_servers[:1])
    poller = SloPoller(config)
    assert poller.config.prometheus_servers[0].name == "a"
    (group,) = poller.groups.values()
    fake = FakeQueries(_ratios(), group.endpoint)
    group.queries = fake  # type: ignore[assignment]
    snapshot = poller.poll()
    assert snapshot.slos[3].error == "no [[prometheus]] is named 'b'"
    assert snapshot.slos[3].budget.sli is None
    assert all("wk_" not in expr for expr, _ in fake.calls)
    assert snapshot.freshness.ok


def test_a_failed_cycle_marks_every_server() -> None:
    poller, _, _ = _two()
    poller.poll()
    snapshot = poller.failed(datetime.now(UTC), "internal error")
    assert snapshot.freshness.error == "internal error"
    assert set(snapshot.stale_servers()) == {"a", "b"}
