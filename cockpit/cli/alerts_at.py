"""`cockpit alerts --at TIME [--json]`: the alert list as it was then (Prometheus's
ALERTS series joined with the notebook's acks and incident links and Alertmanager's
silences, ``services/past_alerts.py``); the JSON has the live command's shape, each alert
with the moment asked (`at`) and its linked `incidents`."""

from __future__ import annotations

import argparse
import sys
from zoneinfo import ZoneInfo

from cockpit.cli.common import at_option, fail, load_config, notebook_opener, print_json
from cockpit.exit_codes import EXIT_OK, EXIT_USAGE
from cockpit.model.matchers import Matcher, matches_all
from cockpit.model.moments import MomentError, utc_iso
from cockpit.model.text import visible


def past_alerts_command(args: argparse.Namespace, matchers: list[Matcher]) -> int:
    from cockpit.cli.alert_format import alert_json
    from cockpit.model.silences import display_state
    from cockpit.secrets import SecretError
    from cockpit.services.past_alerts import PastUnknown, past_alerts
    from cockpit.services.past_view import alert_snapshot
    from cockpit.store import Notebook, NotebookError

    config = load_config()
    if config is None:
        return EXIT_USAGE
    zone = ZoneInfo(config.oncall.timezone)
    try:
        at = at_option(config, args.at)
    except MomentError as exc:
        return fail(f"--at: {exc}")
    assert at is not None  # only called with --at
    notebook: Notebook | None = None
    try:
        notebook = notebook_opener(config)()
    except (NotebookError, SecretError, OSError) as exc:
        print(f"warning: no notebook ({exc}): acks and incident links unknown", file=sys.stderr)
    try:
        found = past_alerts(config, at, notebook)
    except PastUnknown as exc:
        return fail(f"Cannot tell: {exc}")
    finally:
        if notebook is not None:
            notebook.close()
    # The live pane's shape: an ack is the ack silence it was, so the live JSON serves.
    snapshot = alert_snapshot(found)
    silences = snapshot.silence_index()
    alerts = [a for a in snapshot.alerts if matches_all(matchers, a.labels)]
    for note in found.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print_json([
            {**alert_json(a, silences), "incidents": found.incidents_of(a),
             "at": utc_iso(found.at)}
            for a in alerts
        ])  # fmt: skip
        return EXIT_OK
    print(f"Alerts as they were at {at.astimezone(zone):%a %Y-%m-%d %H:%M:%S %Z}:")
    if not alerts:
        print("No alerts" + (" matched the filter." if matchers else " were pending or firing."))
    for alert in alerts:
        ack = found.ack_of(alert)
        since = "" if alert.starts_at is None else f"since {alert.starts_at.astimezone(zone):%H:%M}"
        who = f"acked by {ack.created_by}" if ack is not None else ""
        linked = ", ".join(found.incidents_of(alert))
        cells = [alert.severity, alert.name, display_state(alert, silences), since, who, linked,
                 alert.fingerprint]  # fmt: skip
        print("  ".join(visible(cell) for cell in cells if cell))
    return EXIT_OK
