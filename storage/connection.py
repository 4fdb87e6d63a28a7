"""The SQLite connection the bot's storage functions use: short statements on the event loop,
long reads in a thread (issue 12).

Measured (docs/benchmarks.md, "The driver"): a call through aiosqlite, the driver chosen first,
cost ~140 µs of CPU (a hop to its worker thread and back: a thread wake-up, the GIL changing
hands twice, the loop woken through its self-pipe) against ~2 µs for the same statement run
directly. A message takes 25 to 100 calls, so the hops were 3 to 14 ms of CPU per message,
more than everything else Boucle adds to a bare bot. Here a statement runs where it is
awaited, on the loop's thread: nearly every statement of a message is a lookup by key or a
short insert (microseconds). Waiting for SQLite's write lock, held by another connection (an
administration command, `boucle members` or `boucle oublier`, or a second `Database` of the
same process), must not happen on the loop: SQLite's own wait (`busy_timeout`) would block it,
and a holder in the same process could never commit. `Conn.begin` waits with `asyncio.sleep`
instead, and SQLite's own wait is kept short (`BUSY_TIMEOUT_MS`: a reader's rare wait).

What may take long runs in one worker thread instead, off the loop (`Conn.off_loop()`): the
indicators of a network year, an export, a backup. The API is the subset of aiosqlite's the
storage functions use (`execute` awaited or used as `async with`, `executemany`,
`execute_fetchall`, cursors' `fetchone`/`fetchall`/`fetchmany`), so the storage functions stay
`async` and do not know which way their statements run.

One `Database` lock guards the connection: whoever holds it (a transaction, a read) is the only
user, on the loop or in the worker, so the connection is opened with `check_same_thread=False`.
"""

from __future__ import annotations

import asyncio
import functools
import math
import sqlite3
import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

Params = Sequence[Any] | dict[str, Any]

# SQLite's own wait for a lock, on the loop: short (see the module's doc).
BUSY_TIMEOUT_MS = 20
# How long `begin` waits for the write lock before giving up, as SQLite's 5 s did before.
WRITE_LOCK_WAIT_S = 5.0


