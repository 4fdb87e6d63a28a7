"""The driver (storage/connection.py): statements on the loop, long reads off it, one user at
a time, and a cancelled long read that leaves the connection usable."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from storage.connection import ensure_math_functions, register_math_functions
from storage.db import Database, fetch_all, fetch_one

# A read that keeps SQLite busy for a while (a few hundred ms here) without any table.
SLOW_READ = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
    " SELECT COUNT(*) FROM n"
)
SLOW_COUNT = 600_000


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = await Database.open(tmp_path / "boucle.db")
    yield database  # type: ignore[misc]
    await database.close()


async def test_statements_run_on_the_loops_thread(db: Database) -> None:
    seen: list[str] = []
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        conn.raw.create_function("thread", 0, lambda: seen.append(threading.current_thread().name))
        await conn.execute("SELECT thread()")
        await conn.off_loop().execute("SELECT thread()")
    assert seen[0] == threading.current_thread().name
    assert seen[1] != threading.current_thread().name and seen[1].startswith("sqlite")


async def test_the_two_forms_of_execute_and_the_reads(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        cur = await conn.executemany("INSERT INTO t (name) VALUES (?)", [("a",), ("b",), ("c",)])
        assert cur.rowcount == 3
        inserted = await conn.execute("INSERT INTO t (name) VALUES (?)", ("d",))
        assert inserted.lastrowid == 4
        async with conn.execute("SELECT name FROM t ORDER BY id") as rows:
            assert (await rows.fetchone())["name"] == "a"  # type: ignore[index]
            assert [r["name"] for r in await rows.fetchmany(2)] == ["b", "c"]
            assert [r["name"] for r in await rows.fetchall()] == ["d"]
        assert [r[0] for r in await fetch_all(conn.off_loop(), "SELECT id FROM t")] == [1, 2, 3, 4]
    async with db.read() as conn:
        found = await fetch_one(conn, "SELECT name FROM t WHERE id = ?", (2,))
    assert found is not None and found["name"] == "b"


async def test_a_long_read_off_the_loop_lets_the_loop_run(db: Database) -> None:
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    async with db.snapshot() as conn:
        started = time.perf_counter()
        before = ticks
        row = await fetch_one(conn, SLOW_READ, (SLOW_COUNT,))
        elapsed = time.perf_counter() - started
        during = ticks - before
    done.set()
    await task
    assert row is not None and row[0] == SLOW_COUNT
    assert elapsed > 0.05, "the read was too quick to tell anything on this machine"
    # The loop kept ticking while SQLite counted in the worker thread.
    assert during >= 3, (during, elapsed)


async def test_a_cancelled_long_read_waits_for_sqlite_then_the_connection_works(
    db: Database,
) -> None:
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")

    async def long_write_then_read() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (id) VALUES (1)")
            await fetch_one(conn.off_loop(), SLOW_READ, (SLOW_COUNT,))

    stalls: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            stalls.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    task = asyncio.create_task(long_write_then_read())
    await asyncio.sleep(0.02)
    started = time.perf_counter()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    ended = time.perf_counter() - started
    stop.set()
    await ticking
    # The rollback waited, off the loop, for SQLite to finish the read: the loop never stalled
    # for the read's length (a rollback on the loop would have waited there for the thread).
    assert ended > 0.05, "the read was too quick to tell anything on this machine"
    assert max(stalls) < ended / 2, (max(stalls), ended)
    # The insert was rolled back once SQLite had finished; the next transaction begins.
    async with db.transaction() as conn:
        assert await fetch_all(conn, "SELECT id FROM t") == []
        await conn.execute("INSERT INTO t (id) VALUES (2)")
    async with db.read() as conn:
        assert [r[0] for r in await fetch_all(conn, "SELECT id FROM t")] == [2]


async def test_a_task_doing_only_transactions_lets_the_others_run(db: Database) -> None:
    """Statements do not suspend: without each transaction giving way, a loop of them (the
    08:00 digests, a purge) would hold the event loop until it ends."""
    turns = 0

    async def other_task() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_task())
    await asyncio.sleep(0)
    for _ in range(200):
        async with db.transaction() as conn:
            await conn.execute("SELECT 1")
    for _ in range(200):
        async with db.read() as conn:
            await conn.execute("SELECT 1")
    other.cancel()
    assert turns >= 300, turns


async def test_waiting_for_another_connections_write_lock_keeps_the_loop_free(
    tmp_path: Path,
) -> None:
    """A second connection of the same process waits for the first's commit with the loop
    free (SQLite's own wait, on the loop, would block the commit it waits for), and gives up
    with SQLite's "locked" once its wait is over."""
    first = await Database.open(tmp_path / "two.db")
    second = await Database.open(tmp_path / "two.db")
    try:
        order: list[str] = []

        async def later_writer() -> None:
            async with second.transaction() as conn:
                order.append("second")
                await conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER)")

        async with first.transaction() as conn:
            await conn.execute("CREATE TABLE t (id INTEGER)")
            waiting = asyncio.create_task(later_writer())
            await asyncio.sleep(0.1)  # the second waits meanwhile, and this task runs
            order.append("first")
        await waiting
        assert order == ["first", "second"]

        async with first.transaction():
            started = time.perf_counter()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                await second._conn.begin("BEGIN IMMEDIATE", wait_s=0.1)
            assert time.perf_counter() - started >= 0.1
    finally:
        await first.close()
        await second.close()


