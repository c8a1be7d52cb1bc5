"""cockpit.config: the typed config, and above all every problem reported at once."""

from __future__ import annotations

import dataclasses
from datetime import time, timedelta
from importlib.resources import files
from pathlib import Path

import pytest

from cockpit.config import (
    Auth,
    Config,
    ConfigError,
    Endpoint,
    OnCall,
    ProbeConfig,
    SecretRef,
    Tls,
    load,
)
from cockpit.config_checks import Problem
from cockpit.model.slo_definition import SloDefinition

FULL = """
[oncall]
me = "alice"
roster = ["alice", "bob", "chen"]
handoff_day = "Thursday"
handoff_time = "16:30"
timezone = "Europe/Berlin"

[prometheus]
url = "https://prom.example.com:9090/"
timeout = "3s"
refresh = "1m"
auth = { type = "bearer", secret = "PROM_TOKEN" }
tls = { verify = false, ca_file = "/etc/ssl/internal-ca.pem" }

[prometheus.headers]
"X-Scope-OrgID" = "team-a"
Authorization = { secret = "PROM_HDR", prefix = "Bearer " }

[alertmanager]
url = "http://127.0.0.1:9093"
auth = { type = "basic", username = "oncall", secret = "AM_PASSWORD" }

[[slo]]
name = "api-availability"
service = "api"
objective = 99.9
window = "30d"
sli = "ratio"
good = 'sum(rate(http_requests_total{code!~"5.."}[{{window}}]))'
total = 'sum(rate(http_requests_total[{{window}}]))'
description = "non-5xx requests"

[[slo]]
name = "api-errors"
objective = 99
window = "7d"
bad = 'sum(rate(http_requests_total{code=~"5.."}[{{window}}]))'
total = 'sum(rate(http_requests_total[{{window}}]))'

[[slo]]
name = "api-latency"
service = "api"
objective = 95
sli = "latency"
metric = "http_request_duration_seconds"
threshold = 2.5
selector = 'job="api"'

[[slo]]
name = "checkout"
objective = 99.5
window = "4w"
sli = "recorded"
selector = 'sloth_service="checkout"'

[[probe]]
name = "api-ready"
url = "http://127.0.0.1:8080/health/ready"

[[probe]]
name = "redis"
url = "https://api.example.com/health/redis"
method = "post"
interval = "30s"
timeout = "1500ms"
component = "redis"
conditions = ["[STATUS] == any(200, 503)", "[BODY].status != unhealthy"]
headers = { "Authorization" = { secret = "PROBE_TOKEN", prefix = "Bearer " } }
failure_threshold = 5
success_threshold = 1

[[probe]]
name = "db-port"
url = "tcp://db.internal:5432"
conditions = ["[CONNECTED] == true"]

[runbooks]
dirs = ["runbooks", "/srv/runbooks", "~/more-runbooks"]
"""


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ConfigError) as info:
        load(path)
    problems = info.value.problems
    for problem in problems:
        assert problem.file == str(path)
        assert problem.reason
    return problems


def only_problem(path: Path) -> Problem:
    problems = problems_of(path)
    assert len(problems) == 1, problems
    return problems[0]


VALID_PROM = '[prometheus]\nurl = "http://127.0.0.1:9090"\n'


# --- the valid side -----------------------------------------------------------------


@pytest.fixture
def full(tmp_path: Path) -> Config:
    return load(write(tmp_path, FULL))


def test_full_config_oncall(full: Config) -> None:
    assert full.oncall == OnCall(
        me="alice",
        roster=("alice", "bob", "chen"),
        handoff_day="thursday",
        handoff_time=time(16, 30),
        timezone="Europe/Berlin",
    )


def test_full_config_prometheus(full: Config) -> None:
    assert full.prometheus == Endpoint(
        url="https://prom.example.com:9090",  # trailing slash dropped
        timeout=timedelta(seconds=3),
        refresh=timedelta(minutes=1),
        auth=Auth(kind="bearer", secret="PROM_TOKEN", username=None),
        tls=Tls(verify=False, ca_file=Path("/etc/ssl/internal-ca.pem")),
        headers={
            "X-Scope-OrgID": "team-a",
            "Authorization": SecretRef(name="PROM_HDR", prefix="Bearer "),
        },
    )


