"""`cockpit probe history [NAME] [--since T] [--until T] [--json]`: what the probes did,
as the recording cockpit kept it: their down/up changes with their times, and their
sampled answers (state, latency), with what is missing said."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from cockpit.cli.common import load_config, notebook_opener, print_json, utc_now
from cockpit.exit_codes import EXIT_OK, EXIT_USAGE
from cockpit.model.moments import MomentError, parse_moment, utc_iso
from cockpit.model.text import visible

DEFAULT_SINCE = "-24h"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else utc_iso(moment)


def history(args: argparse.Namespace) -> int:
    from cockpit.secrets import SecretError
    from cockpit.services.probe_history import probe_history
    from cockpit.store import NotebookError

    config = load_config()
    if config is None:
        return EXIT_USAGE
    zone = ZoneInfo(config.oncall.timezone)
    now = utc_now()
    try:
        since = parse_moment(args.since or DEFAULT_SINCE, now, zone)
        until = parse_moment(args.until, now, zone) if args.until else now
    except MomentError as exc:
        print(f"probe history: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if since >= until:
        print("probe history: --since must come before --until", file=sys.stderr)
        return EXIT_USAGE
    wanted = args.targets[1:]
    configured = [p.name for p in config.probes]
    unknown = [name for name in wanted if name not in configured]
    if unknown:
        known = ", ".join(configured) or "none configured"
        print(f"probe history: no probe named {', '.join(map(repr, unknown))} "
              f"(probes: {known})", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    try:
        with notebook_opener(config)() as notebook:
            found = probe_history(
                notebook, since, until, config.record.probe_samples_every, wanted or configured
            )
    except (NotebookError, SecretError, OSError) as exc:
        print(f"probe history: cannot read the notebook: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print_json({
            "since": _iso(found.since),
            "until": _iso(found.until),
            "recorded_since": _iso(found.recorded_since),
            "probes": [
                {
                    "name": record.name,
                    "transitions": [
                        {"at": _iso(e.occurred_at),
                         "state": "down" if e.kind == "probe_down" else "up",
                         "body": e.body}
                        for e in record.transitions
                    ],
                    "samples": [
                        {"at": _iso(s.at), "state": s.state, "ok": s.ok,
                         "latency_ms": s.latency_ms, "reason": s.reason}
                        for s in record.samples
                    ],
                    "gaps": [{"from": _iso(g.start), "to": _iso(g.end)} for g in record.gaps],
                }
                for record in found.probes
            ],
        })  # fmt: skip
        return EXIT_OK
    when = "%a %Y-%m-%d %H:%M:%S"
    print(f"Probes from {since.astimezone(zone):{when}} to {until.astimezone(zone):{when} %Z}")
    if found.recorded_since is None:
        print("Nothing recorded yet: the cockpit holding the recording duty (or `cockpit "
              "record`) keeps probe answers from when it runs.")  # fmt: skip
        return EXIT_OK
    if found.recorded_since > since:
        print(f"Nothing recorded before {found.recorded_since.astimezone(zone):{when}}.")
    for record in found.probes:
        latencies = [s.latency_ms for s in record.samples if s.latency_ms is not None]
        summary = (
            f"{len(record.samples)} samples, latency median {median(latencies):.0f} ms, "
            f"max {max(latencies):.0f} ms"
            if latencies else f"{len(record.samples)} samples"
        )  # fmt: skip
        print(f"\n{visible(record.name)}: {summary}")
        for event in record.transitions:
            state = "DOWN" if event.kind == "probe_down" else "up  "
            print(f"  {event.occurred_at.astimezone(zone):{when}}  {state}  {visible(event.body)}")
        for gap in record.gaps:
            start, end = gap.start.astimezone(zone), gap.end.astimezone(zone)
            span = _minutes(gap.end - gap.start)
            print(f"  no record from {start:{when}} to {end:{when}} ({span}): nobody recorded")
    return EXIT_OK


def _minutes(span: timedelta) -> str:
    minutes = span.total_seconds() / 60
    return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"
