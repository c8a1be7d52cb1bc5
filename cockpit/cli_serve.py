"""`cockpit serve`: the same cockpit in a browser, through textual-serve (a wall screen).

Each browser tab that opens the page starts its own `cockpit run` on this machine, with
this machine's config, notebook and secrets; nothing but the screen travels to the
browser. textual-serve is optional: `pip install 'cockpit[serve]'`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

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
        "--read-only", action="store_true", help="no writes from the browser (recommended)"
    )


def command_line(read_only: bool) -> str:
    """What textual-serve starts for each browser session."""
    argv = [sys.executable, "-m", "cockpit", "run", *(["--read-only"] if read_only else [])]
    return shlex.join(argv)


def serve_command(args: argparse.Namespace) -> int:
    from cockpit import locations
    from cockpit.config import ConfigError, load

    try:
        from textual_serve.server import Server
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return EXIT_USAGE
    try:
        load(locations.config_file())  # refuse now rather than in every browser tab
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    server = Server(
        command_line(args.read_only),
        host=args.host,
        port=args.port,
        title="cockpit",
        public_url=args.public_url,
    )
    print(f"cockpit serve: open {args.public_url or f'http://{args.host}:{args.port}'}")
    server.serve()
    return EXIT_OK
