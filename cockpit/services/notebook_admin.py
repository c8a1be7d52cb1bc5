"""Moving a notebook and looking at one: ``cockpit notebook copy`` and ``notebook info``.

A target is a SQLite file path or a ``postgresql://`` URL. The password of a PostgreSQL
notebook comes from the secret ``notebook`` (``COCKPIT_SECRET_NOTEBOOK`` or the OS
keyring: ``cockpit secret set notebook``), or from what libpq itself reads (``PGPASSWORD``,
``~/.pgpass``); never from the URL in a config file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cockpit.model.notebook_url import is_url, redact
from cockpit.secrets import get_secret
from cockpit.store import Notebook, NotebookError, open_notebook
from cockpit.store.copy import CopyReport, copy_notebook, row_counts
from cockpit.store.notebook import WRITE_WAIT_S
from cockpit.store.recording_duty import DutyHolder, duty_holder

SECRET_NAME = "notebook"
DUTY_SINCE = 5  # the schema version that made the recording duty table


def password_for(target: str | Path) -> str | None:
    """The password a team notebook's URL needs, from the secret store (None: libpq's own
    PGPASSWORD or ~/.pgpass, if anything); a file needs none."""
    return get_secret(SECRET_NAME) if is_url(str(target)) else None


def open_target(
    target: str | Path, *, write_wait: float = WRITE_WAIT_S, me: str | None = None
) -> Notebook:
    """Open (and migrate) the notebook at ``target``: a file, or the team's database with
    the password from the secret store (libpq's own PGPASSWORD/~/.pgpass otherwise).
    ``me`` is who this cockpit writes as (each row's written_by)."""
    if is_url(str(target)):
        return open_notebook(
            str(target), password=password_for(target), write_wait=write_wait, me=me
        )
    return open_notebook(Path(target), write_wait=write_wait, me=me)


def describe_target(target: str | Path) -> str:
    return redact(str(target)) if is_url(str(target)) else str(target)


@dataclass(frozen=True)
class NotebookInfo:
    where: str
    backend: str
    schema_version: int
    rows: dict[str, int]


def info(target: str | Path) -> NotebookInfo:
    if not is_url(str(target)) and not Path(target).exists():
        raise NotebookError(f"{target} does not exist (a cockpit makes it at first start)")
    with open_target(target) as notebook:
        return NotebookInfo(
            notebook.describe(), notebook.backend, notebook.schema_version, row_counts(notebook)
        )


def copy(source: str | Path, dest: str | Path, *, merge: bool = False) -> CopyReport:
    """Copy every row of ``source`` into ``dest`` (see store/copy.py for the rules)."""
    if _same_place(source, dest):
        raise NotebookError(f"{describe_target(source)} is both source and destination")
    if not is_url(str(source)) and not Path(source).exists():
        raise NotebookError(f"{source} does not exist: nothing to copy")
    with open_target(source) as src, open_target(dest) as dst:
        return copy_notebook(src, dst, merge=merge)


def _same_place(source: str | Path, dest: str | Path) -> bool:
    if is_url(str(source)) or is_url(str(dest)):
        return str(source) == str(dest)
    return os.path.abspath(source) == os.path.abspath(dest)


@dataclass(frozen=True)
class TeamNotebookLook:
    where: str
    schema_version: int
    duty: DutyHolder | None


def look_at_team_notebook(url: str) -> TeamNotebookLook:
    """Connect to the team's notebook and read its schema version and who records,
    without migrating or writing anything (``cockpit doctor``)."""
    from cockpit.store.postgres import PostgresNotebook

    with PostgresNotebook(url, password=password_for(url), migrate=False) as notebook:
        duty = duty_holder(notebook) if notebook.schema_version >= DUTY_SINCE else None
        return TeamNotebookLook(notebook.describe(), notebook.schema_version, duty)
