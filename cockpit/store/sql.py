"""What store code may do with a notebook connection, on either backend.

Store functions are written once, in the SQL both SQLite (3.35+) and PostgreSQL speak:
``?`` placeholders, ``INSERT ... RETURNING id``, ``ON CONFLICT``, text timestamps in one
fixed-width UTC form, JSON label sets kept as text. ``sqlite3.Connection`` is a
``Connection`` as it is; the PostgreSQL backend wraps psycopg's in one
(``store/postgres.py``), turning ``?`` into psycopg's ``%s``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, Protocol


class Row(Protocol):
    """One result row: by position (``row[0]``) or by column name (``row["id"]``)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor: ...


@lru_cache(maxsize=512)
def qmark_to_format(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s``, and every literal ``%`` doubled so psycopg
    keeps it. A ``?`` inside a quoted string or identifier stays as it is."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
            out.append("%%" if char == "%" else char)
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)