def test_full_config_alertmanager_defaults(full: Config) -> None:
    assert full.alertmanager == Endpoint(
        url="http://127.0.0.1:9093",
        timeout=timedelta(seconds=5),
        refresh=timedelta(seconds=10),
        auth=Auth(kind="basic", secret="AM_PASSWORD", username="oncall"),
        tls=Tls(verify=True, ca_file=None),
        headers={},
    )


def test_prometheus_default_refresh_is_30s(tmp_path: Path) -> None:
    config = load(write(tmp_path, VALID_PROM))
    assert config.prometheus is not None
    assert config.prometheus.refresh == timedelta(seconds=30)
    assert config.prometheus.timeout == timedelta(seconds=5)
    assert config.alertmanager is None


def test_full_config_slos(full: Config) -> None:
    assert [s.name for s in full.slos] == [
        "api-availability",
        "api-errors",
        "api-latency",
        "checkout",
    ]
    ratio, bad, latency, recorded = full.slos
    assert ratio == SloDefinition(
        name="api-availability",
        service="api",
        objective=99.9,
        window=timedelta(days=30),
        kind="ratio",
        good='sum(rate(http_requests_total{code!~"5.."}[{{window}}]))',
        total="sum(rate(http_requests_total[{{window}}]))",
        description="non-5xx requests",
    )
    assert bad.kind == "ratio"
    assert bad.good is None
    assert bad.bad == 'sum(rate(http_requests_total{code=~"5.."}[{{window}}]))'
    assert bad.objective == 99.0
    assert isinstance(bad.objective, float)
    assert bad.window == timedelta(days=7)
    assert latency == SloDefinition(
        name="api-latency",
        service="api",
        objective=95.0,
        window=timedelta(days=30),  # default window
        kind="latency",
        metric="http_request_duration_seconds",
        threshold=2.5,
        selector='job="api"',
    )
    assert recorded.kind == "recorded"
    assert recorded.window == timedelta(weeks=4)
    assert recorded.selector == 'sloth_service="checkout"'


def test_full_config_probe_defaults(full: Config) -> None:
    assert full.probes[0] == ProbeConfig(
        name="api-ready",
        url="http://127.0.0.1:8080/health/ready",
        method="GET",
        interval=timedelta(seconds=10),
        timeout=timedelta(seconds=2),
        conditions=("[STATUS] == 200",),
        headers={},
        component="",
        failure_threshold=3,
        success_threshold=2,
    )


def test_full_config_probe_overrides(full: Config) -> None:
    redis, tcp = full.probes[1], full.probes[2]
    assert redis == ProbeConfig(
        name="redis",
        url="https://api.example.com/health/redis",
        method="POST",
        interval=timedelta(seconds=30),
        timeout=timedelta(milliseconds=1500),
        conditions=("[STATUS] == any(200, 503)", "[BODY].status != unhealthy"),
        headers={"Authorization": SecretRef("PROBE_TOKEN", "Bearer ")},
        component="redis",
        failure_threshold=5,
        success_threshold=1,
    )
    assert tcp.url == "tcp://db.internal:5432"
    assert tcp.conditions == ("[CONNECTED] == true",)


def test_runbook_dirs_resolved_relative_to_config_file(tmp_path: Path) -> None:
    sub = tmp_path / "etc" / "cockpit"
    sub.mkdir(parents=True)
    config = load(write(sub, FULL))
    assert config.path == sub / "config.toml"
    assert config.runbook_dirs == (
        sub / "runbooks",
        Path("/srv/runbooks"),
        Path.home() / "more-runbooks",
    )
    assert Path.home() == tmp_path / "home"  # the conftest keeps ~ inside tmp_path


def test_config_objects_are_frozen(full: Config) -> None:
    assert full.prometheus is not None
    targets = [
        (full, "probes"),
        (full.oncall, "me"),
        (full.prometheus, "url"),
        (full.slos[0], "objective"),
        (full.probes[0], "failure_threshold"),
        (full.prometheus.tls, "verify"),
    ]
    for obj, attribute in targets:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, attribute, None)
    assert isinstance(full.slos, tuple)
    assert isinstance(full.probes[0].conditions, tuple)


def test_missing_file_is_an_empty_config(tmp_path: Path) -> None:
    config = load(tmp_path / "nope.toml")
    assert config == Config(path=None)
    assert config.prometheus is None
    assert config.alertmanager is None
    assert config.slos == ()
    assert config.probes == ()
    assert config.runbook_dirs == ()
    assert config.oncall == OnCall(handoff_day="friday", handoff_time=time(17), timezone="UTC")


