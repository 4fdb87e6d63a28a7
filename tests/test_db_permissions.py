"""The database (phone numbers, every message) and SQLite's WAL files are readable by their
owner only, whatever the umask; an existing database with looser permissions is tightened."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from storage import members
from storage.db import Database


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common 022 umask, which gives new files 0644: what the database must not get."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


async def test_new_database_and_its_wal_files_are_private(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "boucle.db"
    db = await Database.open(path)
    try:
        async with db.transaction() as conn:  # a write: the WAL has content
            await members.ensure_association(conn, "Asso", "Narbonne", clock.now())
        # SQLite gives its -wal and -shm files the database file's own mode.
        files = {name: side(path, name) for name in ("-wal", "-shm")} | {"db": path}
        assert all(file.exists() for file in files.values())
        assert {name: oct(mode(file)) for name, file in files.items()} == {
            "db": "0o600",
            "-wal": "0o600",
            "-shm": "0o600",
        }
    finally:
        await db.close()


async def test_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "boucle.db"
    # A database made before this fix: 0644, and another connection keeps its WAL open.
    other = sqlite3.connect(path)
    try:
        other.execute("PRAGMA journal_mode=WAL")
        other.execute("CREATE TABLE note (text TEXT)")
        other.execute("INSERT INTO note VALUES ('+33611111111')")
        other.commit()
        for file in (path, side(path, "-wal"), side(path, "-shm")):
            file.chmod(0o644)
        db = await Database.open(path)
        await db.close()
        assert oct(mode(path)) == "0o600"
        assert oct(mode(side(path, "-wal"))) == "0o600"
        assert oct(mode(side(path, "-shm"))) == "0o600"
        rows = other.execute("SELECT text FROM note").fetchall()
        assert rows == [("+33611111111",)], "tightening never touches the content"
    finally:
        other.close()


async def test_reopening_keeps_the_data_and_the_owner_only_mode(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "boucle.db"
    db = await Database.open(path)
    async with db.transaction() as conn:
        await members.ensure_association(conn, "Asso", "Narbonne", clock.now())
    await db.close()
    reopened = await Database.open(path)
    try:
        async with reopened.transaction() as conn:
            assert await members.association_by_name(conn, "Asso") is not None
    finally:
        await reopened.close()
    assert oct(mode(path)) == "0o600"


async def test_missing_folder_is_still_sqlites_error(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    with pytest.raises(sqlite3.OperationalError):
        await Database.open(tmp_path / "no-such-folder" / "boucle.db")
    # Any thread a failed open left behind (the first driver, aiosqlite, stopped its worker
    # without waiting for it) is joined here: a thread answering a closed loop would fail
    # whichever test runs next ("Exception in thread ... Event loop is closed").
    for thread in set(threading.enumerate()) - before:
        await asyncio.to_thread(thread.join, 5)
