"""`cockpit alerts`, `cockpit ack`, `cockpit unack` and `cockpit silence list|add|expire`.

Exit codes: 0 done, 1 nothing matched (no such alert or ack), 2 bad input, read-only
mode, an Alertmanager refusal, or Alertmanager unreachable (cannot tell); `alerts` 4 when
the list is partial (Prometheus did not answer: pending alerts unknown).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE

if TYPE_CHECKING:
    import httpx

    from cockpit.config import Config
    from cockpit.model.alerts import Alert
    from cockpit.model.matchers import Matcher
    from cockpit.model.silences import Silence
    from cockpit.model.snapshots import AlertSnapshot

T = TypeVar("T")


def add_parsers(sub: Any) -> None:
    alerts = sub.add_parser("alerts", help="list alerts (firing, pending, silenced, acked)")
    alerts.add_argument("--json", action="store_true")
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
    add.add_argument("--json", action="store_true")
    expire = silence_sub.add_parser("expire", help="expire silences now")
    expire.add_argument("ids", nargs="+", metavar="SILENCE_ID")
    expire.add_argument("--json", action="store_true")


def _config() -> Config | None:
    from cockpit.cli import _load_config

    return _load_config()


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


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(message, file=sys.stderr)
    return code


def _run(work: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    from cockpit.sources.clients import async_client

    async def go() -> T:
        async with async_client() as client:
            return await work(client)

    return asyncio.run(go())


def _now() -> datetime:
    return datetime.now(UTC)


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


def _alert_json(alert: Alert, silences: dict[str, Silence]) -> dict[str, Any]:
    from cockpit.model.silences import ack_of, display_state

    ack = ack_of(alert, silences)
    return {
        "fingerprint": alert.fingerprint,
        "name": alert.name,
        "severity": alert.severity,
        "state": display_state(alert, silences),
        "labels": dict(alert.labels),
        "annotations": dict(alert.annotations),
        "startsAt": alert.starts_at.isoformat() if alert.starts_at else None,
        "generatorURL": alert.generator_url,
        "silencedBy": list(alert.silenced_by),
        "inhibitedBy": list(alert.inhibited_by),
        "ack": None
        if ack is None
        else {
            "owner": ack.owner,
            "since": ack.since.isoformat(),
            "endsAt": ack.ends_at.isoformat(),
            "silenceID": ack.silence_id,
        },
    }


def alerts_command(args: argparse.Namespace) -> int:
    from cockpit.model.matchers import MatcherError, matches_all, parse_matchers
    from cockpit.model.silences import ack_of, display_state

    matchers: list[Matcher] = []
    for text in args.filter:
        try:
            matchers.extend(parse_matchers(text))
        except MatcherError as exc:
            return _fail(f"--filter: {exc}")
    config = _config()
    if config is None:
        return EXIT_USAGE
    if config.alertmanager is None and config.prometheus is None:
        return _fail("no [alertmanager] or [prometheus] in the config: nothing to ask")
    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None:
        return _fail(f"Cannot tell: Alertmanager: {snapshot.freshness.error}")
    if config.alertmanager is None and snapshot.pending_error:
        return _fail(f"Cannot tell: Prometheus: {snapshot.pending_error}")
    silences = snapshot.silence_index()
    alerts = [a for a in snapshot.alerts if matches_all(matchers, a.labels)]
    # A list without the pending alerts must not read as complete, to a person or a script.
    done = EXIT_PARTIAL if snapshot.pending_error else EXIT_OK
    if snapshot.pending_error:
        print(f"warning: pending alerts unknown: {snapshot.pending_error}", file=sys.stderr)
    if args.json:
        print(_dump([_alert_json(a, silences) for a in alerts]))
        return done
    if not alerts:
        print("No alerts" + (" match the filter." if matchers else " firing."))
        return done
    now = _now()
    from cockpit.ui.format import label_summary

    lines = [("SEVERITY", "ALERT", "STATE", "SINCE", "FINGERPRINT", "ACKED BY", "LABELS",
              "SUMMARY")]  # fmt: skip
    for alert in alerts:
        ack = ack_of(alert, silences)
        lines.append(
            (alert.severity, alert.name, display_state(alert, silences),
             _age(alert.starts_at, now), alert.fingerprint or "(pending)",
             f"{ack.owner} {_age(ack.since, now)}" if ack else "-",
             label_summary(alert.labels), alert.summary)
        )  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(6)]
    for line in lines:
        fixed = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        print(f"{fixed}  {line[6]}  {line[7]}")
    return done


def _find_alert(snapshot: AlertSnapshot, prefix: str) -> Alert | str:
    found = [a for a in snapshot.alerts if a.fingerprint and a.fingerprint.startswith(prefix)]
    if not prefix or not found:
        return f"no alert with fingerprint {prefix!r}; `cockpit alerts` lists them"
    if len({a.fingerprint for a in found}) > 1:
        return f"{prefix!r} matches {len(found)} alerts; give more of the fingerprint"
    return found[0]


def _record(config: Config, write: Callable[[Any], object]) -> str | None:
    """Write to the notebook; a failure is said but does not undo Alertmanager's change."""
    import sqlite3

    from cockpit import locations
    from cockpit.store import StoreError, open_store

    try:
        with open_store(locations.database_file()) as store:
            write(store)
    except (StoreError, sqlite3.Error, OSError) as exc:
        return f"done in Alertmanager, but not noted in the notebook: {exc}"
    return None


