"""The one SQLite connection, its PRAGMAs, the transaction helper and the migration runner.

Statements run on the event loop, long reads in a worker thread (storage/connection.py says
why, with the measure). Two coroutines that began transactions on the one connection would
still collide at their awaits: every transaction takes `Database._lock` and starts with
`BEGIN IMMEDIATE`, which takes SQLite's write lock up front (read-then-write cannot interleave).

The database holds phone numbers and every message: it is readable by its owner only (0600).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import partial
from importlib import resources
from pathlib import Path
from types import TracebackType

from storage.connection import BUSY_TIMEOUT_MS, WRITE_LOCK_WAIT_S, Conn, retry_while_busy

__all__ = ["Conn", "Database", "fetch_all", "fetch_one"]

log = logging.getLogger(__name__)

# SQLite's files next to the database: the write-ahead log, its shared-memory index, and the
# rollback journal (before WAL is switched on).
SIDE_FILES = ("-wal", "-shm", "-journal")

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    # Short: waiting for the write lock happens in `Conn.begin`, off SQLite (connection.py).
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


class Database:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        make_private(Path(path))
        conn = Conn.open(str(path))
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        db = cls(conn)
        await db.migrate()
        return db

    async def close(self) -> None:
        await self._conn.close()

    def transaction(self) -> Transaction:
        """All of the block's statements happen, or none (rolled back on any exception):
        `async with db.transaction() as conn`."""
        return Transaction(self)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Conn]:
        """The connection for a single read statement, without BEGIN and COMMIT (two driver
        round trips saved): SQLite runs a lone statement as its own transaction. Takes the
        connection's lock like `transaction`, and gives way first as it does; never write
        through it."""
        await asyncio.sleep(0)
        async with self._lock:
            yield self._conn

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Conn]:
        """Many reads as of one moment, without SQLite's write lock (a deferred `BEGIN`: in WAL
        mode the bot running beside keeps writing meanwhile). For long reads from the command
        line (`boucle export`, issue 13); never write through it. Its statements run in the
        worker thread: a long read does not hold up the event loop."""
        async with self._lock:
            conn = self._conn.off_loop()
            try:
                await conn.execute("BEGIN DEFERRED")
                yield conn
            finally:
                await conn.rollback()

    async def ping(self) -> None:
        """A trivial read (health check): raises when the database cannot answer. Takes the
        connection's lock (one statement at a time) but not SQLite's write lock."""
        async with self._lock, self._conn.execute("SELECT 1") as cursor:
            await cursor.fetchone()

    async def migrate(self) -> list[str]:
        """Apply the numbered `migrations/NNNN_*.sql` files not applied yet, each atomically."""
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT"
            " NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        async with self._conn.execute("SELECT name FROM schema_migrations") as cursor:
            done = {row[0] for row in await cursor.fetchall()}
        applied: list[str] = []
        for name, sql in migration_files():
            if name in done:
                continue
            # executescript commits first, so wrap the file in its own transaction explicitly.
            script = (
                f"BEGIN IMMEDIATE;\n{sql}\n;INSERT INTO schema_migrations (name) VALUES "
                f"('{name}');\nCOMMIT;"
            )
            # Fails at its BEGIN, with nothing done, while another connection writes.
            await retry_while_busy(partial(self._conn.executescript, script), WRITE_LOCK_WAIT_S)
            applied.append(name)
        return applied

    async def backup(self, target: Path) -> None:
        """SQLite's online backup of this connection's database into `target`, in one step.

        Takes the connection's lock: a backup started while another coroutine's transaction is
        open would copy from the middle of it. With it, the copy is as of one commit; it runs
        in the worker thread. `boucle backup` (storage/backup.py) uses its own connection."""
        async with self._lock:
            await self._conn.backup(str(target))


class Transaction:
    """`Database.transaction`'s block. A class, not an `asynccontextmanager`: a message takes
    three transactions, and the generator's machinery (its frame resumed at enter and exit,
    `athrow` on an error) was a tenth of their Python time (issue 12, cpu22). The same steps as
    the generator it replaces: give way once, take the lock, BEGIN IMMEDIATE; then COMMIT, or
    ROLLBACK on any exception (a failed BEGIN included); the lock released in every case."""

    __slots__ = ("_db",)

    def __init__(self, db: Database) -> None:
        self._db = db

    async def __aenter__(self) -> Conn:
        db = self._db
        # Statements run on the loop without suspending (storage/connection.py): a task doing
        # only database work, transaction after transaction (the 08:00 digests, a resume, a
        # purge), would never let another task run. Each transaction first gives way, once.
        await asyncio.sleep(0)
        await db._lock.acquire()
        try:
            # Whatever happens after BEGIN, the rollback closes the transaction (else the next
            # BEGIN failed: "cannot start a transaction within a transaction"). Rolling back
            # when BEGIN itself failed is a no-op.
            await db._conn.begin("BEGIN IMMEDIATE")
        except BaseException:
            try:
                await db._conn.rollback()
            finally:
                db._lock.release()
            raise
        return db._conn

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        db = self._db
        try:
            if exc_type is not None:
                await db._conn.rollback()
            else:
                await db._conn.commit()
        finally:
            db._lock.release()


async def fetch_one(conn: Conn, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
    """The first row of `sql`, in one driver call (`async with conn.execute(...)`, then
    `fetchone`, then the cursor's close are three)."""
    rows = await conn.execute_fetchall(sql, params)
    for row in rows:
        return row
    return None


async def fetch_all(conn: Conn, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
    """Every row of `sql`, in one driver call."""
    return list(await conn.execute_fetchall(sql, params))


def make_private(path: Path) -> None:
    """Create the database file readable and writable by its owner only, or take group and
    others' access away from an existing one (and from side files left by a previous run).

    SQLite creates the -wal and -shm files with the database file's own permissions, so a
    database pre-created with mode 0600 keeps them private too. An empty file is a valid new
    database to SQLite."""
    if str(path) == ":memory:":
        return
    try:
        # O_EXCL: created only when absent; an existing file is never truncated.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except FileNotFoundError:  # no such folder: SQLite's own error will say so
        return
    for file in (path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)):
        try:
            mode = stat.S_IMODE(os.stat(file).st_mode)
            if mode & 0o077:
                os.chmod(file, mode & 0o700)
        except FileNotFoundError:
            continue
        except PermissionError:  # not ours (a shared volume...): say so, SQLite decides
            log.warning("cannot make %s readable by its owner only", file.name)


def migration_files() -> list[tuple[str, str]]:
    folder = resources.files("storage") / "migrations"
    files = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )
    return files
