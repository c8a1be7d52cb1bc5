"""`cockpit alerts`, `cockpit ack`, `cockpit unack` and `cockpit silence list|add|expire`.

Exit codes: 0 done (also: already acked, already expired), 1 nothing matched (no such
alert, ack or silence id), 2 bad input (an ambiguous id, a wide silence not confirmed),
read-only mode, an Alertmanager refusal, or Alertmanager unreachable (cannot tell);
`alerts` 4 when the list is partial (Prometheus did not answer: pending alerts unknown).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from cockpit import locations
from cockpit.cli.alert_format import (
    alert_json,
    find_alert,
)
from cockpit.cli.common import fail, load_config, notebook_opener, utc_now
from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE

if TYPE_CHECKING:
    import httpx

    from cockpit.config import Config
    from cockpit.model.alerts import Alert
    from cockpit.model.matchers import Matcher
    from cockpit.model.snapshots import AlertSnapshot

T = TypeVar("T")


def add_parsers(sub: Any) -> None:
    alerts = sub.add_parser("alerts", help="list alerts (firing, pending, silenced, acked)")
    alerts.add_argument("--json", action="store_true")
    alerts.add_argument(
        "--at", metavar="TIME",
        help='the list as it was then: "2026-12-05 03:12", "03:12", "-2h" or ISO',
    )  # fmt: skip
    alerts.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="MATCHER",
        help='Alertmanager matcher, e.g. severity="critical" or service=~"api|web" (repeatable)',
    )
    alerts.add_argument("--cluster", default="", metavar="NAME", help="only this cluster's alerts")

    ack = sub.add_parser("ack", help="ack an alert: a short silence marked ACK! (karma's way)")
    ack.add_argument("fingerprint", help="the alert's fingerprint (a unique prefix is enough)")
    ack.add_argument(
        "--for", dest="duration", help="how long, e.g. 2h (default [alerts] ack_duration)"
    )
    ack.add_argument("--comment", default="", help="a note after the ack marker")
    ack.add_argument(
        "--force",
        action="store_true",
        help="renew an ack already in force: a new ack from now, the old one expired",
    )
    ack.add_argument("--json", action="store_true")
    ack.add_argument(
        "--cluster", default="", metavar="NAME", help="the alert's cluster, if several hold it"
    )

    unack = sub.add_parser("unack", help="expire the ack silences of an alert")
    unack.add_argument("fingerprint", help="the alert's fingerprint (a unique prefix is enough)")
    unack.add_argument("--json", action="store_true")
    unack.add_argument(
        "--cluster", default="", metavar="NAME", help="the alert's cluster, if several hold it"
    )


def _dump(data: object) -> str:
    """Indented for a person at a terminal; compact when piped (the pure-Python indenting
    encoder took 0.55 s of 1.1 s for 5,000 alerts)."""
    if sys.stdout.isatty():
        return json.dumps(data, indent=2, default=str)
    return json.dumps(data, separators=(",", ":"), default=str)


def _say(args: argparse.Namespace, text: str, data: dict[str, Any]) -> None:
    if getattr(args, "json", False):
        print(_dump(data))
    else:
        print(text)


def _run(work: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    from cockpit.sources.clients import async_client

    done: list[T] = []

    async def go() -> None:
        async with async_client() as client:
            done.append(await work(client))

    # The answer leaves through ``done``, not as the main task's result: asyncio.run,
    # restoring the SIGINT handler, formats the old handler (which holds the task) into
    # an error message it then drops, and a task's repr includes its result: the whole
    # snapshot's repr, 20-40 ms for 5,000 alerts (issue 18).
    asyncio.run(go())
    return done[0]


def _local(config: Config, at: datetime | None) -> str:
    if at is None:
        return "—"
    return f"{at.astimezone(ZoneInfo(config.oncall.timezone)):%Y-%m-%d %H:%M %Z}"


def _age(at: datetime | None, now: datetime) -> str:
    from cockpit.model.durations import format_duration

    return "—" if at is None else format_duration(now - at)


def _snapshot(config: Config) -> AlertSnapshot:
    from cockpit.services.alert_poll import AlertPoller

    return _run(AlertPoller(config).poll)


def alerts_command(args: argparse.Namespace) -> int:
    from cockpit.model.matchers import MatcherError, matches_all, parse_matchers
    from cockpit.model.silences import ack_of, display_state

    matchers: list[Matcher] = []
    for text in args.filter:
        try:
            matchers.extend(parse_matchers(text))
        except MatcherError as exc:
            return fail(f"--filter: {exc}")
    if args.at is not None:
        from cockpit.cli.alerts_at import past_alerts_command

        return past_alerts_command(args, matchers)
    config = load_config()
    if config is None:
        return EXIT_USAGE
    if config.alertmanager is None and config.prometheus is None:
        if config.path is None:
            return fail(
                f"{locations.config_file()}: no such file, so nothing to ask; "
                "`cockpit config init` writes an example"
            )
        return fail("no [alertmanager] or [prometheus] in the config: nothing to ask")
    unknown = config.unknown_cluster(args.cluster)
    if unknown is not None:
        return fail(f"--cluster: {unknown}")
    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None:
        return fail(f"Cannot tell: Alertmanager: {snapshot.freshness.error}")
    if config.alertmanager is None and snapshot.pending_error:
        return fail(f"Cannot tell: Prometheus: {snapshot.pending_error}")
    down = snapshot.stale_clusters()
    if args.cluster in down:
        return fail(f"Cannot tell: {args.cluster}: {down[args.cluster]}")
    down = {} if args.cluster else down
    silences = snapshot.silence_index()
    alerts = [
        a
        for a in snapshot.alerts
        if matches_all(matchers, a.labels) and (not args.cluster or a.cluster == args.cluster)
    ]
    # A list without the pending alerts, or without a cluster's alerts, must not read as
    # complete, to a person or a script.
    done = EXIT_PARTIAL if snapshot.pending_error or down else EXIT_OK
    if snapshot.pending_error:
        print(f"warning: pending alerts unknown: {snapshot.pending_error}", file=sys.stderr)
    for name, why in down.items():
        print(f"warning: cluster {name} did not answer, its alerts are missing: {why}",
              file=sys.stderr)  # fmt: skip
    if args.json:
        print(_dump([alert_json(a, silences) for a in alerts]))
        return done
    if not alerts:
        print("No alerts" + (" match the filter." if matchers else " firing."))
        return done
    now = utc_now()
    from cockpit.model.text import visible
    from cockpit.ui.format import label_summary

    clustered = len(config.alertmanagers) > 1
    lines: list[tuple[str, ...]] = [
        ("SEVERITY", "ALERT", "STATE", "SINCE", "FINGERPRINT", "ACKED BY", "LABELS", "SUMMARY")
    ]
    for alert in alerts:
        ack = ack_of(alert, silences)
        cells = (alert.severity, alert.name, display_state(alert, silences),
                 _age(alert.starts_at, now), alert.fingerprint or "(pending)",
                 f"{ack.owner} {_age(ack.since, now)}" if ack else "-",
                 label_summary(alert.labels), alert.summary)  # fmt: skip
        # One row per alert: a newline or escape in a label is shown, never obeyed.
        lines.append(tuple(visible(cell) for cell in cells))
    if clustered:  # which Alertmanager cluster, after the severity
        clusters = ["CLUSTER", *(a.cluster for a in alerts)]
        lines = [
            (line[0], cluster, *line[1:]) for line, cluster in zip(lines, clusters, strict=True)
        ]
    fixed_count = len(lines[0]) - 1
    widths = [max(len(line[i]) for line in lines) for i in range(fixed_count)]
    for line in lines:
        fixed = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        print(f"{fixed}  {line[-1]}")
    return done


def _unnoted(problem: Exception | None) -> None:
    """A failed notebook write is said but does not undo Alertmanager's change."""
    if problem is not None:
        print(f"done in Alertmanager, but not noted in the notebook: {problem}", file=sys.stderr)


