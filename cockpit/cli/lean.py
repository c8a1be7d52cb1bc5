"""`cockpit alerts` (and `alerts --json`) without the whole command line: ``main``
(``cli/main.py``) reads the argument shapes below by hand and runs them through
``cli/dispatch.py`` as it runs every command, but without importing the other command
groups and building their parser (issue 18: the command's time before its first request).
Anything else, `--help` and every mistake included, goes to the full parser."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def alerts_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The namespace the full parser gives for ``alerts [--json] [--filter M]...
    [--cluster NAME]``, or
    None when ``argv`` is anything else (the full parser then reads it)."""
    if not argv or argv[0] != "alerts":
        return None
    as_json = False
    cluster = ""
    filters: list[str] = []
    rest = list(argv[1:])
    while rest:
        word = rest.pop(0)
        if word == "--json":
            as_json = True
        elif word.startswith("--filter="):
            filters.append(word.removeprefix("--filter="))
        elif word == "--filter" and rest and not rest[0].startswith("-"):
            filters.append(rest.pop(0))
        elif word.startswith("--cluster="):
            cluster = word.removeprefix("--cluster=")
        elif word == "--cluster" and rest and not rest[0].startswith("-"):
            cluster = rest.pop(0)
        else:
            return None
    return argparse.Namespace(
        command="alerts", json=as_json, filter=filters, at=None, cluster=cluster
    )
