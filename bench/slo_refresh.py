"""One SLO refresh for 100 SLOs x 4 burn rows on the real Prometheus: wall time and HTTP
queries sent, batched (one query per window) against one query per SLO and window."""

from __future__ import annotations

import time
import tomllib
from datetime import UTC, datetime

import httpx

from cockpit.config import Config, load, parse
from cockpit.demo.stack import DemoStack
from cockpit.model.slo import windows_needed
from cockpit.services.slo_poll import SloPoller, error_ratio_query
from cockpit.sources.prometheus import PrometheusQueries

SLOS = 100
ROUTES = ("/api/orders", "/api/users", "/api/search")


def config_with_slos(base: Config, count: int) -> Config:
    assert base.path is not None
    lines = [base.path.read_text().split("[[slo]]")[0]]
    for i in range(count):
        route = ROUTES[i % len(ROUTES)]
        metric, window = "http_requests_total", "{{window}}"
        objective = (99.0, 99.5, 99.9)[i % 3]
        lines += [
            "[[slo]]",
            f'name = "slo-{i:03d}"',
            f"objective = {objective}",
            f'good = \'sum(rate({metric}{{route="{route}",code!~"5.."}}[{window}]))\'',
            f"total = 'sum(rate({metric}{{route=\"{route}\"}}[{window}]))'",
            "",
        ]
    return parse(tomllib.loads("\n".join(lines)), base.path)


def one_by_one(config: Config) -> tuple[float, int]:
    assert config.prometheus is not None
    queries = PrometheusQueries(config.prometheus)
    at = datetime.now(UTC).timestamp()
    sent = 0
    started = time.perf_counter()
    for slo in config.slos:
        for window in windows_needed(slo.window, config.burn_rows):
            queries.query(error_ratio_query(slo, window), at)
            sent += 1
    return time.perf_counter() - started, sent


def main(runs: int = 3) -> None:
    with DemoStack() as stack:
        assert stack.config_path is not None and stack.prometheus_url is not None
        while not httpx.get(
            f"{stack.prometheus_url}/api/v1/query",
            params={"query": "sum(http_requests_total)"}, timeout=2,
        ).json()["data"]["result"]:  # fmt: skip
            time.sleep(0.2)
        time.sleep(3)
        config = config_with_slos(load(stack.config_path), SLOS)
        rows = len(config.burn_rows)
        print(f"{len(config.slos)} SLOs x {rows} burn rows, Prometheus 2.42 on loopback")
        for run in range(runs):
            poller = SloPoller(config)
            started = time.perf_counter()
            snapshot = poller.poll()
            batched = time.perf_counter() - started
            with_data = sum(s.budget.sli is not None for s in snapshot.slos)
            raw_seconds, raw_sent = one_by_one(config)
            print(
                f"run {run + 1}: batched {batched:6.3f} s, {poller.queries_sent:4d} queries "
                f"({with_data} SLOs with data) | one by one {raw_seconds:6.3f} s, "
                f"{raw_sent:4d} queries"
            )


if __name__ == "__main__":
    main()
