"""`cockpit silence list|add|expire`: Alertmanager's silences, in one cluster or all.

Exit codes as for `cockpit alerts` (``cli/alerts.py``): 0 done (also: already expired),
1 no such silence id, 2 bad input, read-only mode, a refusal, or Alertmanager unreachable.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from typing import TYPE_CHECKING, Any

from cockpit.cli.alert_format import SILENCE_ORDER, ask, interactive, silence_json, silence_line
from cockpit.cli.alerts import _dump, _local, _run, _say, _snapshot, _unnoted
from cockpit.cli.common import fail, load_config, notebook_opener, utc_now
from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from cockpit.config import Config
    from cockpit.model.matchers import Matcher


def add_parsers(sub: Any) -> None:
    silence = sub.add_parser("silence", help="list, add or expire Alertmanager silences")
    silence_sub = silence.add_subparsers(dest="silence_command", required=True)
    listing = silence_sub.add_parser("list", help="active, pending and recently expired silences")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--cluster", default="", metavar="NAME", help="only this cluster's")
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
    add.add_argument(
        "--cluster", default="", metavar="NAME",
        help="the Alertmanager cluster to create it in (needed when there are several)",
    )  # fmt: skip
    expire = silence_sub.add_parser("expire", help="expire silences now")
    expire.add_argument(
        "ids", nargs="+", metavar="SILENCE_ID", help="an id, or a unique start of one (8 chars)"
    )
    expire.add_argument("--json", action="store_true")
    expire.add_argument("--cluster", default="", metavar="NAME", help="look only in this cluster")


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
    from cockpit.services import alert_actions

    try:
        alert_actions.cluster_endpoint(config, args.cluster)
    except alert_actions.ActionRefused as exc:
        return fail(f"--cluster: {exc}")
    snapshot = _snapshot(config)
    if snapshot.freshness.error is not None or snapshot.silences_error:
        return fail(f"Alertmanager: {snapshot.freshness.error or snapshot.silences_error}")
    listed = [s for s in snapshot.silences if not args.cluster or s.cluster == args.cluster]
    silences = sorted(listed, key=lambda s: (SILENCE_ORDER.get(s.state, 3), s.ends_at))
    # A silence catches alerts of its own cluster only.
    rows = [
        (s, matches_no_alert(s, [a for a in snapshot.alerts if a.cluster == s.cluster]))
        for s in silences
    ]
    if args.json:
        print(_dump([silence_json(s, u) for s, u in rows]))
        return EXIT_OK
    if not rows:
        print("No silences.")
        return EXIT_OK
    now = utc_now()
    for silence, unmatched in rows:
        line = silence_line(silence, unmatched, now)
        print(f"{silence.cluster}  {line}" if len(config.alertmanagers) > 1 else line)
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
                     duration=duration, comment=args.comment, now=now,
                     cluster=args.cluster)  # fmt: skip
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
        alert_actions.writable_endpoint(config, args.cluster)
        found = _run(partial(alert_actions.find_silences, config=config, given=args.ids,
                             cluster=args.cluster))  # fmt: skip
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
