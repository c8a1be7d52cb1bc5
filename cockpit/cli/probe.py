"""`cockpit probe`: run health probes once (by name from the config, or URLs); exit 1 if
any fails, 2 on a bad name."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from cockpit.cli.common import load_config, print_json
from cockpit.cli.plugins import start
from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from cockpit.model.text import visible

if TYPE_CHECKING:
    from cockpit.model.probes import ProbeResult


def probe(args: argparse.Namespace) -> int:
    from cockpit.services.probe_check import check_once, resolve_targets

    if args.targets[:1] == ["history"]:
        from cockpit.cli.probe_history import history

        return history(args)
    if args.since or args.until:
        print("--since and --until go with `cockpit probe history`", file=sys.stderr)
        return EXIT_USAGE
    config = load_config()
    if config is None:
        return EXIT_USAGE
    probes, problems = resolve_targets(config, args.targets)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not probes:
        return EXIT_USAGE
    plugins = start(config)  # probe kinds for plugin schemes
    try:
        results = check_once(probes, allow_degraded=args.allow_ready_degraded)
    finally:
        plugins.close()
    if args.json:
        print_json([probe_json(r) for r in results])
    else:
        width = max(len(r.name) for r in results)
        for r in results:
            mark = "ok  " if r.ok else "FAIL"
            latency = "—" if r.latency_ms is None else f"{r.latency_ms:.0f} ms"
            status = "" if r.status_code is None else str(r.status_code)
            why = (
                "degraded mode" if r.degraded else (f"{r.category}: {r.reason}" if not r.ok else "")
            )
            print(f"{mark}  {r.name:<{width}}  {latency:>8}  {status:>3}  {visible(why)}".rstrip())
            for child in r.children:
                print(f"      └ {visible(child.name)}: {visible(child.status)}")
    if problems:
        return EXIT_USAGE  # the others ran and were shown; the usage error still fails
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def probe_json(result: ProbeResult) -> dict[str, object]:
    return {
        "name": result.name,
        "ok": result.ok,
        "degraded": result.degraded,
        "latency_ms": result.latency_ms,
        "status": result.status_code,
        "category": result.category,
        "reason": result.reason,
        "children": [c.__dict__ for c in result.children],
        "checked_at": result.checked_at.isoformat(),
    }
