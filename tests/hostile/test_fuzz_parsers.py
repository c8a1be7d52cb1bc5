"""Property-based fuzz of every parser that reads text from outside: the config (TOML),
runbooks (Markdown), SLO import files (Sloth / OpenSLO YAML) and the API answers of
Alertmanager, Prometheus and health probes (JSON). Whatever goes in, the result is a
model object or the parser's documented error with a message; never another exception.

CI runs a fixed, bounded set (``derandomize=True``); a long local run:
``COCKPIT_FUZZ_EXAMPLES=20000 pytest tests/hostile/test_fuzz_parsers.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import os
import tempfile
from collections.abc import Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cockpit import cli
from cockpit.cli.alert_format import alert_json
from cockpit.config import Config, ConfigError, Endpoint, ProbeConfig, load
from cockpit.model import alerts as alert_model
from cockpit.model import silences as silence_model
from cockpit.model.conditions import Observation, evaluate, parse_condition
from cockpit.model.probes import children_of
from cockpit.model.runbook_parser import parse_and_lint, parse_runbook
from cockpit.model.runbooks import RunbookError
from cockpit.model.snapshots import AlertSnapshot
from cockpit.services.alert_poll import AlertPoller
from cockpit.slo_files import load_slo_files
from cockpit.sources import alertmanager, prometheus
from cockpit.sources.errors import SourceError
from cockpit.sources.probes import run_probe

EXAMPLES = int(os.environ.get("COCKPIT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    derandomize=True,
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "\x00", "\x1b[2J", "x" * 5000, "http://[::1", "ftp://x", "http://", "://",
         "10", "-1", "1e999", "nan", "30s", "0s", "5m", "99999999999d", "sev1", "\u202e",
         "{{labels.x}}", "{{window}}", "a\nb", "é😀", "Europe/Nowhere", "UTC", "true"]
    ),
)  # fmt: skip
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=False, allow_infinity=False),
    HOSTILE_TEXT,
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(HOSTILE_TEXT, inner, max_size=4)
    ),
    max_leaves=25,
)


def _mutate(valid: Any, replacement: Any, path: list[int]) -> Any:
    """``valid`` with one nested value (chosen by ``path``) replaced."""
    if not path or not isinstance(valid, dict | list) or not valid:
        return replacement
    if isinstance(valid, dict):
        key = sorted(valid)[path[0] % len(valid)]
        return {**valid, key: _mutate(valid[key], replacement, path[1:])}
    index = path[0] % len(valid)
    return [*valid[:index], _mutate(valid[index], replacement, path[1:]), *valid[index + 1 :]]


def mutated(valid: Any) -> st.SearchStrategy[Any]:
    paths = st.lists(st.integers(min_value=0, max_value=20), max_size=6)
    return st.builds(lambda r, p: _mutate(valid, r, p), JSON, paths)


# -- the config --------------------------------------------------------------------------
TOML_SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    HOSTILE_TEXT,
)
TOML_VALUES = st.recursive(
    TOML_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["url", "x", "name"]), inner)
    ),
    max_leaves=8,
)
SECTIONS = {
    "": ["read_only"],
    "oncall": ["name", "timezone", "rotation", "handoff_time"],
    "prometheus": ["url", "timeout", "refresh", "headers", "auth", "tls"],
    "alertmanager": ["url", "timeout", "refresh", "headers", "tls"],
    "runbooks": ["dirs", "timeout"],
    "keys": ["refresh", "quit", "ack"],
    "handoff": ["template", "dir"],
    "alerts": ["columns", "group_by"],
    "severity": ["sev1", "x"],
    "plugins": ["webhook", "x"],
}
ARRAYS = {
    "slo": ["name", "objective", "window", "good", "total", "query", "kind"],
    "probe": ["name", "url", "interval", "timeout", "expect", "tls"],
    "burn_row": ["long", "short", "factor", "severity"],
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(str(value), repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string (\uXXXX escapes)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


@st.composite
def config_documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for section, keys in SECTIONS.items():
        chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
        if not chosen or (section and not draw(st.booleans())):
            continue
        if section:
            lines.append(f"[{section}]")
        lines += [f"{key} = {_toml_value(draw(TOML_VALUES))}" for key in chosen]
    for table, keys in ARRAYS.items():
        for _ in range(draw(st.integers(0, 2))):
            lines.append(f"[[{table}]]")
            chosen = draw(st.lists(st.sampled_from(keys), unique=True))
            lines += [f"{key} = {_toml_value(draw(TOML_VALUES))}" for key in chosen]
    return "\n".join(lines) + "\n"


def _check_config(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load(path)
        except ConfigError as exc:
            assert exc.problems, "a ConfigError without problems"
            for problem in exc.problems:
                assert problem.file and problem.reason, problem


@FUZZ
@given(config_documents())
def test_config_documents_load_or_say_what_is_wrong(text: str) -> None:
    _check_config(text)


@FUZZ
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_config_bytes_load_or_say_what_is_wrong(content: bytes | str) -> None:
    _check_config(content)


def test_config_nested_deeply_is_a_config_error() -> None:
    """Found by the fuzz: tomllib's RecursionError escaped ``load``."""
    for text in ("a = " + "[" * 5000 + "]" * 5000, "a = " + "{b = " * 5000 + "}" * 5000):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "config.toml"
            path.write_text(text)
            try:
                load(path)
            except ConfigError as exc:
                assert str(exc) == f"{path}: not valid TOML: nested too deeply"
            else:
                raise AssertionError("a config nested 5,000 deep loaded")