def test_empty_file_is_valid_with_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    assert load(path) == Config(path=path)


def test_shipped_example_config_is_valid(tmp_path: Path) -> None:
    text = files("cockpit").joinpath("templates/config.example.toml").read_text()
    path = write(tmp_path, text)
    config = load(path)
    assert config.oncall.me == "alice"
    assert config.oncall.timezone == "Europe/Berlin"
    assert config.prometheus is not None
    assert config.prometheus.url == "http://127.0.0.1:9090"
    assert config.alertmanager is not None
    assert [s.kind for s in config.slos] == ["ratio", "latency"]
    assert [p.name for p in config.probes] == ["api-ready", "api-tls", "postgres"]
    assert config.probes[2].conditions == ("[CONNECTED] == true",)
    assert config.runbook_dirs == (Path.home() / "runbooks",)


# --- the error side --------------------------------------------------------------------


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[prometheus]\nurl = "http://x\n')
    problem = only_problem(path)
    assert problem.key == ""
    assert problem.reason.startswith("not valid TOML")
    assert str(problem).startswith(f"{path}: not valid TOML")


def test_wrong_type(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[slo]]\nname = "a"\nobjective = "high"\ngood = "g[{{window}}]"\n'
        'total = "t[{{window}}]"\n',
    )
    problem = only_problem(path)
    assert problem.key == "slo[0].objective"
    assert problem.reason == "expected a number, got a string"
    assert str(problem) == f"{path}: slo[0].objective: expected a number, got a string"


@pytest.mark.parametrize(
    ("toml", "key", "reason_part"),
    [
        ('[prometheus]\nurll = "http://x:9090"\n', "prometheus.urll", "unknown key"),
        ('[oncall]\nname = "x"\n', "oncall.name", "unknown key"),
        ("promethues = 1\n", "promethues", "unknown key"),
        (
            '[[probe]]\nname = "p"\nurl = "http://x"\nintervall = "5s"\n',
            "probe[0].intervall",
            "unknown key",
        ),
    ],
)
def test_unknown_key(tmp_path: Path, toml: str, key: str, reason_part: str) -> None:
    problems = problems_of(write(tmp_path, toml))
    assert (key, True) in [(p.key, reason_part in p.reason) for p in problems]


def test_unknown_key_lists_the_known_ones(tmp_path: Path) -> None:
    problem = next(
        p
        for p in problems_of(write(tmp_path, '[prometheus]\nurll = "http://x:9090"\n'))
        if p.key == "prometheus.urll"
    )
    assert "url" in problem.reason
    assert "timeout" in problem.reason


@pytest.mark.parametrize(
    "url",
    ["localhost:9090", "ftp://x", "http://x:99999", "http://x:port", "http://", "prom:9090/x"],
)
def test_bad_url(tmp_path: Path, url: str) -> None:
    problem = only_problem(write(tmp_path, f'[prometheus]\nurl = "{url}"\n'))
    assert problem.key == "prometheus.url"
    assert repr(url) in problem.reason
    assert "http://" in problem.reason


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[prometheus]\nurl = ""\n', "prometheus.url"),
        ('[[probe]]\nname = "p"\nurl = ""\n', "probe[0].url"),
        ('[[probe]]\nname = ""\nurl = "http://x"\n', "probe[0].name"),
        (
            '[[slo]]\nname = ""\nobjective = 99\ngood = "g[{{window}}]"\ntotal = "t[{{window}}]"\n',
            "slo[0].name",
        ),
    ],
    ids=["prometheus.url", "probe.url", "probe.name", "slo.name"],
)
def test_empty_required_string_is_a_problem(tmp_path: Path, toml: str, key: str) -> None:
    problem = only_problem(write(tmp_path, toml))
    assert problem.key == key


def test_missing_url_is_required(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, '[alertmanager]\ntimeout = "5s"\n'))
    assert (problem.key, problem.reason) == ("alertmanager.url", "required key is missing")


def test_probe_url_accepts_tcp_but_not_ftp(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, '[[probe]]\nname = "p"\nurl = "ftp://x"\n'))
    assert problem.key == "probe[0].url"
    assert "tcp://" in problem.reason


