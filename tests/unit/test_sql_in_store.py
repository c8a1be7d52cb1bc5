"""No SQL outside ``cockpit/store/`` (issue 16): the store's functions are the notebook's
one interface, so a second backend can go behind it. Outside store/ no string holds a
SQL statement, nothing calls ``execute``/``executemany``/``executescript`` and nothing
opens an SQLite connection. Catching ``sqlite3.Error`` is fine: that is reading an
answer, not speaking SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import cockpit

PACKAGE = Path(cockpit.__file__).parent
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b|\bREPLACE\s+INTO\b|\bPRAGMA\s+\w+|\b(CREATE|DROP|ALTER)\s+"
    r"(TABLE|INDEX|VIEW|TRIGGER)\b|\bBEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b"
    r"|\b(COMMIT|ROLLBACK|SAVEPOINT)\b\s*;?\s*$",
)
SQL_CALLS = frozenset({"execute", "executemany", "executescript"})


def sql_offences(source: str, where: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL.search(node.value):
                found.append(f"{where}:{node.lineno}: SQL in a string: {node.value[:60]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            owner = node.func.value
            if name in SQL_CALLS:
                found.append(f"{where}:{node.lineno}: calls .{name}()")
            elif name == "connect" and isinstance(owner, ast.Name) and owner.id == "sqlite3":
                found.append(f"{where}:{node.lineno}: opens an SQLite connection")
    return found


def _outside_store() -> list[Path]:
    store = PACKAGE / "store"
    return [p for p in sorted(PACKAGE.rglob("*.py")) if store not in p.parents]


def test_no_sql_outside_the_store() -> None:
    paths = _outside_store()
    assert len(paths) > 100  # the glob found the package, not nothing
    offences = [
        offence
        for path in paths
        for offence in sql_offences(
            path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE))
        )
    ]
    assert offences == []


@pytest.mark.parametrize(
    "source",
    [
        "q = 'SELECT id FROM incidents WHERE status = ?'",
        "conn.execute('anything')",
        "cursor.executemany(q, rows)",
        "q = '''\n    UPDATE acks\n    SET removed_at = ?'''",
        "q = 'DELETE FROM acks'",
        "q = 'INSERT OR IGNORE INTO events (a) VALUES (?)'",
        "c = sqlite3.connect(path)",
        "q = 'PRAGMA journal_mode'",
        "q = 'BEGIN IMMEDIATE'",
    ],
)
def test_the_sql_check_bites(source: str) -> None:
    assert len(sql_offences(source, "x.py")) == 1


@pytest.mark.parametrize(
    "source",
    [
        "text = 'select the alert, then press a'",
        "text = 'Update the handoff notes'",
        "import sqlite3\ntry:\n    pass\nexcept sqlite3.Error:\n    pass\n",
        "with notebook.transaction():\n    pass\n",
    ],
)
def test_the_sql_check_lets_words_pass(source: str) -> None:
    assert sql_offences(source, "x.py") == []


def test_the_store_does_speak_sql() -> None:
    # Guards the check: the same reading of store/ finds its SQL.
    text = (PACKAGE / "store" / "acks.py").read_text(encoding="utf-8")
    assert sql_offences(text, "store/acks.py")
