"""Config text shared by tests: the demo's two SLOs, as `cockpit demo` writes them."""

from __future__ import annotations

DEMO_SLOS = """
[[slo]]
name = "api-availability"
service = "demo-api"
objective = 99.9
window = "30d"
sli = "ratio"
good = 'sum(rate(http_requests_total{code!~"5.."}[{{window}}]))'
total = 'sum(rate(http_requests_total[{{window}}]))'

[[slo]]
name = "api-latency-p95"
service = "demo-api"
objective = 95
window = "30d"
sli = "latency"
metric = "http_request_duration_seconds"
threshold = 2.5
"""
