"""Files the demo stack writes: Prometheus config and rules, Alertmanager config, cockpit config.

Thresholds are the team's defaults (docs/domain.md, Alerts: error rate 0.1/0.5/1 %, latency
200/500/1000 ms, CPU 70/80/90 %, memory 75/85/95 %, Redis latency > 5 ms, evicted keys,
replication lag > 30 s, 5xx > 1 %). The `for:` durations are shortened from minutes to
seconds so a fault shows within a few seconds in a demo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

SERVICE = "demo-api"
# Short rate windows so a fault reaches the alert within seconds at a 1 s scrape.
RATE = "20s"


@dataclass(frozen=True)
class Rule:
    alert: str
    expr: str
    severity: str
    summary: str
    runbook: str
    hold: str = "5s"


ERROR_RATIO = (
    f'sum(rate(http_requests_total{{code=~"5.."}}[{RATE}]))'
    f" / sum(rate(http_requests_total[{RATE}]))"
)
P95 = f"histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[{RATE}])))"

RULES: tuple[Rule, ...] = (
    Rule("HighErrorRate", f"{ERROR_RATIO} > 0.01", "critical",
         "5xx ratio above 1 % (now {{ $value | humanizePercentage }})", "high-error-rate"),
    Rule("HighErrorRate", f"{ERROR_RATIO} > 0.005", "warning",
         "5xx ratio above 0.5 % (now {{ $value | humanizePercentage }})", "high-error-rate"),
    Rule("HighLatencyP95", f"{P95} > 1", "critical",
         "p95 latency above 1 s (now {{ $value | humanizeDuration }})", "high-latency"),
    Rule("HighLatencyP95", f"{P95} > 0.5", "warning",
         "p95 latency above 500 ms (now {{ $value | humanizeDuration }})", "high-latency"),
    Rule("ServiceNotReady", "demo_ready == 0", "critical",
         "readiness endpoint reports not ready", "dependency-failure"),
    Rule("RedisLatencyHigh", "demo_redis_latency_seconds > 0.005", "warning",
         "Redis latency above 5 ms (now {{ $value | humanizeDuration }})", "redis-outage", "10s"),
    Rule("RedisEvictions", f"rate(demo_redis_evicted_keys_total[{RATE}]) > 0", "warning",
         "Redis is evicting keys", "redis-outage", "0s"),
    Rule("ReplicationLagHigh", "demo_db_replication_lag_seconds > 30", "critical",
         "DB replication lag above 30 s (now {{ $value }} s)", "database-outage", "10s"),
    Rule("HighCpu", "demo_cpu_usage_ratio > 0.9", "critical",
         "CPU above 90 %", "traffic-overload", "10s"),
    Rule("HighCpu", "demo_cpu_usage_ratio > 0.8", "warning",
         "CPU above 80 %", "traffic-overload", "10s"),
    Rule("HighMemory", "demo_memory_usage_ratio > 0.95", "critical",
         "memory above 95 %", "traffic-overload", "10s"),
    Rule("HighMemory", "demo_memory_usage_ratio > 0.85", "warning",
         "memory above 85 %", "traffic-overload", "10s"),
)  # fmt: skip


def _q(text: str) -> str:
    # JSON strings are valid YAML scalars, which spares a YAML dependency.
    return json.dumps(text)


def rules_yaml() -> str:
    lines = ["groups:", "  - name: cockpit-demo", "    interval: 1s", "    rules:"]
    for rule in RULES:
        lines += [
            f"      - alert: {rule.alert}",
            f"        expr: {_q(rule.expr)}",
            f"        for: {rule.hold}",
            "        labels:",
            f"          severity: {rule.severity}",
            f"          service: {SERVICE}",
            "        annotations:",
            f"          summary: {_q(rule.summary)}",
            f"          runbook: {_q(rule.runbook)}",
            f"          runbook_url: {_q(f'cockpit://runbooks/{rule.runbook}.md')}",
        ]
    return "\n".join(lines) + "\n"


def prometheus_yaml(service_port: int, alertmanager_port: int) -> str:
    return f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:{alertmanager_port}"]
scrape_configs:
  - job_name: {SERVICE}
    static_configs:
      - targets: ["127.0.0.1:{service_port}"]
        labels:
          service: {SERVICE}
"""


ALERTMANAGER_YAML = """route:
  receiver: cockpit-demo
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 4h
receivers:
  - name: cockpit-demo
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname, service]
"""


def cockpit_toml(
    *, prometheus_url: str | None, alertmanager_url: str | None, service_url: str, me: str
) -> str:
    sections = [
        "# Written by `cockpit demo` for its own stack; it is removed when the demo stops.",
        "[oncall]",
        f"me = {_q(me)}",
        f'roster = [{_q(me)}, "sam"]',
        'handoff_day = "friday"',
        'handoff_time = "17:00"',
        'timezone = "UTC"',
    ]
    if prometheus_url:
        sections += ["", "[prometheus]", f"url = {_q(prometheus_url)}", 'refresh = "5s"']
    if alertmanager_url:
        sections += ["", "[alertmanager]", f"url = {_q(alertmanager_url)}", 'refresh = "2s"']
    sections += [
        "",
        "[[slo]]",
        'name = "api-availability"',
        f"service = {_q(SERVICE)}",
        "objective = 99.9",
        'window = "30d"',
        'sli = "ratio"',
        "good = 'sum(rate(http_requests_total{code!~\"5..\"}[{{window}}]))'",
        "total = 'sum(rate(http_requests_total[{{window}}]))'",
        "",
        "[[slo]]",
        'name = "api-latency-p95"',
        f"service = {_q(SERVICE)}",
        'description = "95 % of requests faster than 2.5 s"',
        "objective = 95",
        'window = "30d"',
        'sli = "latency"',
        'metric = "http_request_duration_seconds"',
        "threshold = 2.5",
    ]
    for name, path, conditions in (
        ("live", "/health/live", '["[STATUS] == 200"]'),
        ("ready", "/health/ready", '["[STATUS] == 200"]'),
        ("dependencies", "/health/dependencies",
         '["[STATUS] == 200", "[BODY].status != unhealthy"]'),
    ):  # fmt: skip
        sections += [
            "",
            "[[probe]]",
            f"name = {_q(name)}",
            f"url = {_q(service_url + path)}",
            f"component = {_q(SERVICE)}",
            'interval = "2s"',
            f"conditions = {conditions}",
        ]
        if name == "ready":
            # The demo service declares `ready=degraded` as a degraded mode (503 allowed).
            sections.append("degraded_ok = true")
    return "\n".join(sections) + "\n"
