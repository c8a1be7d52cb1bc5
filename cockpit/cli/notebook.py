"""`cockpit notebook info` and `cockpit notebook copy SRC DST`: where the notebook is, what
it holds, and moving it (a SQLite file to a team's PostgreSQL database, and back)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cockpit.cli.common import load_config, notebook_of, print_json
from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from cockpit.secrets import SecretError
from cockpit.services import notebook_admin
from cockpit.store import NotebookError

TARGET_HELP = "a SQLite file path or a postgresql://user@host:5432/db URL"


def add_parsers(sub: Any) -> None:
    parser = sub.add_parser("notebook", help="where the notebook is, what it holds; move it")
    notebook_sub = parser.add_subparsers(dest="notebook_command", required=True)
    info = notebook_sub.add_parser("info", help="backend, schema version and rows per table")
    info.add_argument("target", nargs="?", help=f"{TARGET_HELP} (default: your notebook)")
    info.add_argument("--json", action="store_true")
    copy = notebook_sub.add_parser(
        "copy", help="copy a whole notebook, every row with its id, into another"
    )
    copy.add_argument("source", help=TARGET_HELP)
    copy.add_argument("dest", help=f"{TARGET_HELP}; must be empty unless --merge")
    copy.add_argument(
        "--merge", action="store_true",
        help="add what the destination lacks; rows it already holds as they are are skipped",
    )  # fmt: skip
    copy.add_argument("--json", action="store_true")


def notebook_command(args: argparse.Namespace) -> int:
    try:
        if args.notebook_command == "info":
            return _info(args)
        return _copy(args)
    except (NotebookError, SecretError) as exc:
        print(f"cockpit notebook {args.notebook_command}: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _info(args: argparse.Namespace) -> int:
    target: str | Path | None = args.target
    if target is None:
        config = load_config()
        if config is None:
            return EXIT_USAGE
        target = notebook_of(config)
    found = notebook_admin.info(target)
    if args.json:
        print_json(
            {"notebook": found.where, "backend": found.backend,
             "schema_version": found.schema_version, "rows": found.rows}
        )  # fmt: skip
        return EXIT_OK
    print(f"notebook        {found.where}")
    print(f"backend         {found.backend}")
    print(f"schema version  {found.schema_version}")
    width = max(len(t) for t in found.rows)
    for table, count in found.rows.items():
        print(f"  {table:<{width}}  {count:>8}")
    return EXIT_OK


def _copy(args: argparse.Namespace) -> int:
    report = notebook_admin.copy(args.source, args.dest, merge=args.merge)
    where = notebook_admin.describe_target(args.dest)
    if args.json:
        print_json({"dest": where, "copied": report.copied, "skipped": report.skipped})
        return EXIT_OK
    skipped = sum(report.skipped.values())
    print(
        f"copied {report.total} rows into {where}"
        + (f"; {skipped} were there already" if skipped else "")
    )
    return EXIT_OK
