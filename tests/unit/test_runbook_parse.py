from __future__ import annotations

import math
from pathlib import Path

import pytest

from cockpit.model.runbook_parser import lint_runbook, parse_and_lint, parse_runbook
from cockpit.model.runbooks import (
    Expectation,
    LintProblem,
    MissingLabelsError,
    RunbookError,
    placeholders,
    substitute,
)

BUNDLED = Path(__file__).resolve().parents[2] / "cockpit" / "runbooks"

FULL = """\
---
name: high-error-rate
title: "High error rate"
alerts: [HighErrorRate, 'OtherAlert']
components: [demo-api]
severity: Sev2
---
# Heading title

When the 5xx ratio is above 1 %.

- [ ] Look around first
## Triage
- [ ] Check the current error ratio
  ```promql
  sum(rate(x[5m]))
  ```
  expect: < 0.01
- [ ] Check the service is ready
  probe: ready
- [x] Look at recent deploys
  ```sh
  kubectl -n {{labels.namespace}} rollout history deploy/{{labels.service}}
  ```

## Stabilise
- [ ] Decide whether to roll back: roll back if
  the error ratio rose with a deploy

  Ask the release owner first.
- not a step
1. [ ] Numbered task with bash
   ```bash
   uptime
   ```
- [ ] Shell fence
  ```shell
  date -u
  ```
"""


def lines_of(problems: list[LintProblem]) -> list[int]:
    return [p.line for p in problems]


def only(problems: list[LintProblem], needle: str) -> LintProblem:
    found = [p for p in problems if needle in p.message]
    assert len(found) == 1, problems
    return found[0]


def test_front_matter_fields() -> None:
    rb = parse_runbook(FULL, "runbooks/x.md")
    assert rb.name == "high-error-rate"
    assert rb.title == "High error rate"
    assert rb.alerts == ("HighErrorRate", "OtherAlert")
    assert rb.components == ("demo-api",)
    assert rb.severity == "Sev2"
    assert rb.source == "runbooks/x.md"
    assert rb.description == "When the 5xx ratio is above 1 %."
    assert lint_runbook(FULL, "x.md") == []


def test_every_step_kind() -> None:
    steps = parse_runbook(FULL, "x.md").steps
    assert [s.kind for s in steps] == [
        "manual", "check", "probe", "command", "manual", "command", "command"
    ]  # fmt: skip
    assert [s.index for s in steps] == list(range(7))
    manual, check, probe, command = steps[:4]
    assert manual.title == "Look around first"
    assert (manual.command, manual.query, manual.probe, manual.expectation) == (None,) * 4
    assert check.query == "sum(rate(x[5m]))"
    assert check.expectation == Expectation("<", 0.01)
    assert check.command is None and check.probe is None
    assert probe.probe == "ready"
    assert command.title == "Look at recent deploys"  # [x] counts as a step too
    assert command.command == (
        "kubectl -n {{labels.namespace}} rollout history deploy/{{labels.service}}"
    )
    assert steps[5].command == "uptime"
    assert steps[6].command == "date -u"


def test_phases_follow_h2_headings() -> None:
    rb = parse_runbook(FULL, "x.md")
    assert [s.phase for s in rb.steps] == [
        None, "Triage", "Triage", "Triage", "Stabilise", "Stabilise", "Stabilise"
    ]  # fmt: skip
    assert rb.phases == ("Triage", "Stabilise")


def test_line_numbers_count_the_front_matter() -> None:
    rb = parse_runbook(FULL, "x.md")
    lines = FULL.split("\n")
    for step in rb.steps:
        assert "[" in lines[step.line - 1] and step.title.split()[0] in lines[step.line - 1]
    assert [s.line for s in rb.steps] == [12, 14, 19, 21, 27, 32, 36]


def test_multi_line_title_and_note() -> None:
    step = parse_runbook(FULL, "x.md").steps[4]
    assert step.title == (
        "Decide whether to roll back: roll back if the error ratio rose with a deploy"
    )
    assert step.note == "Ask the release owner first."