@pytest.mark.parametrize(
    ("value", "reason_part"),
    [
        ('"5x"', "not a duration"),
        ('""', "empty duration"),
        ('"0s"', "longer than zero"),
        ('"-5"', "longer than zero"),
        ("true", "expected a duration"),
    ],
)
def test_bad_duration(tmp_path: Path, value: str, reason_part: str) -> None:
    problem = only_problem(write(tmp_path, f"{VALID_PROM}timeout = {value}\n"))
    assert problem.key == "prometheus.timeout"
    assert reason_part in problem.reason


def test_duration_as_number_is_seconds(tmp_path: Path) -> None:
    config = load(write(tmp_path, f"{VALID_PROM}timeout = 7\n"))
    assert config.prometheus is not None
    assert config.prometheus.timeout == timedelta(seconds=7)


def test_overflowing_duration_is_a_problem(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, f'{VALID_PROM}timeout = "inf"\n'))
    assert problem.key == "prometheus.timeout"


@pytest.mark.parametrize(
    ("toml", "key", "reason_part"),
    [
        ('timezone = "Mars/Olympus"', "oncall.timezone", "unknown time zone 'Mars/Olympus'"),
        ('timezone = "../etc/passwd"', "oncall.timezone", "unknown time zone"),
        ('handoff_day = "fri"', "oncall.handoff_day", "'fri' is not a weekday"),
        ('handoff_day = "Feiertag"', "oncall.handoff_day", "not a weekday"),
        ('handoff_time = "5pm"', "oncall.handoff_time", "'5pm' is not a time"),
        ('handoff_time = "25:00"', "oncall.handoff_time", "is not a time"),
        ("handoff_time = 17", "oncall.handoff_time", "expected a string, got an integer"),
        ('roster = "alice"', "oncall.roster", "expected an array of strings"),
    ],
)
def test_bad_oncall(tmp_path: Path, toml: str, key: str, reason_part: str) -> None:
    problem = only_problem(write(tmp_path, f"[oncall]\n{toml}\n"))
    assert problem.key == key
    assert reason_part in problem.reason


def test_probe_condition_that_does_not_parse(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[probe]]\nname = "p"\nurl = "http://x"\n'
        'conditions = ["[STATUS] == 200", "STATUS is fine", "[FOO] == 1"]\n',
    )
    problems = problems_of(path)
    assert [p.key for p in problems] == ["probe[0].conditions[1]", "probe[0].conditions[2]"]
    assert "'STATUS is fine' is not a condition" in problems[0].reason
    assert "unknown placeholder [FOO]" in problems[1].reason


def test_duplicate_slo_names(tmp_path: Path) -> None:
    slo = '[[slo]]\nname = "api"\nobjective = 99\ngood = "g[{{window}}]"\ntotal = "t[{{window}}]"\n'
    problems = problems_of(write(tmp_path, slo + slo + slo.replace('"api"', '"web"') + slo))
    assert [p.key for p in problems] == ["slo[1].name", "slo[3].name"]
    assert all("'api' is used twice" in p.reason for p in problems)


def test_duplicate_probe_names(tmp_path: Path) -> None:
    probe = '[[probe]]\nname = "api"\nurl = "http://x"\n'
    problem = only_problem(write(tmp_path, probe + probe))
    assert problem.key == "probe[1].name"
    assert "used twice" in problem.reason


@pytest.mark.parametrize(
    ("body", "reason_part"),
    [
        ('good = "g[{{window}}]"', "needs `total`"),
        ('bad = "b[{{window}}]"', "needs `total`"),
        (
            'good = "g[{{window}}]"\nbad = "b[{{window}}]"\ntotal = "t[{{window}}]"',
            "exactly one of `good` or `bad`",
        ),
        ('total = "t[{{window}}]"', "exactly one of `good` or `bad`"),
    ],
)
def test_ratio_sli_shape(tmp_path: Path, body: str, reason_part: str) -> None:
    path = write(tmp_path, f'[[slo]]\nname = "a"\nobjective = 99\nsli = "ratio"\n{body}\n')
    problem = only_problem(path)
    assert problem.key == "slo[0]"
    assert reason_part in problem.reason