def ack_command(args: argparse.Namespace) -> int:
    from cockpit.model.durations import parse_duration
    from cockpit.services import alert_actions
    from cockpit.sources.errors import SourceError
    from cockpit.store.acks import record_ack

    duration = None
    if args.duration:
        try:
            duration = parse_duration(args.duration)
        except ValueError as exc:
            return _fail(f"--for: {exc}")
    config = _config()
    if config is None:
        return EXIT_USAGE
    if config.read_only:
        return _fail(f"Refused: {alert_actions.READ_ONLY_REASON}")
    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None:
        return _fail(f"Alertmanager: {snapshot.freshness.error}")
    alert = _find_alert(snapshot, args.fingerprint)
    if isinstance(alert, str):
        return _fail(alert, EXIT_FAILED)
    now = _now()
    try:
        silence, silence_id = _run(
            lambda c: alert_actions.ack(c, config, alert, now, duration, args.comment)
        )
    except (alert_actions.ActionRefused, SourceError) as exc:
        return _fail(f"Not acked: {exc}")
    problem = _record(config, lambda store: record_ack(store, alert, silence, silence_id, now))
    if problem:
        print(problem, file=sys.stderr)
    _say(
        args,
        f"acked {alert.name} ({alert.fingerprint}) as {silence.created_by} until "
        f"{_local(config, silence.ends_at)}: silence {silence_id}",
        {"fingerprint": alert.fingerprint, "silenceID": silence_id,
         "createdBy": silence.created_by, "endsAt": silence.ends_at.isoformat(),
         "comment": silence.comment},
    )  # fmt: skip
    return EXIT_OK


def unack_command(args: argparse.Namespace) -> int:
    from cockpit.model.silences import is_ack_comment
    from cockpit.services import alert_actions
    from cockpit.sources.errors import SourceError
    from cockpit.store.acks import record_unack

    config = _config()
    if config is None:
        return EXIT_USAGE
    if config.read_only:
        return _fail(f"Refused: {alert_actions.READ_ONLY_REASON}")
    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None:
        return _fail(f"Alertmanager: {snapshot.freshness.error}")
    alert = _find_alert(snapshot, args.fingerprint)
    if isinstance(alert, str):
        return _fail(alert, EXIT_FAILED)
    # Every live ack silence that covers this alert, including ones made in karma.
    acks = [
        s
        for s in snapshot.silences
        if s.state != "expired" and is_ack_comment(s.comment) and s.matches(alert.labels)
    ]
    if not acks:
        return _fail(f"{alert.name} ({alert.fingerprint}) is not acked", EXIT_FAILED)
    now = _now()
    expired = []
    for silence in acks:
        try:
            _run(partial(alert_actions.expire, config=config, silence_id=silence.id))
        except (alert_actions.ActionRefused, SourceError) as exc:
            return _fail(f"Not un-acked: {exc}")
        expired.append(silence.id)
        unacked = partial(
            record_unack, silence=silence, who=alert_actions.who(config), at=now, alert=alert
        )
        problem = _record(config, unacked)
        if problem:
            print(problem, file=sys.stderr)
    _say(
        args,
        f"un-acked {alert.name} ({alert.fingerprint}): expired {', '.join(expired)}",
        {"fingerprint": alert.fingerprint, "expired": expired},
    )
    return EXIT_OK