class Worker:
    """One thread, started on first use, for the statements that must not hold up the loop."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in the worker thread. A cancelled caller still waits for the call to
        end: the connection must not be used by the loop while the thread is using it (the
        caller's rollback comes after)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        future = asyncio.get_running_loop().run_in_executor(
            self._executor, functools.partial(fn, *args)
        )
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            while not future.done():
                try:
                    await asyncio.shield(future)
                except asyncio.CancelledError:
                    continue
                except BaseException:  # the call's own failure: the cancellation wins
                    break
            raise

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


class Cursor:
    def __init__(self, conn: Conn, cursor: sqlite3.Cursor) -> None:
        self._conn = conn
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def description(self) -> Any:
        return self._cursor.description

    async def fetchone(self) -> sqlite3.Row | None:
        row: sqlite3.Row | None = await self._conn._call(self._cursor.fetchone)
        return row

    async def fetchall(self) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = await self._conn._call(self._cursor.fetchall)
        return rows

    async def fetchmany(self, size: int) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = await self._conn._call(self._cursor.fetchmany, size)
        return rows

    async def close(self) -> None:
        await self._conn._call(self._cursor.close)

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class _Executed:
    """What `Conn.execute` returns: awaited, the cursor; with `async with`, the cursor, closed
    at the block's end (aiosqlite's two forms)."""

    def __init__(self, conn: Conn, sql: str, params: Params) -> None:
        self._conn = conn
        self._sql = sql
        self._params = params
        self._cursor: Cursor | None = None

    async def _run(self) -> Cursor:
        raw = await self._conn._call(self._conn.raw.execute, self._sql, self._params)
        return Cursor(self._conn, raw)

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._run().__await__()

    async def __aenter__(self) -> Cursor:
        self._cursor = await self._run()
        return self._cursor

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class Conn:
    """One SQLite connection: calls on the loop, or all in `worker` (`off_loop`)."""

    def __init__(
        self,
        raw: sqlite3.Connection,
        worker: Worker,
        in_worker: bool = False,
        memo: dict[object, Any] | None = None,
    ) -> None:
        self.raw = raw
        self._worker = worker
        self._in_worker = in_worker
        # What storage functions keep between calls, keyed by a version the database itself
        # keeps (`storage.posts.open_posts_slice`): shared by every view of this connection.
        self.memo: dict[object, Any] = memo if memo is not None else {}

    @classmethod
    def open(cls, path: str) -> Conn:
        raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        raw.row_factory = sqlite3.Row
        ensure_math_functions(raw)
        return cls(raw, Worker())

    def off_loop(self) -> Conn:
        """The same connection, every call of it in the worker thread: for statements that
        may run long (a year of indicators, an export). Use it only while holding the lock
        the connection came with."""
        return Conn(self.raw, self._worker, in_worker=True, memo=self.memo)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """Every call into SQLite goes through here (tests count them)."""
        if self._in_worker:
            return await self._worker.run(fn, *args)
        return fn(*args)

    async def begin(self, statement: str, wait_s: float = WRITE_LOCK_WAIT_S) -> None:
        """Run `statement` (a BEGIN, or a script starting with one), retrying while another
        connection holds the write lock, for up to `wait_s`, the loop free meanwhile."""
        await retry_while_busy(lambda: self._call(self.raw.execute, statement), wait_s)

    def execute(self, sql: str, params: Params = ()) -> _Executed:
        return _Executed(self, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> Cursor:
        return Cursor(self, await self._call(self.raw.executemany, sql, rows))

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await self._call(_fetchall, self.raw, sql, params)

    async def executescript(self, script: str) -> Cursor:
        return Cursor(self, await self._call(self.raw.executescript, script))

    async def commit(self) -> None:
        await self._call(self.raw.commit)

    async def rollback(self) -> None:
        await self._call(self.raw.rollback)

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        self.raw.set_trace_callback(callback)

    async def backup(self, target: str) -> None:
        """SQLite's online backup of this connection's database into the file `target`, in
        the worker thread."""
        await self._worker.run(_backup_to, self.raw, target)

    async def close(self) -> None:
        self._worker.close()
        self.raw.close()


# SQLite's math functions the audience statement uses (storage/profiles.py), as Python's math
# module computes them: both call the C library, so the floats are the same.
MATH_FUNCTIONS: dict[str, tuple[int, Callable[..., float]]] = {
    "sin": (1, math.sin),
    "cos": (1, math.cos),
    "asin": (1, math.asin),
    "acos": (1, math.acos),
    "sqrt": (1, math.sqrt),
    "pow": (2, math.pow),
    "radians": (1, math.radians),
}


def ensure_math_functions(raw: sqlite3.Connection) -> None:
    """SQLite has its math functions when built with them (the default since 3.35, as in
    Debian's and the python.org builds); an older or leaner build gets Python's."""
    try:
        raw.execute("SELECT sin(0), asin(0), pow(2, 2)").fetchone()
    except sqlite3.OperationalError:
        register_math_functions(raw)


def register_math_functions(raw: sqlite3.Connection) -> None:
    for name, (arity, function) in MATH_FUNCTIONS.items():
        raw.create_function(name, arity, _null_safe(function), deterministic=True)


def _null_safe(function: Callable[..., float]) -> Callable[..., float | None]:
    """NULL in, NULL out, as SQLite's own functions (an association's place may be unknown)."""

    def call(*args: float | None) -> float | None:
        if any(arg is None for arg in args):
            return None
        return function(*args)

    return call


def _fetchall(raw: sqlite3.Connection, sql: str, params: Params) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = raw.execute(sql, params).fetchall()
    return rows


def _backup_to(raw: sqlite3.Connection, target: str) -> None:
    dest = sqlite3.connect(target)
    try:
        raw.backup(dest)
    finally:
        dest.close()


async def retry_while_busy(attempt: Callable[[], Awaitable[T]], wait_s: float) -> T:
    """`attempt()`, again after a growing pause (1 ms to 50 ms) while SQLite answers "locked",
    for up to `wait_s` (wall time: a lock held by another process does not follow the
    injected clock)."""
    deadline = time.monotonic() + wait_s
    pause = 0.001
    while True:
        try:
            return await attempt()
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.05)


def is_busy(error: sqlite3.OperationalError) -> bool:
    """SQLite's "database is locked": another connection holds the write lock."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == sqlite3.SQLITE_BUSY)
    return "locked" in str(error)
