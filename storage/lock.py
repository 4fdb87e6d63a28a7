"""Who is using the database file: the running bot holds a lock beside it (issue 15).

`boucle run` takes an exclusive `flock` on `<database>.lock` (its process id written inside)
for as long as it runs; `boucle restore` takes the same lock before it replaces the database,
so neither can happen while the other does, and a second bot on the same file refuses to
start. The system releases a `flock` when its process ends, however it ends (a crash, kill -9):
a lock file left behind with a dead process's id blocks nothing. The id is only there to name
the process holding it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

SUFFIX = ".lock"


class Locked(Exception):
    """Another process holds the database's lock."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(f"{path} is locked by process {pid if pid is not None else '?'}")
        self.path = path
        self.pid = pid


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


@contextlib.contextmanager
def hold(database: Path) -> Iterator[Path]:
    """Hold the database's lock for the block; `Locked` when another process holds it.
    The lock file is created readable by its owner only (0600)."""
    path = lock_path(database)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Locked(path, _read_pid(handle)) from None
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode())
        try:
            yield path
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(handle, 0)  # the id of a process that no longer holds it: gone
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def holder(database: Path) -> int | None:
    """The process id of the bot holding the lock now (0 if it is unreadable), or None when
    nobody holds it (no file, or a file left by a process that ended)."""
    try:
        handle = os.open(lock_path(database), os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_pid(handle) or 0
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None
    finally:
        os.close(handle)


def _read_pid(handle: int) -> int | None:
    try:
        text = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