# -- runbooks ----------------------------------------------------------------------------
RUNBOOK_LINES = st.sampled_from(
    ["---", "name: r1", "name: ", "severity: sev1", "severity: sev9", "labels: [a, b]",
     "timeout: 5m", "timeout: x", "# Title", "## Diagnose", "## ", "- [ ] check it",
     "- [x] done", "- [ ]", "  - [ ] nested", "```sh", "```promql", "```probe", "```",
     "```expect", "expect: value < 1", "expect: >>", "{{labels.service}}", "{{labels.",
     "> quote", "| a | b |", "|---|", "1. [ ] numbered", "<!-- x -->", "<div>", "    code",
     "kubectl exec {{labels.pod}} -- sh -c 'x'", "***", "[link](http://x)", ""]
)  # fmt: skip
RUNBOOK_TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(RUNBOOK_LINES, HOSTILE_TEXT), max_size=30).map("\n".join),
)


@FUZZ
@given(RUNBOOK_TEXTS)
def test_runbooks_parse_or_say_what_is_wrong(text: str) -> None:
    runbook, problems = parse_and_lint(text, "fuzz.md")
    assert all(str(p) for p in problems)
    try:
        parse_runbook(text, "fuzz.md")
    except RunbookError as exc:
        assert runbook is None and str(exc)


# -- SLO import files --------------------------------------------------------------------
SLOTH = {
    "version": "prometheus/v1",
    "service": "api",
    "slos": [
        {
            "name": "avail",
            "objective": 99.9,
            "sli": {
                "events": {
                    "error_query": 'sum(rate(e{code=~"5.."}[{{.window}}]))',
                    "total_query": "sum(rate(e[{{.window}}]))",
                }
            },
        }
    ],
}
OPENSLO = {
    "apiVersion": "openslo/v1",
    "kind": "SLO",
    "metadata": {"name": "latency"},
    "spec": {
        "service": "api",
        "timeWindow": [{"duration": "28d", "isRolling": True}],
        "objectives": [{"target": 0.99}],
        "indicator": {
            "spec": {
                "ratioMetric": {
                    "good": {"metricSource": {"spec": {"query": "good_total"}}},
                    "total": {"metricSource": {"spec": {"query": "all_total"}}},
                }
            }
        },
    },
}
SLO_DOCUMENTS = st.one_of(mutated(SLOTH), mutated(OPENSLO), JSON)


