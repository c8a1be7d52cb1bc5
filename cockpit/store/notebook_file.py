"""The notebook as a file on this machine: who may read it, why a write failed (disk full,
locked) and which process holds its write lock.

Linux lists every byte-range lock in /proc/locks with the holder's pid. SQLite's WAL mode
takes byte 120 of the ``-shm`` file exclusively for the one writer (a rollback journal
takes the database file's reserved byte), so the holder of that lock is the process the
on-call is waiting for.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from pathlib import Path

_WAL_WRITE_LOCK_BYTE = 120


def describe_error(exc: BaseException, path: Path | None = None) -> str:
    """What went wrong with the notebook file, in words: disk full and locked said plainly.

    SQLite says "database or disk is full" (SQLITE_FULL) for a full disk, but a write that
    fails half way through the WAL or its index can surface as "disk I/O error": the free
    space on the file's disk tells the two apart.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    errno_ = getattr(exc, "errno", None)
    if code == sqlite3.SQLITE_FULL or errno_ == 28:  # ENOSPC
        return "disk full: free some space on the notebook's disk, then try again"
    if code is not None and code & 0xFF == sqlite3.SQLITE_IOERR and _disk_is_full(path):
        return "disk full: free some space on the notebook's disk, then try again"
    if code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return "the notebook is locked by another process (busy); try again in a moment"
    return str(exc)


def _disk_is_full(path: Path | None) -> bool:
    if path is None:
        return False
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except OSError:
        return False


PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def make_private(path: Path) -> None:
    """Create ``path`` if missing, readable by its owner only, whatever the umask.

    The notebook holds command output (``env`` among it): nobody else may read it. SQLite
    gives the -wal and -shm files the mode of the database file, so this covers them as
    they are made; ones left by an older cockpit are tightened here too.
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        with suppress(OSError):
            path.parent.chmod(PRIVATE_DIR)  # mkdir's mode passes through the umask
    # Never open and close an existing notebook here: closing any descriptor of a file
    # drops every POSIX lock this process holds on it, SQLite's included, and another
    # cockpit would then checkpoint and delete the -wal and -shm under our connections.
    # A new file is made with O_EXCL: no connection of ours can have it open yet.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        pass
    else:
        try:
            os.fchmod(fd, PRIVATE_FILE)  # O_CREAT's mode passes through the umask
        finally:
            os.close(fd)
    with suppress(OSError):  # someone else's file (shared read-only): leave its mode
        path.chmod(PRIVATE_FILE)
    for suffix in ("-wal", "-shm", "-journal"):
        with suppress(OSError):
            path.with_name(path.name + suffix).chmod(PRIVATE_FILE)


def lock_holders(path: Path, *, locks_file: Path = Path("/proc/locks")) -> list[str]:
    """Who holds the notebook's write lock: ``pid 1234 (python3)``; empty when unknown."""
    files: dict[tuple[int, int, int], bool] = {}  # (major, minor, inode) -> is the -shm
    for candidate, is_shm in ((path, False), (path.with_name(path.name + "-shm"), True)):
        with suppress(OSError):
            st = candidate.stat()
            files[(os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)] = is_shm
    try:
        lines = locks_file.read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return []
    pids: list[int] = []
    for line in lines:
        fields = line.split()
        # "1: POSIX  ADVISORY  WRITE 1502 fd:01:1316628 120 120"; "->" marks a waiter
        if len(fields) < 8 or fields[1] == "->" or fields[3] != "WRITE":
            continue
        try:
            pid = int(fields[4])
            major, minor, inode = fields[5].split(":")
            key = (int(major, 16), int(minor, 16), int(inode))
            first = int(fields[6])
            last = int(fields[7]) if fields[7] != "EOF" else 1 << 62
        except ValueError:
            continue
        if key not in files or pid == os.getpid() or pid in pids:
            continue
        if files[key] and not first <= _WAL_WRITE_LOCK_BYTE <= last:
            continue  # a reader's or checkpointer's mark, not the writer's
        pids.append(pid)
    return [_describe_process(pid) for pid in pids]


def _describe_process(pid: int) -> str:
    # The program name only: a command line can hold a password.
    try:
        name = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return f"pid {pid}"
    return f"pid {pid} ({name})"