def _writable_alert(
    fingerprint: str, cluster: str = ""
) -> tuple[Config, AlertSnapshot, Alert] | int:
    """The config, the current snapshot and the alert ``fingerprint`` names, for a write
    (ack, unack); or the exit code after saying why not (bad config, read-only mode,
    Alertmanager unreachable, no such alert)."""
    from cockpit.services import alert_actions

    config = load_config()
    if config is None:
        return EXIT_USAGE
    if config.read_only:
        return fail(f"Refused: {alert_actions.READ_ONLY_REASON}")
    unknown = config.unknown_cluster(cluster)
    if unknown is not None:
        return fail(f"--cluster: {unknown}")
    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None:
        return fail(f"Alertmanager: {snapshot.freshness.error}")
    alert = find_alert(snapshot, fingerprint, cluster)
    if isinstance(alert, str):
        down = snapshot.stale_clusters()
        if down:  # it may be in a cluster that did not answer
            named = "; ".join(f"{n}: {w}" for n, w in down.items())
            return fail(f"{alert} (and these clusters did not answer: {named})")
        return fail(alert, EXIT_FAILED)
    stale = snapshot.stale_clusters().get(alert.cluster)
    if stale is not None:
        return fail(f"Alertmanager {alert.cluster}: {stale}")
    return config, snapshot, alert