def test_defaults_without_front_matter() -> None:
    text = "# Disk full\n\nFree text.\n\n- [ ] Look at the disk\n  ```sh\n  df -h .\n  ```\n"
    rb = parse_runbook(text, "/some/where/disk-full.md")
    assert rb.name == "disk-full"
    assert rb.title == "Disk full"
    assert rb.alerts == () and rb.components == () and rb.severity is None
    assert rb.description == "Free text."
    assert rb.steps[0].line == 5 and rb.steps[0].phase is None


def test_front_matter_without_title_uses_heading_and_normalises_severity() -> None:
    text = "---\nalerts: HighCpu\nseverity: sev-3\n---\n# From heading\n- [ ] one\n"
    rb = parse_runbook(text, "cpu.md")
    assert (rb.name, rb.title, rb.alerts) == ("cpu", "From heading", ("HighCpu",))
    assert rb.severity == "Sev3"
    assert rb.steps[0].line == 6


def test_crlf_and_bom() -> None:
    text = "\ufeff---\r\ntitle: T\r\n---\r\n- [ ] one\r\n  probe: live\r\n"
    rb = parse_runbook(text, "t.md")
    assert rb.steps[0].probe == "live" and rb.steps[0].line == 4


@pytest.mark.parametrize(
    ("op", "threshold", "holds", "fails"),
    [
        ("<", 1.0, 0.5, 1.0),
        ("<=", 1.0, 1.0, 1.5),
        (">", 1.0, 1.5, 1.0),
        (">=", 1.0, 1.0, 0.5),
        ("==", 0.0, 0.0, 0.1),
        ("!=", 0.0, 0.1, 0.0),
    ],
)
def test_expectation_ops(op: str, threshold: float, holds: float, fails: float) -> None:
    exp = Expectation.parse(f"{op} {threshold}")
    assert exp == Expectation(op, threshold)
    assert exp.holds(holds)
    assert not exp.holds(fails)
    assert not exp.holds(math.nan)


def test_expectation_parse_forms_and_errors() -> None:
    assert Expectation.parse("<0.005") == Expectation("<", 0.005)
    assert Expectation.parse(">= 1e3") == Expectation(">=", 1000.0)
    assert str(Expectation("<", 0.01)) == "< 0.01"
    for bad in ("0.01", "< fast", "=< 1", "< 1 2", "< nan", ""):
        with pytest.raises(ValueError):
            Expectation.parse(bad)
    with pytest.raises(ValueError):
        Expectation("~", 1.0)


def test_substitute_present_labels() -> None:
    text = "kubectl -n {{labels.namespace}} get deploy/{{ labels.service }}"
    out = substitute(text, {"namespace": "prod", "service": "demo-api", "extra": "x"})
    assert out == "kubectl -n prod get deploy/demo-api"
    assert placeholders(text) == ("namespace", "service")


def test_substitute_reports_every_missing_label() -> None:
    text = "{{labels.a}} {{labels.b}} {{labels.a}} {{labels.c}}"
    with pytest.raises(MissingLabelsError) as info:
        substitute(text, {"b": "ok", "c": ""})
    assert info.value.missing == ("a", "c")
    assert "a, c" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_substitute_malformed_and_unsafe() -> None:
    with pytest.raises(ValueError, match="malformed"):
        substitute("echo {{labels.}}", {})
    with pytest.raises(ValueError, match="malformed"):
        substitute("echo {{labels.a", {"a": "x"})
    with pytest.raises(ValueError, match="label a holds ';'"):
        substitute("echo {{labels.a}}", {"a": "x; rm -rf /"}, mode="shell")
    assert substitute("echo {{labels.a}}", {"a": "x; y"}) == "echo x; y"
    query = 'up{job="{{labels.job}}"}'
    assert substitute(query, {"job": 'a"b\\'}, mode="promql") == 'up{job="a\\"b\\\\"}'


def test_step_render_helpers() -> None:
    rb = parse_runbook(FULL, "x.md")
    command = rb.steps[3]
    assert command.command_for({"namespace": "ns", "service": "api"}) == (
        "kubectl -n ns rollout history deploy/api"
    )
    assert rb.steps[1].query_for({}) == "sum(rate(x[5m]))"
    assert rb.steps[0].command_for({}) is None
    assert rb.labels_needed == ("namespace", "service")


