"""`cockpit handoff show|report|list|sign-off|swap` and `cockpit review`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cockpit import locations
from cockpit.cli.common import load_config, notebook_opener, utc_now
from cockpit.exit_codes import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from cockpit.config import Config
    from cockpit.store import Notebook

Clock = Callable[[], datetime]


def add_parsers(sub: Any) -> None:
    handoff = sub.add_parser("handoff", help="the shift handoff: digest, sign-off, past ones")
    handoff_sub = handoff.add_subparsers(dest="handoff_command", required=True)
    for name, text in (
        ("show", "the digest of the current shift so far (Markdown)"),
        ("report", "a signed handoff as it was signed (default: the latest)"),
    ):
        cmd = handoff_sub.add_parser(name, help=text)
        cmd.add_argument("--json", action="store_true")
        cmd.add_argument("--out", type=Path, metavar="FILE", help="write to FILE, not stdout")
        if name == "report":
            cmd.add_argument("--id", type=int, help="which handoff (`cockpit handoff list`)")
    listing = handoff_sub.add_parser("list", help="past (signed) handoffs, newest first")
    listing.add_argument("--json", action="store_true")
    sign = handoff_sub.add_parser(
        "sign-off", help="the incoming engineer signs the open scheduled handoff"
    )
    sign.add_argument("--as", dest="name", required=True, metavar="NAME", help="your name")
    swap = handoff_sub.add_parser(
        "swap",
        help="NAME takes the shift over now (early, or in place of the rostered engineer); "
        "recorded as a handoff of kind swap",
    )
    swap.add_argument("--as", dest="name", required=True, metavar="NAME",
                      help="who takes over (your name)")  # fmt: skip

    review = sub.add_parser("review", help="the weekly review (the Friday meeting)")
    review.add_argument("--week", metavar="YYYY-Www", help="ISO week, default this week")
    review.add_argument("--json", action="store_true")
    review.add_argument("--out", type=Path, metavar="FILE", help="write to FILE, not stdout")


def _open(config: Config) -> Notebook | None:
    from cockpit.secrets import SecretError
    from cockpit.store import NotebookError

    try:
        return notebook_opener(config)()
    except (NotebookError, SecretError, OSError) as exc:
        print(f"cannot open the notebook: {exc}", file=sys.stderr)
        return None


def _emit(text: str, out: Path | None) -> int:
    if out is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return EXIT_OK
    try:
        locations.write_private_text(out, text)
    except OSError as exc:
        print(f"cannot write {out}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def handoff(args: argparse.Namespace, clock: Clock = utc_now) -> int:
    config = load_config()
    if config is None:
        return EXIT_USAGE
    store = _open(config)
    if store is None:
        return EXIT_USAGE
    try:
        return _handoff(args, config, store, clock())
    finally:
        store.close()


def _current_markdown(config: Config, store: Notebook, now: datetime) -> tuple[Any, str]:
    from cockpit.reports.handoff import render_markdown
    from cockpit.services.handoff_digest import build_digest
    from cockpit.services.handoff_live import fetch_live_blocking
    from cockpit.services.shift import ensure_draft

    draft = ensure_draft(store, config, now)
    digest = build_digest(store, config, draft, fetch_live_blocking(config), now)
    return digest, render_markdown(digest)


def _handoff(args: argparse.Namespace, config: Config, store: Notebook, now: datetime) -> int:
    from cockpit.reports.markdown import to_jsonable
    from cockpit.store.handoffs import HandoffRefused, get_handoff, last_signed, past_handoffs

    command = args.handoff_command
    try:
        if command == "show":
            digest, text = _current_markdown(config, store, now)
            if args.json:
                text = json.dumps(to_jsonable(digest), indent=2) + "\n"
            return _emit(text, args.out)
        if command == "report":
            handoff = last_signed(store) if args.id is None else get_handoff(store, args.id)
            if handoff is None or not handoff.signed:
                which = "no handoff has been signed yet" if args.id is None else (
                    f"handoff {args.id} does not exist or is not signed yet")  # fmt: skip
                print(f"{which}; `cockpit handoff list` shows the signed ones", file=sys.stderr)
                return EXIT_USAGE
            if args.json:
                return _emit(json.dumps(to_jsonable(handoff), indent=2) + "\n", args.out)
            return _emit(handoff.digest, args.out)
        if command == "list":
            past = past_handoffs(store)
            if args.json:
                print(json.dumps(to_jsonable([_summary(h) for h in past]), indent=2))
            elif not past:
                print("no signed handoffs yet")
            for h in [] if args.json else past:
                note = "  swap" if h.kind == "swap" else ("  late" if h.late else "")
                print(f"{h.id:>4}  {h.signed_at:%Y-%m-%d %H:%M}Z  {h.outgoing} → {h.signed_by}"
                      f"{note}")  # fmt: skip
            return EXIT_OK
        # sign-off or swap
        from cockpit.services.handoff_live import fetch_live_blocking
        from cockpit.services.handoff_sign import sign_current

        signed = sign_current(store, config, by=args.name, live=fetch_live_blocking(config),
                              now=now, swap=command == "swap")  # fmt: skip
    except HandoffRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_USAGE
    unticked = [i.text for i in signed.checklist if not i.checked]
    if signed.kind == "swap":
        print(f"swap {signed.id} recorded: {signed.signed_by} takes over from {signed.outgoing}.")
    else:
        late = " (late)" if signed.late else ""
        print(f"handoff {signed.id} signed by {signed.signed_by}{late}: "
              f"{signed.outgoing} hands over.")  # fmt: skip
    if unticked:
        print(f"note: {len(unticked)} checklist item(s) were not ticked:", file=sys.stderr)
        for item in unticked:
            print(f"  - {item}", file=sys.stderr)
    return EXIT_OK


def _summary(h: Any) -> dict[str, object]:
    return {
        "id": h.id,
        "outgoing": h.outgoing,
        "incoming": h.incoming,
        "signed_by": h.signed_by,
        "signed_at": h.signed_at,
        "shift_start": h.shift_start,
        "shift_end": h.shift_end,
        "scheduled_at": h.scheduled_at,
        "kind": h.kind,
        "late": h.late,
    }


def review(args: argparse.Namespace, clock: Clock = utc_now) -> int:
    from cockpit.reports.markdown import to_jsonable
    from cockpit.reports.review import render_markdown
    from cockpit.services.weekly_review import build_review, parse_week

    week = None
    if args.week:
        try:
            week = parse_week(args.week)
        except ValueError as exc:
            print(f"--week: {exc}", file=sys.stderr)
            return EXIT_USAGE
    config = load_config()
    if config is None:
        return EXIT_USAGE
    store = _open(config)
    if store is None:
        return EXIT_USAGE
    try:
        result = build_review(store, config, clock(), week)
    finally:
        store.close()
    if args.json:
        return _emit(json.dumps(to_jsonable(result), indent=2) + "\n", args.out)
    return _emit(render_markdown(result), args.out)
