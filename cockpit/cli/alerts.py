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
    SILENCE_ORDER,
    alert_json,
    ask,
    find_alert,
    interactive,
    silence_json,
    silence_line,
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

    unack = sub.add_parser("unack", help="expire the ack silences of an alert")
    unack.add_argument("fingerprint", help="the alert's fingerprint (a unique prefix is enough)")
    unack.add_argument("--json", action="store_true")

    silence = sub.add_parser("silence", help="list, add or expire Alertmanager silences")
    silence_sub = silence.add_subparsers(dest="silence_command", required=True)
    listing = silence_sub.add_parser("list", help="active, pending and recently expired silences")
    listing.add_argument("--json", action="store_true")
    add = silence_sub.add_parser("add", help="create a silence")
    add.add_argument("matchers", nargs="+", help='e.g. alertname="HighCpu" service=~"api|web"')
    add.add_argument("--for", dest="duration", default="1h", help="how long (default 1h)")
    add.add_argument("--comment", required=True, help="why (required)")
    add.add_argument(
        "--yes",
        action="store_true",
        help="create it even if it catches more than one alert name or everything "
        "(without a terminal to ask on, such a silence is refused otherwise)",
    )
    add.add_argument("--json", action="store_true")
    expire = silence_sub.add_parser("expire", help="expire silences now")
    expire.add_argument(
        "ids", nargs="+", metavar="SILENCE_ID", help="an id, or a unique start of one (8 chars)"
    )
    expire.add_argument("--json", action="store_true")


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
    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None:
        return fail(f"Cannot tell: Alertmanager: {snapshot.freshness.error}")
    if config.alertmanager is None and snapshot.pending_error:
        return fail(f"Cannot tell: Prometheus: {snapshot.pending_error}")
    silences = snapshot.silence_index()
    alerts = [a for a in snapshot.alerts if matches_all(matchers, a.labels)]
    # A list without the pending alerts must not read as complete, to a person or a script.
    done = EXIT_PARTIAL if snapshot.pending_error else EXIT_OK
    if snapshot.pending_error:
        print(f"warning: pending alerts unknown: {snapshot.pending_error}", file=sys.stderr)
    if args.json:
        print(_dump([alert_json(a, silences) for a in alerts]))
        return done
    if not alerts:
        print("No alerts" + (" match the filter." if matchers else " firing."))
        return done
    now = utc_now()
    from cockpit.model.text import visible
    from cockpit.ui.format import label_summary

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
    widths = [max(len(line[i]) for line in lines) for i in range(7)]
    for line in lines:
        fixed = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        print(f"{fixed}  {line[7]}")
    return done


def _unnoted(problem: Exception | None) -> None:
    """A failed notebook write is said but does not undo Alertmanager's change."""
    if problem is not None:
        print(f"done in Alertmanager, but not noted in the notebook: {problem}", file=sys.stderr)


def _writable_alert(fingerprint: str) -> tuple[Config, AlertSnapshot, Alert] | int:
    """The config, the current snapshot and the alert ``fingerprint`` names, for a write
    (ack, unack); or the exit code after saying why not (bad config, read-only mode,
    Alertmanager unreachable, no such alert)."""
    from cockpit.services import alert_actions

    config = load_config()
    if config is None:
        return EXIT_USAGE
    if config.read_only:
        return fail(f"Refused: {alert_actions.READ_ONLY_REASON}")
    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None:
        return fail(f"Alertmanager: {snapshot.freshness.error}")
    alert = find_alert(snapshot, fingerprint)
    if isinstance(alert, str):
        return fail(alert, EXIT_FAILED)
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
    found = _writable_alert(args.fingerprint)
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

    found = _writable_alert(args.fingerprint)
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


def silence_command(args: argparse.Namespace) -> int:
    config = load_config()
    if config is None:
        return EXIT_USAGE
    if config.alertmanager is None:
        return fail("no [alertmanager] in the config: add url = ... first")
    command = {"list": _silence_list, "add": _silence_add, "expire": _silence_expire}
    return command[args.silence_command](args, config)