@pytest.mark.parametrize("body", ['metric = "m"', "threshold = 2.5", ""])
def test_latency_sli_needs_metric_and_threshold(tmp_path: Path, body: str) -> None:
    path = write(tmp_path, f'[[slo]]\nname = "a"\nobjective = 95\nsli = "latency"\n{body}\n')
    problem = only_problem(path)
    assert problem.key == "slo[0]"
    assert "latency SLI needs `metric`" in problem.reason
    assert "`threshold`" in problem.reason


@pytest.mark.parametrize(
    ("body", "key", "reason"),
    [
        ("objective = 100", "slo[0].objective", "100.0 is not a percentage between 0 and 100"),
        ("objective = 0", "slo[0].objective", "0.0 is not a percentage between 0 and 100"),
        ("objective = true", "slo[0].objective", "expected a number, got a boolean"),
        ("", "slo[0].objective", "required key is missing"),
        (
            'objective = 99\nwindow = "30q"',
            "slo[0].window",
            "'30q' is not a duration; write it like 30s, 5m, 6h, 30d or 1w",
        ),
        ("objective = 99\nservice = 1", "slo[0].service", "expected a string, got an integer"),
    ],
)
def test_bad_slo_fields(tmp_path: Path, body: str, key: str, reason: str) -> None:
    path = write(tmp_path, f'[[slo]]\nname = "a"\nsli = "recorded"\n{body}\n')
    problem = only_problem(path)
    assert (problem.key, problem.reason) == (key, reason)


def test_unknown_sli_kind(tmp_path: Path) -> None:
    path = write(tmp_path, '[[slo]]\nname = "a"\nobjective = 99\nsli = "histogram"\n')
    problem = only_problem(path)
    assert problem.key == "slo[0].sli"
    assert "'histogram' is not an SLI kind" in problem.reason


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[prometheus]\nurl = "http://x:9090"\npassword = "x"\n', "prometheus.password"),
        ('[prometheus]\nurl = "http://x:9090"\ntoken = "x"\n', "prometheus.token"),
        (
            '[prometheus]\nurl = "http://x:9090"\nauth = { type = "bearer", token = "x" }\n',
            "prometheus.auth.token",
        ),
        (
            '[alertmanager]\nurl = "http://x:9093"\n'
            'auth = { type = "basic", username = "u", password = "x" }\n',
            "alertmanager.auth.password",
        ),
        ('[[probe]]\nname = "p"\nurl = "http://x"\napi_key = "x"\n', "probe[0].api_key"),
        ('bearer_token = "x"\n', "bearer_token"),
    ],
)
def test_secret_values_are_refused(tmp_path: Path, toml: str, key: str) -> None:
    problems = problems_of(write(tmp_path, toml))
    problem = next(p for p in problems if p.key == key)
    assert "secrets are not stored in the config" in problem.reason
    assert "cockpit secret set NAME" in problem.reason
    assert 'secret = "NAME"' in problem.reason


def test_secret_value_never_in_the_problem(tmp_path: Path) -> None:
    toml = '[prometheus]\nurl = "http://x:9090"\ntoken = "hunter2-s3cret"\n'
    with pytest.raises(ConfigError) as info:
        load(write(tmp_path, toml))
    assert "hunter2-s3cret" not in str(info.value)


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        (
            '[prometheus]\nurl = "http://x:9090"\nauth = { secret = "prom-token" }\n',
            "prometheus.auth.secret",
        ),
        (
            '[prometheus]\nurl = "http://x:9090"\nauth = { secret = "1TOKEN" }\n',
            "prometheus.auth.secret",
        ),
        (
            '[[probe]]\nname = "p"\nurl = "http://x"\n'
            'headers = { "Authorization" = { secret = "my token", prefix = "Bearer " } }\n',
            "probe[0].headers.Authorization.secret",
        ),
    ],
)
def test_bad_secret_name(tmp_path: Path, toml: str, key: str) -> None:
    problem = only_problem(write(tmp_path, toml))
    assert problem.key == key
    assert "is not a secret name" in problem.reason
    assert "COCKPIT_SECRET_<NAME>" in problem.reason


@pytest.mark.parametrize(
    ("auth", "key", "reason_part"),
    [
        ('{ type = "digest", secret = "T" }', "prometheus.auth.type", "'digest' is not supported"),
        ('{ type = "basic", secret = "T" }', "prometheus.auth.username", "needs a username"),
        ('{ type = "bearer" }', "prometheus.auth.secret", "required key is missing"),
    ],
)
def test_bad_auth(tmp_path: Path, auth: str, key: str, reason_part: str) -> None:
    problem = only_problem(write(tmp_path, f"{VALID_PROM}auth = {auth}\n"))
    assert problem.key == key
    assert reason_part in problem.reason


