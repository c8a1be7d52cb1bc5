"""A team notebook's address: a ``postgresql://`` URL, and how to show it without its
password. Pure: the config, the file locations and the store all read a target by it."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(target: str | os.PathLike[str]) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def redact(url: str) -> str:
    """``url`` without its password or query, for messages and logs."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = parts.port or 5432
    except ValueError:
        return "the notebook URL (unparsable)"
    user = f"{parts.username}@" if parts.username else ""
    if ":" in host:
        host = f"[{host}]"
    return f"postgresql://{user}{host}:{port}{parts.path}"
