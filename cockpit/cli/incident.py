"""`cockpit incident ...`: the incident manager on the command line (docs/incidents.md).

Exit codes: 0 done; 2 bad input (unknown id, with the closest ids; refused move, with
the allowed ones; empty title or unknown severity, with the allowed values). Every write
is one transaction, so a refused command leaves the notebook as it was.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import cockpit.cli.incident_views as views
from cockpit.cli.common import fail, load_config, notebook_opener, print_json, utc_now
from cockpit.cli.incident_views import TEMPLATE_NAMES, Context, record_json
from cockpit.exit_codes import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from cockpit.model.incident_record import IncidentRecord


def add_parsers(sub: Any) -> None:
    incident = sub.add_parser("incident", help="create, move, annotate and report incidents")
    inc = incident.add_subparsers(dest="incident_command", required=True)

    create = inc.add_parser("create", help="open a new incident (status detected)")
    create.add_argument("--title", required=True)
    create.add_argument("--severity", required=True, help="Sev1, Sev2, Sev3 or Sev4")
    create.add_argument(
        "--component", action="append", default=[], help="affected component (repeat)"
    )
    create.add_argument("--description", default="")
    create.add_argument("--json", action="store_true")

    ack = inc.add_parser("ack", help="acknowledge: someone is on it")
    ack.add_argument("id")
    ack.add_argument("--responder", help="who (default: [oncall] me)")

    status = inc.add_parser("status", help="move to a status, optionally with a note")
    status.add_argument("id")
    status.add_argument("status", help="acknowledged, investigating, mitigated, resolved, closed")
    status.add_argument("--note", default="")

    severity = inc.add_parser("severity", help="change the severity (recorded as an event)")
    severity.add_argument("id")
    severity.add_argument("severity")

    note = inc.add_parser("note", help="add a note to the timeline")
    note.add_argument("id")
    note.add_argument("text")

    update = inc.add_parser("update", help="a structured status update (resets the countdown)")
    update.add_argument("id")
    update.add_argument("--conditions", required=True, help="where things stand")
    update.add_argument("--actions", required=True, help="what is being done")
    update.add_argument("--needs", default="", help="what is needed from others")

    root = inc.add_parser("root-cause", help="set the confirmed root cause")
    root.add_argument("id")
    root.add_argument("text")
    root.add_argument("--suspected", action="store_true", help="a suspected cause, not confirmed")

    resolve = inc.add_parser("resolve", help="set the resolution and move to resolved")
    resolve.add_argument("id")
    resolve.add_argument("text")

    close = inc.add_parser("close", help="close a resolved incident")
    close.add_argument("id")

    postmortem = inc.add_parser("postmortem", help="record the postmortem (link or file)")
    postmortem.add_argument("id")
    where = postmortem.add_mutually_exclusive_group(required=True)
    where.add_argument("--link", help="URL of the postmortem")
    where.add_argument("--file", type=Path, help="a Markdown file to keep as the postmortem")

    action = inc.add_parser("action", help="add an action item")
    action.add_argument("id")
    action.add_argument("what")
    action.add_argument("--owner")
    action.add_argument("--due", help="YYYY-MM-DD")
    action.add_argument("--verify", default="", help="how it is verified")

    done = inc.add_parser("action-done", help="mark an action item done (or --undo)")
    done.add_argument("item", type=int, help="the action item number (see `show`)")
    done.add_argument("--undo", action="store_true", help="mark it open again")

    listing = inc.add_parser("list", help="open incidents first, then recent finished ones")
    listing.add_argument("--open", action="store_true", help="only open incidents")
    listing.add_argument("--json", action="store_true")

    show = inc.add_parser("show", help="one incident in full, with its timeline")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")

    report = inc.add_parser("report", help="Markdown report with the timeline")
    report.add_argument("id")
    report.add_argument("--template", default="postmortem", help=", ".join(TEMPLATE_NAMES))
    report.add_argument("--output", type=Path, help="write to this file instead of stdout")

    stats = inc.add_parser("stats", help="MTTA and MTTR by severity")
    stats.add_argument("--since", default="", help="e.g. 7d, 24h (default: all time)")
    stats.add_argument("--json", action="store_true")


def incident(args: argparse.Namespace) -> int:
    from cockpit.model.incident_lifecycle import TransitionError
    from cockpit.secrets import SecretError
    from cockpit.store import NotebookError
    from cockpit.store.incidents import UnknownIncidentError

    config = load_config()
    if config is None:
        return EXIT_USAGE
    try:
        store = notebook_opener(config)()
    except (NotebookError, SecretError) as exc:
        return fail(f"cannot open the notebook: {exc}")
    context = Context(
        store, config, utc_now(), ZoneInfo(config.oncall.timezone),
        config.oncall.who_am_i(),
    )  # fmt: skip
    handler = _HANDLERS[args.incident_command]
    try:
        return handler(context, args)
    except UnknownIncidentError as exc:
        hint = f"; close matches: {', '.join(exc.suggestions)}" if exc.suggestions else ""
        return fail(f"no incident {exc.incident_id!r}{hint} (see `cockpit incident list`)")
    except TransitionError as exc:
        return fail(str(exc))
    except ValueError as exc:
        return fail(str(exc))
    finally:
        store.close()


def _create(c: Context, args: argparse.Namespace) -> int:
    from cockpit.model.incident_draft import IncidentDraft
    from cockpit.model.incident_lifecycle import check_severity
    from cockpit.services.incidents import create_from_draft

    if not args.title.strip():
        return fail("the title is empty; give one with --title 'what is broken'")
    severity = check_severity(args.severity)
    draft = IncidentDraft(
        title=args.title, severity=severity, description=args.description,
        components=tuple(args.component),
    )  # fmt: skip
    record = create_from_draft(c.notebook, draft, now=c.now, author=c.me)
    if args.json:
        print_json(record_json(record), ensure_ascii=False)
    else:
        print(f"Incident created: {record.id} [{record.severity}]")
        print(f"  Title: {record.title}")
        print(f"  Affected: {', '.join(record.components) or '—'}")
    return EXIT_OK


def _moved(record: IncidentRecord) -> int:
    print(f"{record.id}: {record.status}")
    return EXIT_OK


def _ack(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incidents import acknowledge

    responder = args.responder or c.me
    return _moved(acknowledge(c.notebook, args.id, at=c.now, responder=responder))


def _status(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incidents import move

    return _moved(move(c.notebook, args.id, args.status, at=c.now, author=c.me, note=args.note))


def _severity(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incidents import change_severity

    record = change_severity(c.notebook, args.id, args.severity, at=c.now, author=c.me)
    print(f"{record.id}: {record.severity}")
    return EXIT_OK


def _note(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incident_notes import add_note

    add_note(c.notebook, args.id, args.text, at=c.now, author=c.me)
    print(f"{args.id}: note added")
    return EXIT_OK


def _update(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incident_notes import StatusUpdate, add_update

    update = StatusUpdate(args.conditions, args.actions, args.needs)
    add_update(c.notebook, args.id, update, at=c.now, author=c.me)
    print(f"{args.id}: status update added")
    return EXIT_OK


def _root_cause(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incident_notes import set_cause

    if not args.text.strip():
        return fail("the cause is empty; say what caused it")
    field = "suspected_cause" if args.suspected else "root_cause"
    set_cause(c.notebook, args.id, args.text, suspected=args.suspected)
    print(f"{args.id}: {field.replace('_', ' ')} set")
    return EXIT_OK


def _resolve(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incidents import resolve

    return _moved(resolve(c.notebook, args.id, args.text, at=c.now, author=c.me))


def _close(c: Context, args: argparse.Namespace) -> int:
    from cockpit.model.incident_lifecycle import postmortem_due
    from cockpit.services.incidents import move

    record = move(c.notebook, args.id, "closed", at=c.now, author=c.me)
    _moved(record)
    if postmortem_due(record):
        print(
            f"{record.severity} needs a postmortem: `cockpit incident postmortem {record.id}"
            " --link URL` (or --file F)"
        )
    return EXIT_OK


def _postmortem(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incident_notes import record_postmortem

    document = None
    if args.file is not None:
        try:
            document = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return fail(f"cannot read {args.file}: {exc}")
    record_postmortem(c.notebook, args.id, at=c.now, url=args.link, document=document, author=c.me)
    print(f"{args.id}: postmortem done")
    return EXIT_OK


def _action(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incident_notes import add_action_item

    due = None
    if args.due:
        try:
            due = date.fromisoformat(args.due)
        except ValueError:
            return fail(f"--due {args.due!r} is not a date; write it like 2025-10-20")
    item = add_action_item(
        c.notebook, args.id, args.what, owner=args.owner, due=due, verification=args.verify
    )
    print(f"{args.id}: action item {item.id} added")
    return EXIT_OK


def _action_done(c: Context, args: argparse.Namespace) -> int:
    from cockpit.services.incident_notes import set_action_done

    try:
        set_action_done(c.notebook, args.item, not args.undo)
    except LookupError as exc:
        return fail(f"{exc}; `cockpit incident show ID` lists the items with their numbers")
    print(f"action item {args.item}: {'open' if args.undo else 'done'}")
    return EXIT_OK


_HANDLERS: dict[str, Callable[[Context, argparse.Namespace], int]] = {
    "create": _create, "ack": _ack, "status": _status, "severity": _severity, "note": _note,
    "update": _update, "root-cause": _root_cause, "resolve": _resolve, "close": _close,
    "postmortem": _postmortem, "action": _action, "action-done": _action_done,
    "list": views.list_incidents, "show": views.show, "report": views.report,
    "stats": views.stats,
}  # fmt: skip
