"""One SLO poll cycle: error ratios for every SLO over every window it needs.

Queries scale with windows, not with SLOs x windows: per window, one PromQL query asks
for every SLO at once (each SLO's ratio tagged with a `cockpit_slo` label and joined with
`or`), all evaluated at one pinned time. If a batch is refused (one SLO's PromQL is
broken), that window falls back to one query per SLO, so the broken SLO shows
Prometheus's own message and the others still work.

Each SLO is answered by its own Prometheus server (``slo.prometheus``; the first one by
default): the SLOs are grouped by server, each server gets its own batches, and the
servers are asked at the same time (a thread each when there are several). Each server
keeps its own freshness: one down marks only its SLOs stale (their last values kept);
the cycle as a whole fails only when every server failed.

Blocking (``PrometheusQueries``): run it in a thread worker, never on the UI loop. A cycle
has a deadline (``CYCLE_FACTOR`` times the server's timeout) shared by its queries.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from cockpit.config import Config, Endpoint
from cockpit.model.durations import promql_duration
from cockpit.model.freshness import Freshness
from cockpit.model.slo import (
    BurnRow,
    ErrorBudget,
    burn_rate,
    evaluate_rows,
    time_to_exhaustion,
    windows_needed,
)
from cockpit.model.slo_definition import SloDefinition
from cockpit.model.snapshots import SloSnapshot, SloStatus
from cockpit.secrets import SecretError
from cockpit.sources.clients import BlockingClient
from cockpit.sources.errors import SourceError
from cockpit.sources.prometheus import PrometheusQueries, QueryRefused

T = TypeVar("T")
TAG = "cockpit_slo"
ONE_HOUR = timedelta(hours=1)
# A cycle asks a few queries in a row (one per window); together they may take this many
# times the endpoint's timeout, each one its own timeout at most.
CYCLE_FACTOR = 2.0


def _promql_regex_literal(text: str) -> str:
    """``text`` matched literally by a PromQL regex: the dot in "0.25" must not match
    "0x25", and the backslash that escapes it is itself escaped in a PromQL string."""
    return re.escape(text).replace("\\", "\\\\")


def error_ratio_query(slo: SloDefinition, window: timedelta) -> str:
    """PromQL for the share of bad events of ``slo`` over ``window`` (NaN without traffic)."""
    span = promql_duration(window)
    if slo.kind == "latency":
        assert slo.threshold is not None and slo.metric is not None
        selector = slo.selector.strip()
        extra = f",{selector}" if selector else ""
        # Exporters write le="1" or le="1.0"; Prometheus 2 keeps the label as written.
        spellings = "|".join(
            _promql_regex_literal(text)
            for text in sorted({f"{slo.threshold:g}", repr(float(slo.threshold))})
        )
        fast = f'sum(rate({slo.metric}_bucket{{le=~"{spellings}"{extra}}}[{span}]))'
        total = f"sum(rate({slo.metric}_count{{{selector}}}[{span}]))"
        return f"1 - ({fast}) / ({total})"
    if slo.kind == "recorded":
        # Sloth and Pyrra record the error ratio per window under this name.
        selector = f"{{{slo.selector}}}" if slo.selector else ""
        return f"slo:sli_error:ratio_rate{span}{selector}"
    assert slo.total is not None
    total = slo.total.replace("{{window}}", span)
    if slo.bad is not None:
        return f"({slo.bad.replace('{{window}}', span)}) / ({total})"
    assert slo.good is not None
    return f"1 - ({slo.good.replace('{{window}}', span)}) / ({total})"


def tagged_or(parts: list[tuple[int, str]]) -> str:
    """One query for many: each expression tagged with its index in a `cockpit_slo` label,
    joined with `or`, so one answer maps back to every part."""
    return " or ".join(f'label_replace({expr}, "{TAG}", "{i}", "", "")' for i, expr in parts)


def batch_query(slos: list[SloDefinition], window: timedelta) -> str:
    return tagged_or([(i, error_ratio_query(slo, window)) for i, slo in enumerate(slos)])


@dataclass
class _Answers:
    """Error ratios by SLO index and window, and errors by SLO index."""

    ratios: dict[tuple[int, timedelta], float | None]
    errors: dict[int, str]
    queries: int = 0


def _value(number: float) -> float | None:
    return None if math.isnan(number) else number


@dataclass
class ServerGroup:
    """One Prometheus server and the SLOs it answers (their positions in the config)."""

    name: str
    queries: PrometheusQueries
    indices: list[int] = field(default_factory=list)
    freshness: Freshness = field(default_factory=Freshness)

    @property
    def endpoint(self) -> Endpoint:
        return self.queries.endpoint


class SloPoller:
    def __init__(self, config: Config, *, keep_client: bool = False) -> None:
        """``keep_client``: one HTTP client and loop for every cycle (the TUI, which polls
        every few seconds; ``close`` ends them) instead of one per query. The servers
        share it."""
        self.config = config
        self.rows: tuple[BurnRow, ...] = config.burn_rows
        self.freshness = (
            Freshness() if config.prometheus is not None else Freshness.not_configured()
        )
        self._kept = BlockingClient() if keep_client and config.prometheus else None
        self.groups: dict[str, ServerGroup] = {}
        # SLOs naming no configured server (a config built in code; `load` refuses it).
        self._unknown: dict[int, str] = {}
        self._server_of: dict[int, str] = {}
        for i, slo in enumerate(config.slos):
            endpoint = config.prometheus_named(slo.prometheus)
            if endpoint is None:
                if config.prometheus is not None:
                    self._unknown[i] = f"no [[prometheus]] is named {slo.prometheus!r}"
                continue
            group = self.groups.get(endpoint.name)
            if group is None:
                group = ServerGroup(endpoint.name, PrometheusQueries(endpoint, kept=self._kept))
                self.groups[endpoint.name] = group
            group.indices.append(i)
            self._server_of[i] = endpoint.name
        self._last_good: dict[str, SloStatus] = {}
        self.last = self.initial()
        self.queries_sent = 0  # in the last cycle: the bench reports it
        self.evaluated_at: float | None = None  # the pinned evaluation time of the last cycle

    def close(self) -> None:
        if self._kept is not None:
            self._kept.close()

    def queries_for(self, slo: SloDefinition) -> PrometheusQueries | None:
        """The client of the server that answers ``slo`` (None: no such server)."""
        endpoint = self.config.prometheus_named(slo.prometheus)
        group = None if endpoint is None else self.groups.get(endpoint.name)
        return None if group is None else group.queries

    def initial(self) -> SloSnapshot:
        """Every SLO with no data yet: what the pane shows before the first answer."""
        statuses = tuple(
            self._status(slo, {}, server=self._server_of.get(i, ""))
            for i, slo in enumerate(self.config.slos)
        )
        return SloSnapshot(statuses, self.freshness, self._servers())

    def _servers(self) -> dict[str, Freshness]:
        return {name: group.freshness for name, group in self.groups.items()}

    def _status(
        self,
        slo: SloDefinition,
        ratios: dict[timedelta, float | None],
        error: str | None = None,
        server: str = "",
    ) -> SloStatus:
        objective = slo.objective / 100
        window_ratio = ratios.get(slo.window)
        sli = None if window_ratio is None else min(max(1.0 - window_ratio, 0.0), 1.0)
        budget = ErrorBudget(objective, slo.window, sli)
        rows = evaluate_rows(self.rows, slo.window, objective, ratios)
        burn_1h = burn_rate(ratios.get(ONE_HOUR), objective)
        return SloStatus(
            slo, budget, error, rows=rows, burn_1h=burn_1h,
            exhaustion=time_to_exhaustion(budget, burn_1h), server=server,
        )  # fmt: skip

    def _windows(self, slo: SloDefinition) -> tuple[timedelta, ...]:
        """The rows' windows, and always 1 h: the pane's burn and "out in" read it."""
        needed = windows_needed(slo.window, self.rows)
        return needed if ONE_HOUR in needed else (*needed, ONE_HOUR)

    def _ask(self, queries: PrometheusQueries, at: float, indices: list[int]) -> _Answers:
        """The error ratios of the SLOs at ``indices`` (positions in the config), one
        batch per window; the answers are keyed by those positions."""
        slos = [self.config.slos[i] for i in indices]
        answers = _Answers({}, {})
        windows: list[timedelta] = []
        for slo in slos:
            windows += [w for w in self._windows(slo) if w not in windows]
        for window in windows:
            wanted = [
                i for i, slo in zip(indices, slos, strict=True) if window in self._windows(slo)
            ]
            members = [self.config.slos[i] for i in wanted]
            answers.queries += 1
            try:
                samples = queries.query(batch_query(members, window), at)
            except QueryRefused:
                self._one_by_one(queries, at, window, wanted, answers)
                continue
            for sample in samples:
                index = int(sample.labels.get(TAG, "-1"))
                if 0 <= index < len(wanted):
                    answers.ratios[(wanted[index], window)] = _value(sample.value)
        return answers

    def _one_by_one(
        self,
        queries: PrometheusQueries,
        at: float,
        window: timedelta,
        wanted: list[int],
        answers: _Answers,
    ) -> None:
        for i in wanted:
            answers.queries += 1
            try:
                samples = queries.query(error_ratio_query(self.config.slos[i], window), at)
            except QueryRefused as exc:
                answers.errors.setdefault(i, str(exc))
                continue
            answers.ratios[(i, window)] = _value(samples[0].value) if samples else None

    def _ask_server(self, group: ServerGroup, at: float) -> _Answers | str:
        """One server's share of the cycle: its answers, or why it failed."""
        queries = group.queries
        seconds = CYCLE_FACTOR * group.endpoint.timeout.total_seconds()
        queries.deadline = time.monotonic() + seconds
        queries.cycle_seconds = seconds
        try:
            return self._ask(queries, at, group.indices)
        except (SourceError, SecretError) as exc:
            return str(exc)
        finally:
            queries.deadline = None

    def each_server(self, work: Callable[[ServerGroup], T]) -> dict[str, T]:
        """``work`` for every server, at the same time when there are several (a thread
        each; with one it runs here, as a single server always did)."""
        groups = list(self.groups.values())
        if len(groups) <= 1:
            return {g.name: work(g) for g in groups}
        with ThreadPoolExecutor(len(groups), thread_name_prefix="cockpit-slo") as pool:
            futures = {g.name: pool.submit(work, g) for g in groups}
            return {name: future.result() for name, future in futures.items()}

    def poll(self, at: datetime | None = None) -> SloSnapshot:
        """One cycle: every SLO evaluated now, or ``at`` a moment in the past (the same
        queries, evaluated by Prometheus at that time)."""
        now = datetime.now(UTC)
        if self.config.prometheus is None:
            return self.initial()
        evaluated_at = self.evaluated_at = (at or now).timestamp()
        results = self.each_server(lambda group: self._ask_server(group, evaluated_at))
        self.queries_sent = 0
        statuses = list(self.last.slos)
        for name, result in results.items():
            group = self.groups[name]
            if isinstance(result, str):
                group.freshness = group.freshness.failed(now, result)
                for i in group.indices:
                    # A server down keeps its SLOs' last values on screen, marked.
                    statuses[i] = replace(statuses[i], error=result)
                continue
            self.queries_sent += result.queries
            for i in group.indices:
                statuses[i] = self._apply(i, result)
            refused = [result.errors[i] for i in group.indices if i in result.errors]
            if group.indices and len(refused) == len(group.indices):
                # Every SLO refused: the pane must not read "updated 0s ago" over a
                # column of errors.
                group.freshness = group.freshness.failed(now, refused[0])
            else:
                group.freshness = group.freshness.succeeded(now)
        for i, reason in self._unknown.items():
            statuses[i] = replace(statuses[i], error=reason)
        self.freshness = self._overall(now)
        self.last = SloSnapshot(tuple(statuses), self.freshness, self._servers())
        return self.last

    def _apply(self, i: int, answers: _Answers) -> SloStatus:
        slo = self.config.slos[i]
        ratios = {w: r for (j, w), r in answers.ratios.items() if j == i}
        error = answers.errors.get(i)
        if error is not None and slo.name in self._last_good:
            # A broken query keeps this SLO's last values on screen, marked.
            return replace(self._last_good[slo.name], error=error)
        status = self._status(slo, ratios, error, self._server_of[i])
        if error is None:
            self._last_good[slo.name] = status
        return status

    def _overall(self, now: datetime) -> Freshness:
        """The cycle's freshness: failed only when every server failed (one down marks
        only its own SLOs, see ``SloSnapshot.servers``)."""
        failed = [g for g in self.groups.values() if g.freshness.error is not None]
        if not failed or len(failed) < len(self.groups):
            return self.freshness.succeeded(now)
        if len(self.groups) == 1:
            return self.freshness.failed(now, failed[0].freshness.error or "?")
        return self.freshness.failed(
            now, "; ".join(f"{g.name}: {g.freshness.error}" for g in failed)
        )

    def failed(self, at: datetime, reason: str) -> SloSnapshot:
        """The last snapshot, kept on screen, marked as failed for ``reason`` (every
        server: the cycle as a whole failed)."""
        self.freshness = self.freshness.failed(at, reason)
        for group in self.groups.values():
            group.freshness = group.freshness.failed(at, reason)
        statuses = tuple(replace(s, error=reason) for s in self.last.slos)
        self.last = SloSnapshot(statuses, self.freshness, self._servers())
        return self.last
