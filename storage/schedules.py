"""What the scheduler already did, who wants the daily digest, and the rows it reads.

A deed (a digest, a reminder, an expiry) is claimed with `claim_once` in the same transaction
as its messages: INSERT OR IGNORE makes "once" hold across restarts and double wake-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Conn
from storage.members import member_from_row
from storage.models import Claim, Member, Post
from storage.posts import SELECT_CLAIM, SELECT_POST, claim_from_row, post_from_row
from storage.timefmt import date_to_db, from_db, to_db


async def claim_once(conn: Conn, key: str, now: datetime) -> bool:
    """True the first time `key` is claimed, False ever after."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO schedules (key, done_at) VALUES (?, ?)", (key, to_db(now))
    )
    return cur.rowcount == 1


async def is_done(conn: Conn, key: str) -> bool:
    async with conn.execute("SELECT 1 FROM schedules WHERE key = ?", (key,)) as cur:
        return await cur.fetchone() is not None


async def last_done_at(conn: Conn, key_prefix: str) -> datetime | None:
    """When a deed whose key starts with `key_prefix` was last done."""
    async with conn.execute(
        "SELECT MAX(done_at) FROM schedules WHERE key >= ? AND key < ?",
        (key_prefix, key_prefix + "\uffff"),
    ) as cur:
        row = await cur.fetchone()
    return from_db(row[0]) if row and row[0] else None


# ------------------------------------------------------------------ digest subscriptions


@dataclass(frozen=True)
class Subscriber:
    member: Member
    local_time: str  # "08:00", in the network's time zone


# `chosen_time`: the member's choice, else the default for coordinators, else NULL.
SELECT_SUBSCRIBERS = """
SELECT * FROM (
    SELECT m.id, m.association_id, a.name AS association_name, m.name, m.role, m.status,
           m.language,
           CASE WHEN d.member_id IS NULL
                THEN (CASE WHEN m.role = 'coordinator' THEN ? END)
                ELSE d.local_time END AS chosen_time
    FROM members m
    JOIN associations a ON a.id = m.association_id
    LEFT JOIN digest_subscriptions d ON d.member_id = m.id
    WHERE m.status = 'active'
)
"""


async def digest_subscribers(conn: Conn, default_time: str) -> list[Subscriber]:
    """Active members who get the digest: coordinators by default, anyone who asked."""
    async with conn.execute(
        SELECT_SUBSCRIBERS + " WHERE chosen_time IS NOT NULL ORDER BY id", (default_time,)
    ) as cur:
        return [
            Subscriber(member_from_row(row), row["chosen_time"]) for row in await cur.fetchall()
        ]


async def digest_time_of(conn: Conn, member_id: int, default_time: str) -> str | None:
    async with conn.execute(SELECT_SUBSCRIBERS + " WHERE id = ?", (default_time, member_id)) as cur:
        row = await cur.fetchone()
    return row["chosen_time"] if row else None


async def set_digest_time(
    conn: Conn, member_id: int, local_time: str | None, now: datetime
) -> None:
    """`local_time` None unsubscribes (a coordinator too)."""
    await conn.execute(
        "INSERT INTO digest_subscriptions (member_id, local_time, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (member_id) DO UPDATE SET local_time = excluded.local_time,"
        " updated_at = excluded.updated_at",
        (member_id, local_time, to_db(now)),
    )


# ------------------------------------------------------------------ what digests and reminders read


@dataclass(frozen=True)
class Activity:
    """A claim or a completion since the last digest."""

    kind: str  # claimed | completed | closed
    post: Post
    association_name: str | None
    quantity: float | None


async def activity_since(conn: Conn, since: datetime, limit: int = 40) -> list[Activity]:
    async with conn.execute(
        "SELECT e.kind, e.quantity, e.post_id, a.name AS association_name FROM events e"
        " LEFT JOIN members m ON m.id = e.actor_id"
        " LEFT JOIN associations a ON a.id = m.association_id"
        " WHERE e.at > ? AND e.kind IN ('claimed', 'completed', 'closed') AND e.post_id IS NOT NULL"
        " ORDER BY e.id LIMIT ?",
        (to_db(since), limit),
    ) as cur:
        rows = await cur.fetchall()
    found: list[Activity] = []
    cache: dict[int, Post | None] = {}
    for row in rows:
        post_id = int(row["post_id"])
        if post_id not in cache:
            cache[post_id] = await _post_by_id(conn, post_id)
        post = cache[post_id]
        if post is not None:
            found.append(Activity(row["kind"], post, row["association_name"], row["quantity"]))
    return found


async def _post_by_id(conn: Conn, post_id: int) -> Post | None:
    async with conn.execute(SELECT_POST + " WHERE p.id = ?", (post_id,)) as cur:
        row = await cur.fetchone()
    return post_from_row(row) if row else None


async def posts_with_deadline(
    conn: Conn, day: date, statuses: tuple[str, ...] = ("open",)
) -> list[Post]:
    marks = ",".join("?" for _ in statuses)
    async with conn.execute(
        SELECT_POST + f" WHERE p.deadline = ? AND p.status IN ({marks}) ORDER BY p.id",
        (date_to_db(day), *statuses),
    ) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


async def posts_past_deadline(conn: Conn, today: date) -> list[Post]:
    """Live posts whose deadline is before `today`."""
    async with conn.execute(
        SELECT_POST + " WHERE p.deadline < ? AND p.status IN ('open', 'taken') ORDER BY p.id",
        (date_to_db(today),),
    ) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


async def active_claims_due_on(conn: Conn, day: date) -> list[tuple[Claim, Post]]:
    """Active claims on posts whose deadline is `day` (pickup day, return date)."""
    async with conn.execute(
        SELECT_CLAIM + " JOIN posts p ON p.id = c.post_id"
        " WHERE c.status = 'active' AND p.deadline = ? AND p.status IN ('open', 'taken')"
        " ORDER BY c.id",
        (date_to_db(day),),
    ) as cur:
        claims = [claim_from_row(row) for row in await cur.fetchall()]
    pairs: list[tuple[Claim, Post]] = []
    for claim in claims:
        post = await _post_by_id(conn, claim.post_id)
        if post is not None:
            pairs.append((claim, post))
    return pairs


async def unanswered_posts_of(conn: Conn, association_id: int) -> list[Post]:
    """The association's open posts nobody has taken yet."""
    async with conn.execute(
        SELECT_POST + " WHERE p.association_id = ? AND p.status = 'open'"
        " AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.post_id = p.id"
        " AND c.status != 'cancelled') ORDER BY p.deadline IS NULL, p.deadline, p.id",
        (association_id,),
    ) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


async def unreachable_members_of(conn: Conn, association_id: int) -> list[Member]:
    async with conn.execute(
        "SELECT m.id, m.association_id, a.name AS association_name, m.name, m.role, m.status,"
        " m.language FROM members m JOIN associations a ON a.id = m.association_id"
        " WHERE m.association_id = ? AND m.status = 'unreachable' ORDER BY m.name",
        (association_id,),
    ) as cur:
        return [member_from_row(row) for row in await cur.fetchall()]