def _check_slo_file(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slos.yaml"
        path.write_bytes(content)
        _tables, problems = load_slo_files([path])
        for problem in problems:
            assert problem.file == str(path) and problem.reason, problem
        # Through the config too: the SLOs become SloDefinition, or ConfigError names the file.
        config = Path(folder) / "config.toml"
        config.write_text(f'[slo_import]\nfiles = ["{path}"]\n')
        try:
            load(config)
        except ConfigError as exc:
            assert all(p.file and p.reason for p in exc.problems)
        # The deploy gate: a file it cannot read is "cannot tell" (2), never "blocked" (1).
        out, err = io.StringIO(), io.StringIO()
        with (
            mock.patch.dict(os.environ, {"COCKPIT_CONFIG": str(config)}),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = cli.main(["slo", "check"])
        assert code == 2, out.getvalue() + err.getvalue()
        assert "Traceback" not in err.getvalue()


@FUZZ
@given(st.lists(SLO_DOCUMENTS, min_size=1, max_size=3))
def test_slo_files_import_or_say_what_is_wrong(documents: list[Any]) -> None:
    _check_slo_file(yaml.safe_dump_all(documents, allow_unicode=True).encode())


@FUZZ
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_slo_file_bytes_import_or_say_what_is_wrong(content: bytes) -> None:
    _check_slo_file(content)


# -- API answers -------------------------------------------------------------------------
VALID_ALERT = {
    "labels": {"alertname": "A", "severity": "critical"},
    "annotations": {"summary": "s"},
    "startsAt": "2026-01-01T00:00:00Z",
    "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
    "fingerprint": "f1",
    "generatorURL": "http://p/graph",
}
VALID_SILENCE = {
    "id": "s1",
    "matchers": [{"name": "alertname", "value": "A", "isRegex": False, "isEqual": True}],
    "startsAt": "2026-01-01T00:00:00Z",
    "endsAt": "2026-01-01T01:00:00Z",
    "updatedAt": "2026-01-01T00:00:00Z",
    "createdBy": "me",
    "comment": "c",
    "status": {"state": "active"},
}
VALID_GROUP = {"labels": {"alertname": "A"}, "alerts": [VALID_ALERT], "receiver": {"name": "r"}}
VALID_PENDING = {
    "status": "success",
    "data": {"alerts": [{"labels": {"alertname": "P"}, "state": "pending",
                        "activeAt": "2026-01-01T00:00:00Z", "annotations": {}}]},
}  # fmt: skip
VALID_RULES = {
    "status": "success",
    "data": {"groups": [{"name": "g", "rules": [{"name": "A", "type": "alerting",
                                                 "health": "ok", "lastError": ""}]}]},
}  # fmt: skip
VALID_QUERY = {
    "status": "success",
    "data": {"resultType": "vector", "result": [{"metric": {"job": "x"}, "value": [1, "0.5"]}]},
}
VALID_RANGE = {
    "status": "success",
    "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [[1, "0.5"]]}]},
}
VALID_HEALTH = {"status": "ok", "dependencies": {"redis": {"status": "degraded", "ms": 3}}}
ENDPOINT = Endpoint(url="http://fuzz.invalid", timeout=timedelta(seconds=5))


def _answer(body: Any) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


def _ask(body: bytes, work: Callable[[httpx.AsyncClient], Coroutine[Any, Any, Any]]) -> Any:
    """``work`` against a server whose every answer is HTTP 200 with ``body``."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))

    async def go() -> Any:
        async with httpx.AsyncClient(transport=transport) as client:
            return await work(client)

    return asyncio.run(go())


def _alertmanager_answers(body: bytes) -> None:
    """What the alert poller does with Alertmanager's answers (services/alert_poll.py)."""
    try:
        items = _ask(body, lambda c: alertmanager.fetch_alerts(c, ENDPOINT))
    except SourceError as exc:
        assert str(exc)
    else:
        if alert_model.not_alerts(items, "Alertmanager") is None:
            for alert in [alert_model.from_alertmanager(item) for item in items]:
                alert.rank()
    try:
        silences = _ask(body, lambda c: alertmanager.fetch_silences(c, ENDPOINT))
    except SourceError as exc:
        assert str(exc)
    else:
        for item in silences:
            silence_model.from_api(item)
    try:
        groups = _ask(body, lambda c: alertmanager.fetch_groups(c, ENDPOINT))
    except SourceError as exc:
        assert str(exc)
    else:
        alert_model.groups_by_fingerprint(groups)
    try:
        _ask(body, lambda c: alertmanager.fetch_status(c, ENDPOINT))
    except SourceError as exc:
        assert str(exc)


def _prometheus_answers(body: bytes) -> None:
    try:
        data = _ask(body, lambda c: prometheus.fetch_alerts(c, ENDPOINT))
    except SourceError as exc:
        assert str(exc)
    else:
        try:
            alert_model.pending_from_prometheus(data)
        except ValueError as exc:  # documented: the items are not alerts
            assert "not" in str(exc)
    try:
        rules = _ask(body, lambda c: prometheus.fetch_rules(c, ENDPOINT))
    except SourceError as exc:
        assert str(exc)
    else:
        alert_model.rules_from_prometheus(rules)
    queries = prometheus.PrometheusQueries(ENDPOINT)
    with mock.patch.object(prometheus, "run_blocking", lambda work: _ask(body, work)):
        for ask in (lambda: queries.query("up"), lambda: queries.range("up", 0, 60, 15)):
            try:
                ask()
            except SourceError as exc:
                assert str(exc)


ALERTMANAGER_BODIES = st.one_of(
    JSON,
    mutated([VALID_ALERT, VALID_ALERT]),
    mutated([VALID_SILENCE]),
    mutated([VALID_GROUP]),
    mutated({"versionInfo": {"version": "0.25.0"}}),
)
PROMETHEUS_BODIES = st.one_of(
    JSON, mutated(VALID_PENDING), mutated(VALID_RULES), mutated(VALID_QUERY), mutated(VALID_RANGE)
)


@FUZZ
@given(ALERTMANAGER_BODIES)
def test_alertmanager_answers_become_alerts_or_a_source_error(body: Any) -> None:
    _alertmanager_answers(_answer(body))


@FUZZ
@given(PROMETHEUS_BODIES)
def test_prometheus_answers_become_results_or_a_source_error(body: Any) -> None:
    _prometheus_answers(_answer(body))


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 10))
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
def test_raw_bytes_become_a_source_error(body: bytes) -> None:
    _alertmanager_answers(body)
    _prometheus_answers(body)