def ack_command(args: argparse.Namespace) -> int:
    from cockpit.model.durations import parse_duration
    from cockpit.services import alert_actions
    from cockpit.sources.errors import SourceError

    duration = None
    if args.duration:
        try:
            duration = parse_duration(args.duration)
        except ValueError as exc:
            return fail(f"--for: {exc}")
    found = _writable_alert(args.fingerprint, args.cluster)
    if isinstance(found, int):
        return found
    config, _, alert = found
    now = utc_now()
    try:
        done = _run(partial(alert_actions.ack, config=config, alert=alert, now=now,
                            duration=duration, note=args.comment, renew=args.force,
                            notebook=notebook_opener(config)))  # fmt: skip
    except (alert_actions.ActionRefused, SourceError) as exc:
        return fail(f"Not acked: {exc}")
    silence, silence_id = done.silence, done.silence_id
    data = {"fingerprint": alert.fingerprint, "silenceID": silence_id,
            "createdBy": silence.created_by, "endsAt": silence.ends_at.isoformat(),
            "comment": silence.comment, "created": done.created,
            "replaced": [s.id for s in done.replaced]}  # fmt: skip
    if not done.created:
        # Already acked: the state asked for holds, so this is not a failure (exit 0).
        text = done.already(ZoneInfo(config.oncall.timezone))
        _say(args, f"{alert.name} ({alert.fingerprint}) is {text}: nothing created; "
             "--force renews it", data)  # fmt: skip
        return EXIT_OK
    for problem in done.problems:
        print(problem, file=sys.stderr)
    _unnoted(done.unnoted)
    renewed = f", replacing {', '.join(s.id for s in done.replaced)}" if done.replaced else ""
    _say(
        args,
        f"acked {alert.name} ({alert.fingerprint}) as {silence.created_by} until "
        f"{_local(config, silence.ends_at)}: silence {silence_id}{renewed}",
        data,
    )
    return EXIT_OK


def unack_command(args: argparse.Namespace) -> int:
    from cockpit.model.silences import live_acks
    from cockpit.services import alert_actions
    from cockpit.sources.errors import SourceError

    found = _writable_alert(args.fingerprint, args.cluster)
    if isinstance(found, int):
        return found
    config, snapshot, alert = found
    now = utc_now()
    # Every live ack silence that covers this alert, including ones made in karma.
    acks = live_acks(alert, snapshot.silences, now)
    if not acks:
        return fail(f"{alert.name} ({alert.fingerprint}) is not acked", EXIT_FAILED)
    unack = partial(alert_actions.unack, config=config, alert=alert, acks=acks, now=now,
                    notebook=notebook_opener(config))  # fmt: skip
    try:
        done = _run(unack)
    except (alert_actions.ActionRefused, SourceError) as exc:
        return fail(f"Not un-acked: {exc}")
    _unnoted(done.unnoted)
    if done.failed is not None:
        return fail(f"Not un-acked: {done.failed}")
    expired = list(done.expired)
    _say(
        args,
        f"un-acked {alert.name} ({alert.fingerprint}): expired {', '.join(expired)}",
        {"fingerprint": alert.fingerprint, "expired": expired},
    )
    return EXIT_OK


def handlers() -> dict[str, Callable[[argparse.Namespace], int]]:
    return {
        "alerts": alerts_command,
        "ack": ack_command,
        "unack": unack_command,
    }