@pytest.mark.parametrize(
    ("body", "key", "reason_part"),
    [
        ("failure_threshold = 0", "probe[0].failure_threshold", "at least 1"),
        ('success_threshold = "2"', "probe[0].success_threshold", "expected an integer"),
        ("failure_threshold = 2.5", "probe[0].failure_threshold", "expected an integer"),
        ('conditions = "[STATUS] == 200"', "probe[0].conditions", "array of strings"),
        ("conditions = [200]", "probe[0].conditions", "array of strings"),
    ],
)
def test_bad_probe_fields(tmp_path: Path, body: str, key: str, reason_part: str) -> None:
    problem = only_problem(write(tmp_path, f'[[probe]]\nname = "p"\nurl = "http://x"\n{body}\n'))
    assert problem.key == key
    assert reason_part in problem.reason


def test_section_of_wrong_shape(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, 'slo = "x"\nprobe = [1]\noncall = 3\n'))
    keys = {p.key: p.reason for p in problems}
    assert keys["slo"].startswith("expected an array of tables ([[slo]])")
    assert keys["probe[0]"] == "expected a table, got an integer"
    assert keys["oncall"] == "expected a table, got an integer"


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    text = """
[oncall]
timezone = "Nowhere/City"
handoff_day = "someday"

[prometheus]
url = "localhost:9090"

[alertmanager]
urll = "http://x:9093"
url = "http://x:9093"

[[slo]]
name = "a"
objective = 99
good = "g[{{window}}]"
total = "t[{{window}}]"

[[slo]]
name = "b"
objective = "high"
good = "g[{{window}}]"
total = "t[{{window}}]"

[[probe]]
name = "p"
url = "http://x"
conditions = ["[STATUS] == 200", "nonsense"]
password = "x"
"""
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert sorted(p.key for p in problems) == sorted(
        [
            "oncall.handoff_day",
            "oncall.timezone",
            "prometheus.url",
            "alertmanager.urll",
            "slo[1].objective",
            "probe[0].conditions[1]",
            "probe[0].password",
        ]
    )
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert message.count(str(path)) == 7
    assert f"{path}: slo[1].objective: expected a number, got a string" in message.splitlines()


def test_problems_are_reported_even_next_to_a_bad_url_or_objective(tmp_path: Path) -> None:
    text = """
[prometheus]
url = "localhost:9090"
timeout = "5x"

[[slo]]
name = "a"
objective = "high"
window = "30q"
good = "g[{{window}}]"
total = "t[{{window}}]"

[[probe]]
name = "p"
url = "ftp://x"
interval = "abc"
"""
    problems = problems_of(write(tmp_path, text))
    assert sorted(p.key for p in problems) == sorted(
        [
            "prometheus.url",
            "prometheus.timeout",
            "slo[0].objective",
            "slo[0].window",
            "probe[0].url",
            "probe[0].interval",
        ]
    )


def test_credentials_in_urls_and_literal_auth_headers_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[prometheus]\nurl = "https://alice:hunter2@prom.example:9090"\n'
        '[alertmanager]\nurl = "http://am.example"\n'
        'headers = { Authorization = "Bearer abc", "X-Scope-OrgID" = "team-a" }\n'
    )
    with pytest.raises(ConfigError) as info:
        load(path)
    problems = {p.key: p.reason for p in info.value.problems}
    assert set(problems) == {"prometheus.url", "alertmanager.headers.Authorization"}
    assert "credentials in the URL are not allowed" in problems["prometheus.url"]
    assert "hunter2" not in str(info.value)
    assert "cockpit secret set NAME" in problems["alertmanager.headers.Authorization"]


def test_read_only_defaults_off_and_must_be_a_boolean(tmp_path: Path) -> None:
    from cockpit.config import ConfigError, parse

    assert parse({}, tmp_path / "c.toml").read_only is False
    assert parse({"read_only": True}, tmp_path / "c.toml").read_only is True
    with pytest.raises(ConfigError, match="read_only: expected true or false"):
        parse({"read_only": "yes"}, tmp_path / "c.toml")