# Lint: each problem on the line it belongs to.


def test_no_steps_is_fatal() -> None:
    text = "---\ntitle: Empty\n---\n# Empty\n\n- just a bullet\n"
    problems = lint_runbook(text, "e.md")
    assert only(problems, "no steps").line == 1
    with pytest.raises(RunbookError) as info:
        parse_runbook(text, "e.md")
    assert info.value.problems == tuple(problems)
    assert "e.md:1: no steps" in str(info.value)


def test_promql_without_expect() -> None:
    text = "# T\n\n- [ ] Check\n  ```promql\n  up\n  ```\n"
    problems = lint_runbook(text, "t.md")
    assert only(problems, "no 'expect:").line == 4
    step = parse_runbook(text, "t.md").steps[0]
    assert step.kind == "check" and step.expectation is None


def test_expect_that_does_not_parse() -> None:
    text = "# T\n\n- [ ] Check\n  ```promql\n  up\n  ```\n  expect: about 1\n"
    assert only(lint_runbook(text, "t.md"), "does not parse").line == 7
    assert parse_runbook(text, "t.md").steps[0].expectation is None


def test_expect_without_promql() -> None:
    text = "# T\n\n- [ ] Check\n  expect: < 1\n"
    assert only(lint_runbook(text, "t.md"), "without a promql").line == 4


def test_two_step_kinds_in_one_step() -> None:
    text = (
        "# T\n\n- [ ] Mixed\n  ```sh\n  date -u\n  ```\n  ```promql\n  up\n  ```\n  expect: == 1\n"
    )
    problems = lint_runbook(text, "t.md")
    assert only(problems, "check as well as a command").line == 7
    step = parse_runbook(text, "t.md").steps[0]
    assert step.kind == "command" and step.query is None


def test_probe_and_command_in_one_step() -> None:
    text = "# T\n\n- [ ] Mixed\n  probe: ready\n  ```sh\n  date\n  ```\n"
    assert only(lint_runbook(text, "t.md"), "as well as a probe").line == 5


def test_unknown_front_matter_key() -> None:
    text = "---\ntitle: T\nowner: sam\n---\n- [ ] one\n"
    assert only(lint_runbook(text, "t.md"), "unknown front-matter key 'owner'").line == 3
    assert parse_runbook(text, "t.md").title == "T"


def test_missing_title() -> None:
    text = "Some text.\n\n- [ ] one\n"
    assert only(lint_runbook(text, "nameless.md"), "missing title").line == 1
    assert parse_runbook(text, "nameless.md").title == "nameless"


def test_unterminated_front_matter_is_fatal() -> None:
    text = "---\ntitle: T\n# T\n- [ ] one\n"
    assert lines_of(lint_runbook(text, "t.md")) == [1]
    assert "never closed" in lint_runbook(text, "t.md")[0].message
    with pytest.raises(RunbookError):
        parse_runbook(text, "t.md")


def test_broken_front_matter_line_is_fatal_but_body_is_still_linted() -> None:
    text = "---\ntitle: T\njust words\nalerts: [A, B\n---\n- [ ] x\n  expect: < 1\n"
    problems = lint_runbook(text, "t.md")
    assert only(problems, "not 'key: value'").line == 3
    assert only(problems, "not closed with ']'").line == 4
    assert only(problems, "without a promql").line == 7
    with pytest.raises(RunbookError):
        parse_runbook(text, "t.md")


def test_malformed_placeholders() -> None:
    text = (
        "# T\n\n- [ ] Run\n  ```sh\n  echo {{labels.ok}}\n  echo {{label.service}}\n"
        '  echo {{labels.x\n  ```\n- [ ] Query\n  ```promql\n  up{a="{{ service }}"}\n  ```\n'
        "  expect: == 1\n"
    )
    problems = lint_runbook(text, "t.md")
    assert only(problems, "{{label.service}}").line == 6
    assert only(problems, "not closed").line == 7
    assert only(problems, "{{ service }}").line == 11
    assert len(problems) == 3


