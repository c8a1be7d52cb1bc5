"""`cockpit runbook ...`: lint, list, show, run (interactive, in a plain terminal) and history.

Exit codes: lint 0 clean, 1 problems, 2 a file not found; run 0 finished without a
failed step (or paused), 1 a step failed or the run was aborted, 2 bad input, or the run
is open in another cockpit (``--take-over`` takes it) or was taken over while running here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cockpit.cli.runbook_history as runbook_history
from cockpit import locations
from cockpit.cli.common import load_config, notebook_opener, print_json
from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from cockpit.model.text import visible, visible_lines

if TYPE_CHECKING:
    from cockpit.config import Config
    from cockpit.model.runbooks import Runbook, Step
    from cockpit.services.runbook_catalog import RunbookEntry
    from cockpit.services.runbook_run import RunbookSession

Ask = Callable[[str], str]
Say = Callable[[str], None]


def add_parsers(sub: Any) -> None:
    runbook = sub.add_parser("runbook", help="lint, list, show, run runbooks; run history")
    rb_sub = runbook.add_subparsers(dest="runbook_command", required=True)
    lint = rb_sub.add_parser("lint", help="check runbook files (default: every known runbook)")
    lint.add_argument("files", nargs="*", type=Path, metavar="FILE")
    listing = rb_sub.add_parser("list", help="every runbook: bundled, yours, the config's")
    listing.add_argument("--json", action="store_true")
    show = rb_sub.add_parser("show", help="print a runbook's steps as they would run")
    show.add_argument("name")
    show.add_argument("--label", action="append", default=[], metavar="KEY=VALUE")
    run = rb_sub.add_parser("run", help="work through a runbook step by step")
    run.add_argument("name", nargs="?", help="the runbook (not needed with --resume)")
    run.add_argument("--dry-run", action="store_true", help="show every step, run nothing")
    run.add_argument("--incident", metavar="ID", help="link the run to this incident")
    run.add_argument(
        "--label", action="append", default=[], metavar="KEY=VALUE", help="alert label"
    )
    run.add_argument("--resume", type=int, metavar="RUN", help="carry on with a paused run")
    run.add_argument(
        "--take-over",
        action="store_true",
        help="with --resume: take the run from the cockpit that has it open",
    )
    run.add_argument("--read-only", action="store_true", help="refuse command steps")
    history = rb_sub.add_parser("history", help="past runs, newest first")
    history.add_argument("name", nargs="?")
    history.add_argument("--run", type=int, metavar="RUN", help="one run with every step")
    history.add_argument("--json", action="store_true")


def runbook(args: argparse.Namespace) -> int:
    handler = {
        "lint": _lint,
        "list": _list,
        "show": _show,
        "run": _run,
        "history": runbook_history.history,
    }[args.runbook_command]
    return handler(args)


def _catalog(config: Config) -> list[RunbookEntry]:
    from cockpit.services.runbook_catalog import load_catalog

    return load_catalog([locations.user_runbooks_dir(), *config.runbook_dirs])


def _labels(items: Sequence[str]) -> dict[str, str] | None:
    labels: dict[str, str] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            print(f"--label {item!r}: write it as key=value", file=sys.stderr)
            return None
        labels[key.strip()] = value
    return labels


def _find(config: Config, name: str) -> RunbookEntry | None:
    catalog = _catalog(config)
    entry = next((e for e in catalog if e.name == name), None)
    if entry is None:
        known = ", ".join(e.name for e in catalog) or "none"
        print(f"no runbook named {name!r}; known: {known}", file=sys.stderr)
    elif entry.runbook is None:
        print(f"runbook {name!r} ({entry.path}) cannot be used:", file=sys.stderr)
        for problem in entry.problems:
            print(f"  {problem}", file=sys.stderr)
        return None
    return entry


# -- lint, list, show ------------------------------------------------------------
def _lint(args: argparse.Namespace) -> int:
    from cockpit.model.runbook_parser import lint_runbook
    from cockpit.model.runbooks import LintProblem

    problems: list[LintProblem] = []
    checked = 0
    if args.files:
        for path in args.files:
            if not path.is_file():
                print(f"{path}: no such file", file=sys.stderr)
                return EXIT_USAGE
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(LintProblem(str(path), 1, f"cannot read the file: {exc}"))
                continue
            problems += lint_runbook(text, str(path))
            checked += 1
    else:
        config = load_config()
        if config is None:
            return EXIT_USAGE
        for entry in _catalog(config):
            problems += entry.problems
            checked += 1
    for problem in problems:
        print(problem)
    verdict = f"{len(problems)} problem(s)" if problems else "ok"
    print(f"{checked} runbook(s) checked: {verdict}", file=sys.stderr if problems else sys.stdout)
    return EXIT_FAILED if problems else EXIT_OK


def _list(args: argparse.Namespace) -> int:
    config = load_config()
    if config is None:
        return EXIT_USAGE
    catalog = _catalog(config)
    if args.json:
        print_json(
            [
                {
                    "name": e.name,
                    "title": e.title,
                    "origin": e.origin,
                    "path": str(e.path),
                    "steps": None if e.runbook is None else len(e.runbook.steps),
                    "alerts": [] if e.runbook is None else list(e.runbook.alerts),
                    "severity": None if e.runbook is None else e.runbook.severity,
                    "problems": [str(p) for p in e.problems],
                }
                for e in catalog
            ]
        )
        return EXIT_OK
    if not catalog:
        print("no runbooks found")
        return EXIT_OK
    width = max(len(e.name) for e in catalog)
    for e in catalog:
        if e.runbook is None:
            why = e.problems[0].message if e.problems else "unreadable"
            print(f"{e.name:<{width}}  BROKEN  {why}  ({e.path})")
            continue
        alerts = ", ".join(e.runbook.alerts) or "—"
        steps = f"{len(e.runbook.steps)} steps"
        print(f"{e.name:<{width}}  {steps:>8}  {e.title}  [{alerts}]  {e.origin}")
    return EXIT_OK


def describe_step(step: Step, labels: Mapping[str, str]) -> list[str]:
    """The lines that show what a step does, after substitution where labels allow."""
    lines: list[str] = []
    if step.kind == "command":
        try:
            lines.append(f"    $ {visible_lines(step.command_for(labels) or '')}")
        except ValueError as exc:
            lines.append(f"    $ {visible_lines(step.command or '')}")
            lines.append(f"    (cannot run yet: {visible(str(exc))})")
    elif step.kind == "check":
        try:
            query = step.query_for(labels)
        except ValueError:
            query = step.query
        lines.append(f"    promql: {visible_lines(query or '')}")
        lines.append(f"    expect: {step.expectation or '(none: lint the runbook)'}")
    elif step.kind == "probe":
        lines.append(f"    probe: {step.probe}")
    if step.note:
        lines += [f"    {visible(line)}" for line in step.note.splitlines()]
    return lines


def render_runbook(rb: Runbook, labels: dict[str, str]) -> str:
    out = [rb.title, "=" * len(rb.title)]
    facts = [f"name: {rb.name}", f"file: {rb.source}"]
    if rb.alerts:
        facts.append(f"alerts: {', '.join(rb.alerts)}")
    if rb.severity:
        facts.append(f"severity: {rb.severity}")
    if rb.labels_needed:
        facts.append(f"labels used: {', '.join(rb.labels_needed)}")
    out += facts
    if rb.description:
        out += ["", rb.description]
    phase: str | None = None
    for step in rb.steps:
        if step.phase != phase and step.phase:
            out += ["", f"## {step.phase}"]
        phase = step.phase
        out.append(f"{step.index + 1:>3}. [{step.kind}] {step.title}")
        out += describe_step(step, labels)
    return "\n".join(out)


def _show(args: argparse.Namespace) -> int:
    config = load_config()
    labels = _labels(args.label)
    if config is None or labels is None:
        return EXIT_USAGE
    entry = _find(config, args.name)
    if entry is None or entry.runbook is None:
        return EXIT_USAGE
    print(render_runbook(entry.runbook, labels))
    return EXIT_OK


# -- run -------------------------------------------------------------------------
def _run(args: argparse.Namespace) -> int:
    import dataclasses

    from cockpit.cli.runbook_lease import held_message, interact_holding
    from cockpit.model.runbook_run import RunError
    from cockpit.secrets import SecretError
    from cockpit.services.runbook_run import RunbookSession
    from cockpit.store import NotebookError
    from cockpit.store.incidents import get_incident
    from cockpit.store.run_leases import RunHeldError

    config = load_config()
    labels = _labels(args.label)
    if config is None or labels is None:
        return EXIT_USAGE
    if args.read_only:
        config = dataclasses.replace(config, read_only=True)
    if args.resume is None and not args.name:
        print("name a runbook (`cockpit runbook list`) or --resume RUN", file=sys.stderr)
        return EXIT_USAGE
    if args.take_over and args.resume is None:
        print("--take-over goes with --resume RUN (a new run is yours anyway)", file=sys.stderr)
        return EXIT_USAGE
    try:
        store = notebook_opener(config)()
    except (NotebookError, SecretError, OSError) as exc:
        print(f"the notebook cannot be opened: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with store:
        if args.resume is not None:
            runbooks = {e.name: e.runbook for e in _catalog(config) if e.runbook is not None}
            try:
                session = RunbookSession.resume(
                    args.resume, runbooks, config, store, take_over=args.take_over
                )
            except RunError as exc:
                print(exc, file=sys.stderr)
                return EXIT_USAGE
            except RunHeldError as exc:
                print(held_message(exc.lease, config), file=sys.stderr)
                return EXIT_USAGE
        else:
            entry = _find(config, args.name)
            if entry is None or entry.runbook is None:
                return EXIT_USAGE
            if args.incident and get_incident(store, args.incident) is None:
                print(f"no incident {args.incident!r} in the notebook", file=sys.stderr)
                return EXIT_USAGE
            session = RunbookSession.start(
                entry.runbook,
                config,
                store,
                dry_run=args.dry_run,
                incident_id=args.incident,
                labels=labels,
            )
        return interact_holding(session, config, lambda: interact(session, _ask, print))


def _ask(prompt: str) -> str:
    return input(prompt)


HELP = (
    "r = run it (commands ask you to confirm), d = done, s = skip (reason), f = failed (note), "
    "b = back one step, n = next step, q = pause and quit, a = abort the run"
)


def interact(session: RunbookSession, ask: Ask, say: Say) -> int:
    """The plain-terminal loop; EOF on input pauses the run like ``q``."""
    from cockpit.cli.runbook_lease import lost as _lost
    from cockpit.model.runbook_run import RunError, progress_text
    from cockpit.store.run_leases import LeaseLostError

    state = session.state
    rb = session.runbook
    dry = "  (DRY RUN: nothing runs)" if state.dry_run else ""
    say(f"Run #{state.run_id} of {rb.title}{dry}")
    if state.incident_id:
        say(f"linked to incident {state.incident_id}")
    say(HELP)
    try:
        while session.state.status == "running":
            if session.lost is not None:
                return _lost(session, say)
            index = session.state.current
            step = session.step(index)
            record = session.state.steps[index]
            phase = f"{step.phase} · " if step.phase else ""
            say("")
            say(f"[{index + 1}/{len(rb.steps)}] {phase}{step.title}  ({step.kind})")
            if record.outcome != "pending":
                say(f"    already {record.outcome}: {record.note}".rstrip(": "))
            for line in describe_step(step, session.state.labels):
                say(line)
            answer = ask("> ").strip().lower()
            try:
                if not _answer(session, index, step, answer, ask, say):
                    say(HELP)
            except LeaseLostError:
                return _lost(session, say)
            except RunError as exc:
                if session.lost is not None:
                    return _lost(session, say)
                say(f"  not done: {visible(str(exc))}")
    except (EOFError, KeyboardInterrupt):
        say("")
        try:
            session.pause()
        except LeaseLostError:
            return _lost(session, say)
    state = session.state
    say(f"Run #{state.run_id}: {state.status} · {progress_text(state)}")
    if state.status == "paused":
        say(f"resume with: cockpit runbook run --resume {state.run_id}")
        return EXIT_OK
    failed = state.status == "aborted" or state.counts["failed"] > 0
    return EXIT_FAILED if failed else EXIT_OK


def _answer(
    session: RunbookSession, index: int, step: Step, answer: str, ask: Ask, say: Say
) -> bool:
    """Act on one answer; False when it was not understood."""
    if answer in ("d", "done"):
        session.mark(index, "done")
    elif answer in ("s", "skip"):
        reason = ask("  reason for skipping: ").strip()
        session.mark(index, "skipped", reason)
    elif answer in ("f", "fail", "failed"):
        note = ask("  what went wrong: ").strip()
        session.mark(index, "failed", note)
    elif answer in ("b", "back"):
        session.move_to(max(index - 1, 0))
    elif answer in ("n", "next"):
        session.move_to(min(index + 1, len(session.runbook.steps) - 1))
    elif answer in ("q", "quit", "p", "pause"):
        session.pause()
    elif answer in ("a", "abort"):
        if ask("  abort the whole run? [y/N] ").strip().lower() in ("y", "yes"):
            session.abort()
    elif answer in ("r", "run", "c", "check"):
        _perform(session, index, step, ask, say)
    else:
        return False
    return True


def _perform(session: RunbookSession, index: int, step: Step, ask: Ask, say: Say) -> None:
    from cockpit.model.runbook_run import RunError

    refusal = session.refusal(step)
    if refusal is not None:
        raise RunError(refusal)
    confirmed = False
    if step.kind == "command" and not session.state.dry_run:
        command = session.command_for(step)
        # Exactly what runs, with every control character shown (nothing hidden by SGR 8).
        say(f"  about to run: {visible_lines(command)}")
        confirmed = ask("  run it? [y/N] ").strip().lower() in ("y", "yes")
        if not confirmed:
            say("  not run")
            return
    result = session.perform(
        index, confirmed=confirmed, on_line=lambda line: say(f"  | {visible(line)}")
    )
    if result.exit_status is not None:
        say(f"  exit status {result.exit_status}")
    say(f"  {result.outcome}: {result.note}".rstrip(": "))
    session.record(index, result)


# -- history ---------------------------------------------------------------------