def _silence_list(args: argparse.Namespace, config: Config) -> int:
    from cockpit.model.silences import matches_no_alert

    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None or snapshot.silences_error:
        return fail(f"Alertmanager: {snapshot.freshness.error or snapshot.silences_error}")
    silences = sorted(snapshot.silences, key=lambda s: (SILENCE_ORDER.get(s.state, 3), s.ends_at))
    rows = [(s, matches_no_alert(s, snapshot.alerts)) for s in silences]
    if args.json:
        print(_dump([silence_json(s, u) for s, u in rows]))
        return EXIT_OK
    if not rows:
        print("No silences.")
        return EXIT_OK
    now = utc_now()
    for silence, unmatched in rows:
        print(silence_line(silence, unmatched, now))
    return EXIT_OK


def _silence_add(args: argparse.Namespace, config: Config) -> int:
    from cockpit.model.durations import parse_duration
    from cockpit.model.matchers import MatcherError, parse_matchers
    from cockpit.services import alert_actions
    from cockpit.sources.errors import SourceError

    matchers: list[Matcher] = []
    for text in args.matchers:
        try:
            matchers.extend(parse_matchers(text))
        except MatcherError as exc:
            return fail(f"matcher: {exc}")
    try:
        duration = parse_duration(args.duration)
    except ValueError as exc:
        return fail(f"--for: {exc}")
    now = utc_now()
    create = partial(alert_actions.create_silence, config=config, matchers=matchers,
                     duration=duration, comment=args.comment, now=now)  # fmt: skip
    try:
        try:
            silence_id, radius = _run(partial(create, confirmed=args.yes))
        except alert_actions.NeedsConfirmation as asked:
            if not interactive():
                return fail(
                    f"No silence: {asked.radius.reason()}: {asked.radius.describe()}. "
                    "Check the matchers, or add --yes to create it anyway.")  # fmt: skip
            question = (f"{asked.radius.reason()}: {asked.radius.describe()}.\n"
                        "Create this silence? [y/N] ")  # fmt: skip
            if not ask(question):
                return fail("No silence created.")
            silence_id, radius = _run(partial(create, confirmed=True))
    except (alert_actions.ActionRefused, SourceError) as exc:
        return fail(f"No silence: {exc}")
    ends = now + duration
    _say(
        args,
        f"silence {silence_id} until {_local(config, ends)}: {', '.join(map(str, matchers))}\n"
        f"{radius.describe()}",
        {"silenceID": silence_id, "endsAt": ends.isoformat(),
         "catches": {"count": len(radius.alerts), "names": list(radius.names),
                     "everything": radius.catches_everything}},
    )  # fmt: skip
    return EXIT_OK


def _silence_expire(args: argparse.Namespace, config: Config) -> int:
    from cockpit.services import alert_actions
    from cockpit.sources.errors import SourceError

    try:
        alert_actions.writable_endpoint(config)
        found = _run(partial(alert_actions.find_silences, config=config, given=args.ids))
    except (alert_actions.ActionRefused, SourceError) as exc:
        return fail(f"Not expired: {exc}")
    code = EXIT_OK
    expired: list[str] = []
    already: list[str] = []
    now = utc_now()
    for given, silence in zip(args.ids, found, strict=True):
        if isinstance(silence, alert_actions.UnknownSilence):
            print(f"{given}: not expired: {silence}", file=sys.stderr)
            code = max(code, EXIT_USAGE if silence.matches else EXIT_FAILED)
            continue
        if silence.state == "expired":
            already.append(silence.id)
            continue
        end = partial(alert_actions.expire_silence, config=config, silence=silence, now=now,
                      notebook=notebook_opener(config))  # fmt: skip
        try:
            _unnoted(_run(end))  # an ack ends in the notebook too
        except (alert_actions.ActionRefused, SourceError) as exc:
            print(f"{given}: not expired: {exc}", file=sys.stderr)
            code = EXIT_USAGE
            continue
        expired.append(silence.id)
    lines = [f"expired {sid}" for sid in expired]
    lines += [f"{sid} had already expired" for sid in already]
    _say(args, "\n".join(lines), {"expired": expired, "alreadyExpired": already})
    return code


def handlers() -> dict[str, Callable[[argparse.Namespace], int]]:
    return {
        "alerts": alerts_command,
        "ack": ack_command,
        "unack": unack_command,
        "silence": silence_command,
    }
