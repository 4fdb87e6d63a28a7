"""The counts behind the limits (issue 9): failed code attempts, each sender's messages in
their current window, urgent posts per author, a post's last broadcast. In SQLite, in the
caller's transaction, so that a restart resets nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Conn, fetch_one
from storage.timefmt import from_db, to_db

# Failed attempts older than this are of no use to any window: deleted as new ones come.
KEEP_ATTEMPTS = timedelta(days=1)


# ------------------------------------------------------------------ failed codes


async def record_failed_attempt(conn: Conn, address: str, now: datetime) -> None:
    await conn.execute("DELETE FROM code_attempts WHERE at < ?", (to_db(now - KEEP_ATTEMPTS),))
    await conn.execute(
        "INSERT INTO code_attempts (address, at) VALUES (?, ?)", (address, to_db(now))
    )


async def failed_attempts_since(conn: Conn, since: datetime, address: str | None = None) -> int:
    """Failed attempts after `since`: one sender's, or everyone's (`address` None)."""
    if address is None:
        query = "SELECT COUNT(*) FROM code_attempts WHERE at > ?"
        params: tuple[str, ...] = (to_db(since),)
    else:
        query = "SELECT COUNT(*) FROM code_attempts WHERE address = ? AND at > ?"
        params = (address, to_db(since))
    async with conn.execute(query, params) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def nth_latest_attempt(
    conn: Conn, since: datetime, n: int, address: str | None = None
) -> datetime | None:
    """The `n`-th most recent failed attempt after `since` (1 = the latest): once it leaves
    the window, fewer than `n` remain in it."""
    where = "at > ?" if address is None else "address = ? AND at > ?"
    params = (to_db(since),) if address is None else (address, to_db(since))
    async with conn.execute(
        f"SELECT at FROM code_attempts WHERE {where} ORDER BY at DESC LIMIT 1 OFFSET ?",
        (*params, max(n - 1, 0)),
    ) as cur:
        row = await cur.fetchone()
    return from_db(row[0]) if row else None


# ------------------------------------------------------------------ messages per sender


@dataclass(frozen=True)
class SenderWindow:
    started_at: datetime
    count: int
    # True when this message is the first beyond the limit in its window (the one notice).
    notify: bool

    def over(self, limit: int) -> bool:
        return self.count > limit


async def count_message(
    conn: Conn, address: str, now: datetime, window: timedelta, limit: int
) -> SenderWindow:
    """Count one message of `address` in its current window (a new window starts when the
    last one is over) and say whether it is the first one beyond `limit`. One statement
    (an upsert that starts the new window itself), and a second one only for that notice."""
    expired = to_db(now - window)
    row = await fetch_one(
        conn,
        "INSERT INTO sender_windows AS w (address, started_at, count, notified)"
        " VALUES (?, ?, 1, 0) ON CONFLICT (address) DO UPDATE SET"
        " count = CASE WHEN w.started_at <= ? THEN 1 ELSE w.count + 1 END,"
        " notified = CASE WHEN w.started_at <= ? THEN 0 ELSE w.notified END,"
        " started_at = CASE WHEN w.started_at <= ? THEN excluded.started_at ELSE w.started_at END"
        " RETURNING started_at, count, notified",
        (address, to_db(now), expired, expired, expired),
    )
    assert row is not None  # an upsert always returns its row
    count = int(row["count"])
    notify = count > limit and not row["notified"]
    if notify:
        await conn.execute("UPDATE sender_windows SET notified = 1 WHERE address = ?", (address,))
    return SenderWindow(from_db(row["started_at"]), count, notify)


async def purge_sender_windows(conn: Conn, before: datetime) -> int:
    """Forget windows started before `before` (a sender who wrote long ago starts afresh)."""
    cur = await conn.execute("DELETE FROM sender_windows WHERE started_at < ?", (to_db(before),))
    return cur.rowcount


# ------------------------------------------------------------------ urgent posts, relaunches


async def urgent_posts_since(conn: Conn, author_id: int, since: datetime) -> int:
    """Posts of `author_id` that became urgent after `since` (index posts_author_urgent)."""
    async with conn.execute(
        "SELECT COUNT(*) FROM posts WHERE author_id = ? AND urgent_since > ?",
        (author_id, to_db(since)),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def last_broadcast(conn: Conn, post_id: int) -> datetime | None:
    """When the post last went to the whole network: published, relaunched, or relayed again
    as urgent once a coordinator confirmed it (the event log, index events_post)."""
    async with conn.execute(
        "SELECT MAX(at) FROM events WHERE post_id = ?"
        " AND kind IN ('post_created', 'post_relaunched', 'urgent_confirmed')",
        (post_id,),
    ) as cur:
        row = await cur.fetchone()
    return from_db(row[0]) if row and row[0] else None
