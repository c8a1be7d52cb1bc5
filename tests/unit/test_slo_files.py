"""SLOs imported from Sloth prometheus/v1 and OpenSLO v1 files."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from cockpit.config import ConfigError, load

SLOTH = """\
version: "prometheus/v1"
service: "myservice"
labels:
  owner: "myteam"
slos:
  - name: "requests-availability"
    objective: 99.9
    description: "Common SLO based on availability for HTTP request responses."
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="svc",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="svc"}[{{.window}}]))
    alerting:
      name: MyServiceHighErrorRate
"""

OPENSLO = """\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-availability
  displayName: Web availability
spec:
  service: web
  indicator:
    metadata:
      name: web-good-ratio
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="web",code!~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="web"}
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good
      target: 0.995
"""


def _config(tmp_path: Path, *files: str) -> Path:
    listed = ", ".join(f'"{name}"' for name in files)
    path = tmp_path / "config.toml"
    path.write_text(f"[slo_import]\nfiles = [{listed}]\n")
    return path


def test_sloth_and_openslo_files_become_slos(tmp_path: Path) -> None:
    (tmp_path / "sloth.yaml").write_text(SLOTH)
    (tmp_path / "openslo.yaml").write_text(OPENSLO)
    config = load(_config(tmp_path, "sloth.yaml", "openslo.yaml"))
    sloth, openslo = config.slos
    assert (sloth.name, sloth.service, sloth.objective, sloth.kind) == (
        "requests-availability", "myservice", 99.9, "ratio",
    )  # fmt: skip
    assert sloth.window == timedelta(days=30)
    assert sloth.bad == ('sum(rate(http_requests_total{job="svc",code=~"(5..|429)"}[{{window}}]))')
    assert sloth.total == ('sum(rate(http_requests_total{job="svc"}[{{window}}]))')
    assert (openslo.name, openslo.service, openslo.window) == (
        "web-availability", "web", timedelta(days=28),
    )  # fmt: skip
    assert openslo.objective == pytest.approx(99.5)
    assert openslo.good == 'sum(rate(http_requests_total{service="web",code!~"5.."}[{{window}}]))'
    assert openslo.total == 'sum(rate(http_requests_total{service="web"}[{{window}}]))'


def test_an_expression_query_gets_a_subquery_range(tmp_path: Path) -> None:
    text = OPENSLO.replace(
        'query: http_requests_total{service="web"}',
        'query: sum(http_requests_total{service="web"}) by (code)',
    )
    (tmp_path / "o.yaml").write_text(text)
    slo = load(_config(tmp_path, "o.yaml")).slos[0]
    assert (
        slo.total == 'sum(rate((sum(http_requests_total{service="web"}) by (code))[{{window}}:1m]))'
    )


def test_problems_name_the_yaml_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "bad-sloth.yaml").write_text(SLOTH.replace("objective: 99.9", "objective: high"))
    (tmp_path / "bad-openslo.yaml").write_text(OPENSLO.replace("target: 0.995", "target: many"))
    (tmp_path / "broken.yaml").write_text("slos: [unclosed\n")
    (tmp_path / "other.yaml").write_text("kind: Service\n")
    with pytest.raises(ConfigError) as info:
        load(
            _config(
                tmp_path,
                "bad-sloth.yaml",
                "bad-openslo.yaml",
                "broken.yaml",
                "other.yaml",
                "missing.yaml",
            )
        )
    problems = {(Path(p.file).name, p.key): p.reason for p in info.value.problems}
    assert problems[("bad-sloth.yaml", "slos[0].objective")] == "expected a number, got a string"
    assert "expected a number" in problems[("bad-openslo.yaml", "spec.objectives[0].target")]
    assert problems[("broken.yaml", "")].startswith("not valid YAML")
    assert problems[("other.yaml", "")] == "not a Sloth prometheus/v1 spec or an OpenSLO v1 SLO"
    assert problems[("missing.yaml", "")].startswith("cannot read the file")


def test_a_name_used_twice_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(SLOTH)
    (tmp_path / "b.yaml").write_text(SLOTH)
    with pytest.raises(ConfigError) as info:
        load(_config(tmp_path, "a.yaml", "b.yaml"))
    assert [(p.key, p.reason) for p in info.value.problems] == [
        ("slo_import.files", "SLO name 'requests-availability' is used twice")
    ]


@pytest.mark.parametrize(
    "window", ["duration: 1M", "duration: 1Q", "duration: 28d\n      isRolling: false"]
)
def test_calendar_windows_are_refused_not_misread(tmp_path: Path, window: str) -> None:
    (tmp_path / "o.yaml").write_text(
        OPENSLO.replace("duration: 28d\n      isRolling: true", window)
    )
    with pytest.raises(ConfigError) as info:
        load(_config(tmp_path, "o.yaml"))
    (problem,) = info.value.problems
    assert problem.key == "spec.timeWindow[0]"
    assert "calendar windows (M, Q, Y) are not supported" in problem.reason
