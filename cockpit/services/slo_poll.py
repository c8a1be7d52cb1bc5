"""One SLO poll cycle: PromQL for each SLO's SLI over its window.

Blocking (prometheus-api-client): run it in a thread worker, never on the UI loop.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cockpit.config import Config, SloConfig
from cockpit.model.durations import promql_duration
from cockpit.model.freshness import Freshness
from cockpit.model.slo import ErrorBudget, sli_from_bad, sli_from_counts
from cockpit.secrets import SecretError
from cockpit.services.snapshots import SloSnapshot, SloStatus
from cockpit.sources.errors import SourceError
from cockpit.sources.prometheus import PrometheusQueries

UNREACHABLE = ("connection refused", "timed out", "cannot connect")


def sli_queries(slo: SloConfig) -> tuple[str, str]:
    """(numerator, total) PromQL over the SLO window; the numerator counts good events,
    except for a ratio SLI written with `bad`, where it counts bad ones."""
    window = promql_duration(slo.window)
    if slo.kind == "latency":
        selector = slo.selector.strip()
        extra = f",{selector}" if selector else ""
        # Exporters write le="1" or le="1.0"; Prometheus 2 keeps the label as written.
        assert slo.threshold is not None
        spellings = sorted({f"{slo.threshold:g}", repr(float(slo.threshold))})
        le = "|".join(spellings)
        good = f'sum(rate({slo.metric}_bucket{{le=~"{le}"{extra}}}[{window}]))'
        total = f"sum(rate({slo.metric}_count{{{selector}}}[{window}]))"
        return good, total
    if slo.kind == "recorded":
        # Sloth/Pyrra record the error ratio; the "total" is 1 so SLI = 1 - error ratio.
        selector = f"{{{slo.selector}}}" if slo.selector else ""
        return f"slo:sli_error:ratio_rate{window}{selector}", "vector(1)"
    numerator = slo.good if slo.good is not None else slo.bad
    assert numerator is not None and slo.total is not None  # config validation ensures it
    return numerator.replace("{{window}}", window), slo.total.replace("{{window}}", window)


def _sli(queries: PrometheusQueries, slo: SloConfig, at: float) -> float | None:
    numerator_q, total_q = sli_queries(slo)
    numerator = queries.scalar(numerator_q, at)
    total = queries.scalar(total_q, at)
    if slo.kind == "recorded" or (slo.kind == "ratio" and slo.good is None):
        return sli_from_bad(numerator, total)
    return sli_from_counts(numerator, total)


class SloPoller:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.freshness = (
            Freshness() if config.prometheus is not None else Freshness.not_configured()
        )
        self._queries = PrometheusQueries(config.prometheus) if config.prometheus else None
        self._last_good: dict[str, ErrorBudget] = {}
        self.last = self.initial()

    def poll(self) -> SloSnapshot:
        now = datetime.now(UTC)
        if self._queries is None:
            return self.initial()
        statuses = []
        errors: list[str] = []
        source_down: str | None = None
        for slo in self.config.slos:
            try:
                if source_down is not None:
                    # Prometheus itself is unreachable: asking again per SLO would only
                    # multiply the timeout.
                    raise SourceError(source_down)
                sli = _sli(self._queries, slo, now.timestamp())
            except (SourceError, SecretError) as exc:
                errors.append(str(exc))
                if isinstance(exc, SecretError) or str(exc).startswith(UNREACHABLE):
                    source_down = str(exc)
                # Stale data stays on screen, marked stale, rather than blanking the row.
                last = self._last_good.get(slo.name)
                budget = last or ErrorBudget(slo.objective / 100, slo.window, None)
                statuses.append(SloStatus(slo, budget, str(exc)))
                continue
            budget = ErrorBudget(slo.objective / 100, slo.window, sli)
            self._last_good[slo.name] = budget
            statuses.append(SloStatus(slo, budget))
        if errors and len(errors) == len(self.config.slos):
            self.freshness = self.freshness.failed(now, errors[0])
        else:
            self.freshness = self.freshness.succeeded(now)
        self.last = SloSnapshot(tuple(statuses), self.freshness)
        return self.last

    def failed(self, at: datetime, reason: str) -> SloSnapshot:
        """The last snapshot, kept on screen, marked as failed for ``reason``."""
        self.freshness = self.freshness.failed(at, reason)
        self.last = SloSnapshot(self.last.slos, self.freshness)
        return self.last

    def initial(self) -> SloSnapshot:
        """Every SLO with no data yet: what the pane shows before the first answer."""
        statuses = tuple(
            SloStatus(s, ErrorBudget(s.objective / 100, s.window, None)) for s in self.config.slos
        )
        return SloSnapshot(statuses, self.freshness)
