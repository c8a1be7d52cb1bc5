"""`cockpit runbook history`: the runs in the notebook, or one run step by step, with who
has it open now and who took it over."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.cli.common import load_config, notebook_of, print_json
from cockpit.exit_codes import EXIT_OK, EXIT_USAGE
from cockpit.model.text import visible, visible_lines

if TYPE_CHECKING:
    from cockpit.model.runbook_run import RunState


def history(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from cockpit.cli.runbook_lease import lease_json, takeover_json
    from cockpit.secrets import SecretError
    from cockpit.services.notebook_admin import open_target
    from cockpit.store import NotebookError
    from cockpit.store.run_leases import current_lease, takeovers
    from cockpit.store.runbook_runs import list_runs, load_run

    config = load_config()
    if config is None:
        return EXIT_USAGE
    path = notebook_of(config)
    if isinstance(path, Path) and not path.exists():
        print(f"no notebook yet at {path}: no runs", file=sys.stderr)
        if args.json:
            print_json([])
        return EXIT_OK
    try:
        store = open_target(path)
    except (NotebookError, SecretError, OSError) as exc:
        print(f"the notebook cannot be opened: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(config.oncall.timezone)
    with store:
        if args.run is not None:
            loaded = load_run(store, args.run)
            if loaded is None:
                print(f"no run #{args.run}", file=sys.stderr)
                return EXIT_USAGE
            state, source = loaded
            lease = current_lease(store, args.run)
            taken = takeovers(store, args.run)
            if args.json:
                print_json({"run": args.run, "source": source, **state_json(state),
                             "open_by": None if lease is None else lease_json(lease),
                             "takeovers": [takeover_json(t) for t in taken]})  # fmt: skip
                return EXIT_OK
            print(f"Run #{args.run} of {state.runbook} ({state.status})")
            if lease is not None:
                print(f"  now open: {lease.describe(zone, datetime.now(UTC))}")
            for takeover in taken:
                print(f"  {takeover.describe(zone)}")
            for step in state.steps:
                when = "" if step.at is None else f"{step.at.astimezone(zone):%Y-%m-%d %H:%M:%S}"
                who = step.who or ""
                print(f"{step.index + 1:>3}. {step.outcome:<8} {when} {who}  {step.title}")
                if step.note:
                    print(f"       {visible(step.note)}")
                if step.command is not None:
                    shown = visible_lines(step.command)
                    print(f"       $ {shown}  (exit status {step.exit_status})")
                for line in (step.output or "").splitlines():
                    print(f"       | {visible(line)}")
            return EXIT_OK
        summaries = list_runs(store, args.name, limit=200)
    if args.json:
        print_json([s.__dict__ for s in summaries])
        return EXIT_OK
    if not summaries:
        print("no runs yet" + (f" of {args.name}" if args.name else ""))
    for s in summaries:
        started = f"{s.started_at.astimezone(zone):%Y-%m-%d %H:%M}"
        dry = " dry run" if s.dry_run else ""
        incident = f" {s.incident_id}" if s.incident_id else ""
        counts = f"{s.done} done, {s.skipped} skipped, {s.failed} failed of {s.steps}"
        print(
            f"#{s.run_id:<4} {started}  {s.runbook}  {s.status}{dry}  {counts}  "
            f"{s.started_by or ''}{incident}"
        )
    return EXIT_OK


def state_json(state: RunState) -> dict[str, object]:
    return {
        "runbook": state.runbook,
        "status": state.status,
        "dry_run": state.dry_run,
        "incident_id": state.incident_id,
        "started_by": state.started_by,
        "started_at": state.started_at.isoformat(),
        "finished_at": None if state.finished_at is None else state.finished_at.isoformat(),
        "labels": dict(state.labels),
        "steps": [
            {**s.__dict__, "at": None if s.at is None else s.at.isoformat()} for s in state.steps
        ],
    }
