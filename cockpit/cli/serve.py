"""`cockpit serve`: the same cockpit in a browser, through textual-serve (a wall screen).

Each browser tab that opens the page starts its own `cockpit run` on this machine, with
this machine's config, notebook and secrets; nothing but the screen travels to the
browser. So the door is shut by default: a per-run token in the URL to open, the
websocket's Origin checked, read-only unless ``--writable``, at most ``--max-sessions``
cockpits at once (``cli/serve_web.py``). textual-serve is optional: `pip install 'cockpit[serve]'`.
"""

from __future__ import annotations

import argparse
import secrets
import shlex
import socket
import sys
from typing import Any

from cockpit.cli.common import load_config
from cockpit.exit_codes import EXIT_OK, EXIT_USAGE

INSTALL_HINT = (
    "cockpit serve needs textual-serve, which is not installed: "
    "pip install 'cockpit[serve]' (or pip install textual-serve) in cockpit's environment"
)


def add_parsers(sub: Any) -> None:
    serve = sub.add_parser(
        "serve", help="show the cockpit in a browser (textual-serve), e.g. on a wall screen"
    )
    serve.add_argument("--host", default="localhost", help="address to listen on (localhost)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument("--public-url", help="the URL browsers use, when behind a proxy")
    serve.add_argument(
        "--writable",
        action="store_true",
        help="let the browser ack, silence and run runbook commands (read-only by default)",
    )
    serve.add_argument("--read-only", action="store_true", help="the default; kept for old scripts")
    serve.add_argument(
        "--max-sessions",
        type=_positive,
        default=2,
        help="browser tabs (cockpit processes) allowed at once (2)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def command_line(read_only: bool) -> str:
    """What textual-serve starts for each browser session."""
    argv = [sys.executable, "-m", "cockpit", "run", *(["--read-only"] if read_only else [])]
    return shlex.join(argv)


def serve_command(args: argparse.Namespace) -> int:
    try:
        from cockpit.cli.serve_web import GuardedServer, is_loopback
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return EXIT_USAGE
    if load_config(advice=False) is None:  # refuse now, not in every browser tab
        return EXIT_USAGE
    if args.writable and args.read_only:
        print("--writable and --read-only contradict each other; pick one", file=sys.stderr)
        return EXIT_USAGE
    token = secrets.token_urlsafe(24)
    server = GuardedServer(
        command_line(read_only=not args.writable),
        host=args.host,
        port=args.port,
        token=token,
        max_sessions=args.max_sessions,
        public_url=args.public_url,
    )
    if not is_loopback(args.host):
        print(
            f"cockpit serve: WARNING: listening on {args.host}, reachable from other machines; "
            "anyone with the URL below can see the cockpit"
            + ("" if not args.writable else " and act in it (--writable)"),
            file=sys.stderr,
        )
    mode = "writable" if args.writable else "read-only"
    print(f"cockpit serve ({mode}, at most {args.max_sessions} session(s)): open")
    print(f"  {open_url(args, token)}", flush=True)
    server.serve()
    return EXIT_OK


def open_url(args: argparse.Namespace, token: str) -> str:
    """The URL to open, token included. On a wildcard bind, this machine's name."""
    if args.public_url:
        base = args.public_url.rstrip("/")
    else:
        host = args.host
        if host in ("0.0.0.0", "::", ""):
            host = socket.gethostname()
        elif ":" in host:
            host = f"[{host}]"
        base = f"http://{host}:{args.port}"
    return f"{base}/?token={token}"