ANSWERS = st.fixed_dictionaries(
    {
        "/api/v2/alerts": st.one_of(mutated([VALID_ALERT, VALID_ALERT]), JSON),
        "/api/v2/silences": st.one_of(mutated([VALID_SILENCE]), JSON),
        "/api/v2/alerts/groups": st.one_of(mutated([VALID_GROUP]), JSON),
        "/api/v1/alerts": st.one_of(mutated(VALID_PENDING), JSON),
        "/api/v1/rules": st.one_of(mutated(VALID_RULES), JSON),
    }
)


@FUZZ
@given(ANSWERS)
def test_an_alert_cycle_over_any_answers_ends_in_a_snapshot(answers: dict[str, Any]) -> None:
    """The whole alert cycle (services/alert_poll.py) as the screen and `alerts` run it: each
    answer may be anything; the cycle gives a snapshot whose problems are messages, never
    "unexpected <exception>" (a parser's bug caught by the cycle's last resort)."""
    bodies = {path: json.dumps(body).encode() for path, body in answers.items()}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bodies[request.url.path])

    config = Config(path=None, alertmanager=ENDPOINT, prometheus=ENDPOINT)
    poller = AlertPoller(config)
    poller.want_groups = True

    async def cycle() -> AlertSnapshot:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            return await poller.poll(client)

    snapshot = asyncio.run(cycle())
    problems = [snapshot.freshness.error, snapshot.pending_error, snapshot.silences_error]
    assert not any(p and "unexpected" in p for p in problems), problems
    alert_model.differing_labels(list(snapshot.alerts))
    silences = silence_model.index(snapshot.silences)
    for alert in snapshot.alerts:
        json.dumps(alert_json(alert, silences))
        silence_model.display_state(alert, silences)


HEALTH_CONDITIONS = tuple(
    parse_condition(text)
    for text in ("[STATUS] == 200", "[BODY].status == ok", "[BODY].dependencies.redis.ms < 10",
                 "[BODY].status == any(ok, up)", "[BODY] == pat(*ok*)")
)  # fmt: skip
HEALTH_PROBE = ProbeConfig(name="fuzz", url="http://fuzz.invalid/health", degraded_ok=True)


def _probe(body: bytes) -> None:
    result = _ask(body, lambda c: run_probe(c, HEALTH_PROBE, HEALTH_CONDITIONS))
    assert result.ok or result.reason
    for child in result.children:
        assert isinstance(child.name, str) and isinstance(child.status, str)


@FUZZ
@given(st.one_of(JSON, mutated(VALID_HEALTH)))
def test_health_bodies_are_judged_with_a_reason(body: Any) -> None:
    for child in children_of(body):
        assert isinstance(child.name, str) and isinstance(child.status, str)
    _probe(_answer(body))


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 10))
@given(st.binary(max_size=200))
def test_health_bytes_are_judged_with_a_reason(body: bytes) -> None:
    _probe(body)