def test_other_problems() -> None:
    text = (
        "---\ntitle: [A, B]\nseverity: urgent\ntitle: again\n---\n"
        "```sh\ndate\n```\nprobe: ready\n\n- [ ]\n- [ ] two\n  probe: ready\n  probe: live\n"
        "- [ ] bad probe\n  probe: ???\n- [ ] indented\n\n      date -u\n"
    )
    problems = lint_runbook(text, "t.md")
    assert only(problems, "takes one value").line == 2
    assert only(problems, "not Sev1..Sev4").line == 3
    assert only(problems, "set twice").line == 4
    assert only(problems, "sh block is not part of any step").line == 6
    assert only(problems, "'probe' line is not part of any step").line == 9
    assert only(problems, "no text").line == 11
    assert only(problems, "another probe").line == 14
    assert only(problems, "probe name").line == 16
    assert only(problems, "indented code block").line == 19
    assert lines_of(problems) == sorted(lines_of(problems))
    rb = parse_runbook(text, "t.md")
    assert rb.steps[0].title == "Step 1"
    assert rb.steps[1].probe == "ready"


def test_lint_problem_str() -> None:
    assert str(LintProblem("a.md", 3, "bad")) == "a.md:3: bad"


# The bundled runbooks.

BUNDLED_FILES = sorted(BUNDLED.glob("*.md"))


def test_eight_bundled_runbooks() -> None:
    assert [p.stem for p in BUNDLED_FILES] == [
        "database-outage", "dependency-failure", "deploy-rollback", "general-incident",
        "high-error-rate", "high-latency", "redis-outage", "traffic-overload",
    ]  # fmt: skip


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.stem)
def test_bundled_runbook_is_clean(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    runbook, problems = parse_and_lint(text, str(path))
    assert problems == []
    assert runbook is not None
    assert runbook.name == path.stem
    assert 6 <= len(runbook.steps) <= 15
    assert runbook.description
    assert all(s.phase for s in runbook.steps)
    assert all(s.expectation is not None for s in runbook.steps if s.kind == "check")
    assert set(runbook.labels_needed) <= {"service"}


def test_bundled_runbooks_cover_the_demo_alerts_and_thresholds() -> None:
    runbooks = {p.stem: parse_runbook(p.read_text(encoding="utf-8"), str(p)) for p in BUNDLED_FILES}
    owners = {alert: name for name, rb in runbooks.items() for alert in rb.alerts}
    assert owners == {
        "HighErrorRate": "high-error-rate",
        "HighLatencyP95": "high-latency",
        "ServiceNotReady": "dependency-failure",
        "RedisLatencyHigh": "redis-outage",
        "RedisEvictions": "redis-outage",
        "ReplicationLagHigh": "database-outage",
        "HighCpu": "traffic-overload",
        "HighMemory": "traffic-overload",
    }
    checks = {
        (s.query, str(s.expectation))
        for rb in runbooks.values()
        for s in rb.steps
        if s.kind == "check"
    }
    expected = {
        ('http_requests_total{code=~"5.."}', "< 0.01"),
        ("histogram_quantile(0.95", "< 1"),
        ("demo_redis_latency_seconds", "< 0.005"),
        ("demo_db_replication_lag_seconds", "< 30"),
        ("demo_cpu_usage_ratio", "< 0.8"),
    }
    for fragment, expectation in expected:
        assert any(fragment in (q or "") and e == expectation for q, e in checks), fragment
    probes = {s.probe for rb in runbooks.values() for s in rb.steps if s.kind == "probe"}
    assert {"ready", "dependencies"} <= probes <= {"live", "ready", "dependencies"}


def test_dependency_failure_downshift_order() -> None:
    path = BUNDLED / "dependency-failure.md"
    rb = parse_runbook(path.read_text(encoding="utf-8"), str(path))
    titles = [s.title.lower() for s in rb.steps]

    def first(word: str) -> int:
        return next(i for i, t in enumerate(titles) if word in t)

    order = [first(w) for w in ("three checks", "circuit breaker", "degraded mode", "verify",
                                "notify", "sev2")]  # fmt: skip
    assert order == sorted(order)
    assert rb.steps[0].probe == "dependencies"
