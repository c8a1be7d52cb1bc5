"""Every subcommand. Thin: parse, call a service, print text (or --json).

Exit codes: 0 fine, 1 a check failed (doctor found a problem), 2 bad input
(usage, config problems, refused fault), 3 the demo stack could not start.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import cockpit.cli.dispatch as dispatch
from cockpit import __version__, locations
from cockpit.cli.common import at_option, fail, load_config, notebook_of, print_json
from cockpit.cli.lean import alerts_args
from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE

AT_HELP = 'open on the past: "2026-12-05 03:12", "03:12", "-2h" or ISO (L returns to live)'
READ_ONLY_HELP = "no ack, silence or expire and no runbook commands (also `read_only = true`)"


def _parser() -> argparse.ArgumentParser:
    import cockpit.cli.alerts as cli_alerts
    import cockpit.cli.handoff as cli_handoff
    import cockpit.cli.incident as cli_incident
    import cockpit.cli.notebook as cli_notebook
    import cockpit.cli.plugins as cli_plugins
    import cockpit.cli.record as cli_record
    import cockpit.cli.runbook as cli_runbook
    import cockpit.cli.serve as cli_serve
    import cockpit.cli.silences as cli_silences
    import cockpit.cli.themes as cli_themes

    parser = argparse.ArgumentParser(prog="cockpit", description="The on-call cockpit.")
    parser.add_argument("--version", action="version", version=f"cockpit {__version__}")
    parser.add_argument("--at", metavar="TIME", help=AT_HELP)
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="open the cockpit on your config (the default)")
    run.add_argument("--read-only", action="store_true", help=READ_ONLY_HELP)
    run.add_argument("--at", metavar="TIME", help=AT_HELP)

    locate = sub.add_parser("locate", help="print every path cockpit uses")
    locate.add_argument("--json", action="store_true")

    config = sub.add_parser("config", help="check or create the config file")
    config_sub = config.add_subparsers(dest="config_command", required=True)
    validate = config_sub.add_parser("validate", help="list every problem in the config")
    validate.add_argument("file", nargs="?", type=Path)
    validate.add_argument("--json", action="store_true")
    init = config_sub.add_parser("init", help="write a commented example config")
    init.add_argument("file", nargs="?", type=Path)
    init.add_argument("--force", action="store_true", help="overwrite an existing file")

    secret = sub.add_parser("secret", help="store secrets in the OS keyring")
    secret_sub = secret.add_subparsers(dest="secret_command", required=True)
    secret_set = secret_sub.add_parser(
        "set", help="store a secret (read from the terminal or stdin)"
    )
    secret_set.add_argument("name")
    secret_status = secret_sub.add_parser(
        "status", help="say whether a secret is set (never its value)"
    )
    secret_status.add_argument("name")

    slo = sub.add_parser("slo", help="SLO report, deploy gate and Prometheus rules")
    slo_sub = slo.add_subparsers(dest="slo_command", required=True)
    report = slo_sub.add_parser("report", help="every SLO: target, actual, budget, status")
    report.add_argument("--json", action="store_true")
    report.add_argument(
        "--at", metavar="TIME",
        help='the report as it was then: "2026-12-05 03:12", "03:12", "-2h" or ISO',
    )  # fmt: skip
    slo_sub.add_parser("check", help="exit 0 within budget, 1 exhausted, 2 cannot tell")
    slo_sub.add_parser("rules", help="print Prometheus recording and alerting rules")

    probe = sub.add_parser(
        "probe", help="run health probes once; exit 1 if any fails ('probe history': the past)"
    )
    probe.add_argument(
        "targets", nargs="*", metavar="NAME or URL",
        help="probes to run, or `history [NAME ...]`: their recorded down/up and latencies",
    )  # fmt: skip
    probe.add_argument("--since", metavar="TIME", help="with history: from (default -24h)")
    probe.add_argument("--until", metavar="TIME", help="with history: to (default now)")
    probe.add_argument("--json", action="store_true")
    probe.add_argument(
        "--allow-ready-degraded",
        action="store_true",
        help='accept a 503 that declares a degraded mode ({"status": "degraded"})',
    )

    doctor = sub.add_parser("doctor", help="check config, sources, keyring and notebook")
    doctor.add_argument("--json", action="store_true")

    demo = sub.add_parser("demo", help="run the built-in demo stack and the cockpit on it")
    demo.add_argument("--no-ui", action="store_true", help="run the stack only; print its URLs")
    demo.add_argument("--read-only", action="store_true", help=READ_ONLY_HELP)
    demo_sub = demo.add_subparsers(dest="demo_command")
    fault = demo_sub.add_parser("fault", help="flip fault switches of the running demo service")
    fault.add_argument(
        "faults", nargs="+", help="e.g. error-rate=5%% latency=800ms ready=down reset"
    )
    fault.add_argument("--url", help="the demo service URL (default: the running demo)")
    demo_env = demo_sub.add_parser(
        "env",
        help='variables that point the CLI at the running demo: eval "$(cockpit demo env)"',
    )
    demo_env.add_argument("--json", action="store_true")
    cli_themes.add_parsers(sub)
    cli_plugins.add_parsers(sub)
    cli_serve.add_parsers(sub)
    cli_handoff.add_parsers(sub)
    cli_incident.add_parsers(sub)
    cli_alerts.add_parsers(sub)
    cli_silences.add_parsers(sub)
    cli_runbook.add_parsers(sub)
    cli_record.add_parsers(sub)
    cli_notebook.add_parsers(sub)
    return parser


# Options that take a moment: "-2h" after one is its value, not an option (argparse
# would refuse `--since -2h` and take only `--since=-2h`).
TIME_OPTIONS = frozenset({"--at", "--since", "--until"})


def _joined_times(argv: Sequence[str]) -> list[str]:
    joined: list[str] = []
    for word in argv:
        if joined and joined[-1] in TIME_OPTIONS and word[:1] == "-" and word[1:2].isdigit():
            joined[-1] = f"{joined[-1]}={word}"
        else:
            joined.append(word)
    return joined


def main(argv: Sequence[str] | None = None) -> int:
    words = _joined_times(sys.argv[1:] if argv is None else argv)
    lean = alerts_args(words)
    if lean is not None:
        # `cockpit alerts`: neither the other command groups nor their parser (issue 18).
        import cockpit.cli.alerts as cli_alerts

        return dispatch.run("alerts", lean, cli_alerts.alerts_command, notebook=False)
    args = _parser().parse_args(words)
    command = args.command or "run"
    handler = _handlers()[command]
    return dispatch.run(command, args, handler)


def _handlers() -> dict[str, Callable[[argparse.Namespace], int]]:
    import cockpit.cli.alerts as cli_alerts
    import cockpit.cli.handoff as cli_handoff
    import cockpit.cli.incident as cli_incident
    import cockpit.cli.notebook as cli_notebook
    import cockpit.cli.plugins as cli_plugins
    import cockpit.cli.probe as cli_probe
    import cockpit.cli.record as cli_record
    import cockpit.cli.runbook as cli_runbook
    import cockpit.cli.serve as cli_serve
    import cockpit.cli.silences as cli_silences
    import cockpit.cli.slo as cli_slo
    import cockpit.cli.themes as cli_themes

    return {
        "run": _run,
        "locate": _locate,
        "config": _config,
        "secret": _secret,
        "doctor": _doctor,
        "probe": cli_probe.probe,
        "slo": cli_slo.slo,
        "demo": _demo,
        "themes": cli_themes.themes_command,
        "notebook": cli_notebook.notebook_command,
        "plugins": cli_plugins.plugins_command,
        "serve": cli_serve.serve_command,
        "handoff": cli_handoff.handoff,
        "review": cli_handoff.review,
        "incident": cli_incident.incident,
        **cli_alerts.handlers(),
        "silence": cli_silences.silence_command,
        "runbook": cli_runbook.runbook,
        "record": cli_record.record,
    }


def _locate(args: argparse.Namespace) -> int:
    paths = locations.current().as_dict()
    if args.json:
        print_json(paths)
    else:
        width = max(len(k) for k in paths)
        for key, value in paths.items():
            print(f"{key.replace('_', ' '):<{width}}  {value}")
    return EXIT_OK


def _config(args: argparse.Namespace) -> int:
    from cockpit.config import ConfigError, load

    path = args.file or locations.config_file()
    if args.config_command == "init":
        from importlib.resources import files

        if path.exists() and not args.force:
            print(f"{path} exists; use --force to overwrite it.", file=sys.stderr)
            return EXIT_USAGE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files("cockpit").joinpath("templates/config.example.toml").read_text())
        print(f"wrote {path}; edit it, then run `cockpit config validate`.")
        return EXIT_OK
    if not path.exists():
        print(f"{path}: no such file; `cockpit config init` writes an example.", file=sys.stderr)
        return EXIT_USAGE
    try:
        load(path)
    except ConfigError as exc:
        if args.json:
            print_json({"ok": False, "problems": [p.__dict__ for p in exc.problems]})
        else:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print(f"{len(exc.problems)} problem(s) in {path}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print_json({"ok": True, "problems": []})
    else:
        print(f"{path}: ok")
    return EXIT_OK


def _secret(args: argparse.Namespace) -> int:
    from cockpit.config_checks import SECRET_NAME
    from cockpit.secrets import SecretError, env_var, get_secret, set_secret

    if not SECRET_NAME.match(args.name):
        print(f"{args.name!r} is not a secret name: use letters, digits and _", file=sys.stderr)
        return EXIT_USAGE
    if args.secret_command == "status":
        try:
            found = get_secret(args.name) is not None
        except SecretError as exc:
            print(exc, file=sys.stderr)
            return EXIT_FAILED
        print(f"{args.name}: {'set' if found else f'not set (keyring or {env_var(args.name)})'}")
        return EXIT_OK if found else EXIT_FAILED
    value = (
        getpass.getpass(f"value for {args.name}: ") if sys.stdin.isatty() else sys.stdin.readline()
    )
    value = value.rstrip("\n")
    if not value:
        print("empty value; nothing stored", file=sys.stderr)
        return EXIT_USAGE
    try:
        set_secret(args.name, value)
    except SecretError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    print(f"stored {args.name} in the OS keyring")
    return EXIT_OK


def _doctor(args: argparse.Namespace) -> int:
    from cockpit.services.doctor import run_checks

    checks = run_checks(locations.config_file(), locations.database_file())
    failed = [c for c in checks if not c.ok and c.required]
    if args.json:
        print_json({"ok": not failed, "checks": [c.__dict__ for c in checks]})
    else:
        for check in checks:
            mark = "ok  " if check.ok else ("FAIL" if check.required else "warn")
            print(f"{mark}  {check.name:<12} {check.detail}")
    return EXIT_FAILED if failed else EXIT_OK


def _run(args: argparse.Namespace) -> int:
    config = load_config()
    if config is None:
        return EXIT_USAGE
    from cockpit.ui.app import CockpitApp

    if getattr(args, "read_only", False):
        config = dataclasses.replace(config, read_only=True)
    from cockpit.model.moments import MomentError

    try:
        at = at_option(config, getattr(args, "at", None))
    except MomentError as exc:
        return fail(f"--at: {exc}")
    app = CockpitApp(config, notebook_of(config), at=at)
    app.run()
    if app.crash_line:
        print(app.crash_line, file=sys.stderr)
    return app.return_code or EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from cockpit.demo import run

    if args.demo_command == "fault":
        return run.fault(args.faults, args.url)
    if args.demo_command == "env":
        return run.env(as_json=args.json)
    return run.demo(no_ui=args.no_ui, read_only=args.read_only)