def test_pythons_math_functions_give_sqlites_floats() -> None:
    """A SQLite built without its math functions gets Python's (storage/connection.py); the
    audience statement then computes the very same distances."""
    own = sqlite3.connect(":memory:")
    registered = sqlite3.connect(":memory:")
    try:
        ensure_math_functions(own)  # this machine's SQLite has them: nothing registered
        register_math_functions(registered)
        sql = (
            "SELECT sin(?), cos(?), asin(min(1.0, ?)), acos(min(1.0, ?)), sqrt(?), pow(?, 2),"
            " radians(?), sin(NULL)"
        )
        for x in (0.0, 0.1234567, 0.5, 0.987654321, 1.0):
            values = (x,) * 7
            assert registered.execute(sql, values).fetchone() == own.execute(sql, values).fetchone()
    finally:
        own.close()
        registered.close()


# issue 12 (cpu22): `Database.transaction` is a class, no longer an asynccontextmanager.
async def test_a_transaction_commits_or_rolls_back_and_always_frees_the_connection(
    db: Database,
) -> None:
    """Its block commits; an exception in it rolls back and goes on; a BEGIN that fails (the
    other connection's write lock) or a cancelled wait for the lock leave the connection free,
    with no transaction open."""
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE t (id INTEGER)")
        await conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(ValueError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t VALUES (2)")
            raise ValueError
    assert [row[0] for row in await fetch_all(db._conn, "SELECT id FROM t")] == [1]

    held = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with db.transaction():
            held.set()
            await release.wait()

    holding = asyncio.create_task(holder())
    await held.wait()
    waiting = asyncio.create_task(db.transaction().__aenter__())
    await asyncio.sleep(0.01)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    release.set()
    await holding

    other = sqlite3.connect(db._conn.raw.execute("PRAGMA database_list").fetchone()[2])
    other.execute("BEGIN IMMEDIATE")
    try:
        begin = db._conn.begin

        async def short_begin(statement: str) -> None:
            await begin(statement, wait_s=0.05)

        db._conn.begin = short_begin  # type: ignore[method-assign]
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            async with db.transaction():
                pass
        db._conn.begin = begin  # type: ignore[method-assign]
    finally:
        other.rollback()
        other.close()

    async def last() -> None:  # neither the lock nor a transaction was left open
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t VALUES (3)")

    await asyncio.wait_for(last(), 5)
    assert not db._conn.raw.in_transaction
    assert [row[0] for row in await fetch_all(db._conn, "SELECT id FROM t")] == [1, 3]