# -- plain regressions for what the fuzz found in the API parsers -------------------------
def test_an_answer_nested_too_deeply_is_a_source_error() -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    for work in (
        lambda c: alertmanager.fetch_alerts(c, ENDPOINT),
        lambda c: prometheus.fetch_alerts(c, ENDPOINT),
    ):
        try:
            _ask(body, work)
        except SourceError as exc:
            assert "did not answer JSON" in str(exc)
        else:
            raise AssertionError("an answer nested 100,000 deep was taken")


def test_a_query_value_too_large_for_a_float_is_not_a_number() -> None:
    body = _answer({"status": "success",
                    "data": {"result": [{"metric": {}, "value": [1, 10**400]}]}})  # fmt: skip
    queries = prometheus.PrometheusQueries(ENDPOINT)
    with mock.patch.object(prometheus, "run_blocking", lambda work: _ask(body, work)):
        [sample] = queries.query("up")
    assert sample.value != sample.value  # NaN: "no value", as for any unreadable value


def test_a_health_body_nested_too_deeply_is_not_json() -> None:
    result = _ask(
        b"[" * 100_000 + b"]" * 100_000,
        lambda c: run_probe(c, HEALTH_PROBE, HEALTH_CONDITIONS),
    )
    assert not result.ok and "body is not JSON" in result.reason


def test_a_body_number_too_large_for_a_float_is_past_every_bound() -> None:
    huge = Observation(status=200, body={"n": 10**400, "m": -(10**400)})
    assert evaluate(parse_condition("[BODY].n > 5"), huge) is None
    assert evaluate(parse_condition("[BODY].m < 5"), huge) is None
    assert evaluate(parse_condition("[BODY].n < 5"), huge) == f"[BODY].n < 5: got {10**400}"


def test_an_slo_objective_too_large_for_a_float_is_a_problem() -> None:
    sloth, openslo = copy.deepcopy(SLOTH), copy.deepcopy(OPENSLO)
    sloth["slos"][0]["objective"] = 10**400  # type: ignore[index]
    openslo["spec"]["objectives"][0]["target"] = 10**400  # type: ignore[index]
    for document, key, reason in (
        (sloth, "slos[0].objective", "number too large"),
        (openslo, "spec.objectives[0].target", "expected a number like 0.999"),
    ):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "slos.yaml"
            path.write_text(yaml.safe_dump(document))
            config = Path(folder) / "config.toml"
            config.write_text(f'[slo_import]\nfiles = ["{path}"]\n')
            try:
                load(config)
            except ConfigError as exc:
                assert str(exc) == f"{path}: {key}: {reason}"
            else:
                raise AssertionError("an objective of 10**400 was taken")


def _alias_bomb(levels: int) -> list[Any]:
    """Nine references to the level below, ``levels`` deep: YAML writes it as anchors and
    aliases, a few hundred bytes that expand to 9**levels strings when printed."""
    bomb: list[Any] = ["lol"] * 9
    for _ in range(levels - 1):
        bomb = [bomb] * 9
    return bomb


def test_a_yaml_alias_bomb_is_named_not_expanded() -> None:
    """Found while fuzzing SLO import: ``str()`` of an aliased list (9**9 strings from a
    1 KB file) held the deploy gate for minutes and gigabytes; now the key is named."""
    bomb = _alias_bomb(6)
    sloth = copy.deepcopy(SLOTH)
    sloth["service"] = bomb
    sloth["slos"][0]["name"] = bomb  # type: ignore[index]
    openslo = copy.deepcopy(OPENSLO)
    openslo["spec"]["timeWindow"][0]["duration"] = bomb  # type: ignore[index]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slos.yaml"
        path.write_text(yaml.safe_dump_all([sloth, openslo]))
        assert "*id" in path.read_text() and path.stat().st_size < 3000
        config = Path(folder) / "config.toml"
        config.write_text(f'[slo_import]\nfiles = ["{path}"]\n')
        try:
            load(config)
        except ConfigError as exc:
            assert str(exc).splitlines() == [
                f"{path}: [1]spec.timeWindow[0].duration: expected a duration like 28d",
                f"{path}: [0]slos[0].name: expected a string, got an array",
                f"{path}: [0]slos[0].service: expected a string, got an array",
            ]
        else:
            raise AssertionError("an alias bomb was taken as SLOs")
