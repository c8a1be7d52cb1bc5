"""`cockpit slo report|check|rules`: every SLO with its budget, the deploy gate's verdict
(exit 0 within budget, 1 exhausted, 2 cannot tell) and Prometheus rules."""

from __future__ import annotations

import argparse
import sys

from cockpit.cli.common import at_option, fail, load_config, print_json
from cockpit.exit_codes import EXIT_OK, EXIT_USAGE


def slo(args: argparse.Namespace) -> int:
    config = load_config()
    if config is None:
        return EXIT_USAGE
    if args.slo_command == "rules":
        from cockpit.services.slo_rules import render_rules

        if not config.slos:
            print("no SLOs configured: add [[slo]] sections first", file=sys.stderr)
            return EXIT_USAGE
        print(render_rules(config), end="")
        return EXIT_OK
    from cockpit.model.moments import MomentError
    from cockpit.model.slo_report import verdict
    from cockpit.reports.slo import render_json, render_text
    from cockpit.services.slo_report import build_report

    try:
        at = at_option(config, getattr(args, "at", None))
    except MomentError as exc:
        return fail(f"--at: {exc}")
    try:
        report = build_report(config, coverage=args.slo_command == "report", at=at)
    except Exception as exc:  # a pipeline must read a crash as "cannot tell", never "blocked"
        print(f"Cannot tell: internal error ({type(exc).__name__})", file=sys.stderr)
        return EXIT_USAGE
    code, line = verdict(report)
    if args.slo_command == "check":
        print(line, file=sys.stdout if code == EXIT_OK else sys.stderr)
        return code
    if args.json:
        print_json(render_json(report))
    else:
        from zoneinfo import ZoneInfo

        print(render_text(report, ZoneInfo(config.oncall.timezone)))
    return code