def _silence_json(silence: Silence, unmatched: bool) -> dict[str, Any]:
    return {
        "id": silence.id,
        "state": silence.state,
        "matchers": [str(m) for m in silence.matchers],
        "createdBy": silence.created_by,
        "comment": silence.comment,
        "startsAt": silence.starts_at.isoformat(),
        "endsAt": silence.ends_at.isoformat(),
        "ack": silence.is_ack,
        "matchesNoAlert": unmatched,
    }


SILENCE_ORDER = {"active": 0, "pending": 1, "expired": 2}


def silence_command(args: argparse.Namespace) -> int:
    config = _config()
    if config is None:
        return EXIT_USAGE
    if config.alertmanager is None:
        return _fail("no [alertmanager] in the config: add url = ... first")
    command = {"list": _silence_list, "add": _silence_add, "expire": _silence_expire}
    return command[args.silence_command](args, config)


def _silence_list(args: argparse.Namespace, config: Config) -> int:
    from cockpit.model.durations import format_duration
    from cockpit.model.silences import matches_no_alert

    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None or snapshot.silences_error:
        return _fail(f"Alertmanager: {snapshot.freshness.error or snapshot.silences_error}")
    silences = sorted(snapshot.silences, key=lambda s: (SILENCE_ORDER.get(s.state, 3), s.ends_at))
    rows = [(s, matches_no_alert(s, snapshot.alerts)) for s in silences]
    if args.json:
        print(_dump([_silence_json(s, u) for s, u in rows]))
        return EXIT_OK
    if not rows:
        print("No silences.")
        return EXIT_OK
    now = _now()
    for silence, unmatched in rows:
        if silence.state == "expired":
            when = f"ended {format_duration(now - silence.ends_at)} ago"
        else:
            when = f"ends in {format_duration(silence.ends_in(now))}"
        flag = "  (matches no alert)" if unmatched else ""
        kind = "ack" if silence.is_ack and silence.state != "expired" else silence.state
        print(
            f"{silence.id}  {kind:<8} {silence.created_by:<12} {when:<20} "
            f"{silence.matcher_text}  # {silence.comment}{flag}"
        )
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
            return _fail(f"matcher: {exc}")
    try:
        duration = parse_duration(args.duration)
    except ValueError as exc:
        return _fail(f"--for: {exc}")
    now = _now()
    try:
        silence_id = _run(
            lambda c: alert_actions.create_silence(c, config, matchers, duration, args.comment, now)
        )
    except (alert_actions.ActionRefused, SourceError) as exc:
        return _fail(f"No silence: {exc}")
    ends = now + duration
    _say(
        args,
        f"silence {silence_id} until {_local(config, ends)}: {', '.join(map(str, matchers))}",
        {"silenceID": silence_id, "endsAt": ends.isoformat()},
    )
    return EXIT_OK


def _silence_expire(args: argparse.Namespace, config: Config) -> int:
    from cockpit.services import alert_actions
    from cockpit.sources.errors import SourceError
    from cockpit.store.acks import record_unack

    expired: list[str] = []
    for silence_id in args.ids:
        try:
            _run(partial(alert_actions.expire, config=config, silence_id=silence_id))
        except (alert_actions.ActionRefused, SourceError) as exc:
            print(f"{silence_id}: not expired: {exc}", file=sys.stderr)
            continue
        expired.append(silence_id)
    # Acks among them end in the notebook too.
    snapshot = _snapshot(config)
    now = _now()
    for silence in snapshot.silences:
        if silence.id in expired and silence.is_ack:
            who = alert_actions.who(config)
            _record(config, partial(record_unack, silence=silence, who=who, at=now))
    _say(args, "\n".join(f"expired {sid}" for sid in expired), {"expired": expired})
    return EXIT_OK if len(expired) == len(args.ids) else EXIT_USAGE


def handlers() -> dict[str, Callable[[argparse.Namespace], int]]:
    return {
        "alerts": alerts_command,
        "ack": ack_command,
        "unack": unack_command,
        "silence": silence_command,
    }
