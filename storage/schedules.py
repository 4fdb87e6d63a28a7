"""What the scheduler already did, who wants the daily digest, and the rows it reads.

A deed (a digest, a reminder, an expiry) is claimed with `claim_once` in the same transaction
as its messages: INSERT OR IGNORE makes "once" hold across restarts and double wake-ups.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from storage.db import Conn
from storage.members import member_from_row
from storage.models import Claim, Member, Post
from storage.posts import SELECT_CLAIM, SELECT_POST, claim_from_row, post_from_row
from storage.timefmt import date_from_db, date_to_db, from_db, to_db

T = TypeVar("T")


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

# A bound on the statements' variables (an IN list is read in chunks of this many).
CHUNK = 500


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


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


async def digest_time_of(conn: Conn, member_id: int, default_time: str) -> str | None:
    async with conn.execute(SELECT_SUBSCRIBERS + " WHERE id = ?", (default_time, member_id)) as cur:
        row = await cur.fetchone()
    return row["chosen_time"] if row else None


async def set_digest_time(
    conn: Conn, member_id: int, local_time: str | None, now: datetime
) -> None:
    """`local_time` None unsubscribes (a coordinator too). (A trigger marks the member's
    `digest_schedule` row to be computed again: migration 0020.)"""
    await conn.execute(
        "INSERT INTO digest_subscriptions (member_id, local_time, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (member_id) DO UPDATE SET local_time = excluded.local_time,"
        " updated_at = excluded.updated_at",
        (member_id, local_time, to_db(now)),
    )


# ------------------------------------------------------------------ when digests are due

# Rows whose next digest is due at `now` (or to be computed: ''), from digest_schedule_due.
# `chosen_time` as in SELECT_SUBSCRIBERS: NULL when the member gets no digest.
DUE_DIGESTS = """
SELECT m.id, m.association_id, a.name AS association_name, m.name, m.role, m.status,
       m.language, s.next_due_at, s.last_sent_at,
       CASE WHEN m.status != 'active' THEN NULL
            WHEN d.member_id IS NULL THEN (CASE WHEN m.role = 'coordinator' THEN ? END)
            ELSE d.local_time END AS chosen_time
FROM digest_schedule s INDEXED BY digest_schedule_due
JOIN members m ON m.id = s.member_id
JOIN associations a ON a.id = m.association_id
LEFT JOIN digest_subscriptions d ON d.member_id = s.member_id
WHERE s.next_due_at <= ?
ORDER BY s.member_id
"""


@dataclass(frozen=True)
class DueRow:
    """A member whose `next_due_at` has come (or is to be computed)."""

    member: Member
    local_time: str | None  # None: no digest
    next_due_at: datetime | None  # None: to be computed
    last_sent_at: datetime | None


async def due_digest_rows(conn: Conn, now: datetime, default_time: str) -> list[DueRow]:
    async with conn.execute(DUE_DIGESTS, (default_time, to_db(now))) as cur:
        rows = await cur.fetchall()
    return [
        DueRow(
            member_from_row(row),
            row["chosen_time"],
            from_db(row["next_due_at"]) if row["next_due_at"] else None,
            from_db(row["last_sent_at"]) if row["last_sent_at"] else None,
        )
        for row in rows
    ]


async def set_next_due(conn: Conn, due: list[tuple[int, datetime | None]]) -> None:
    """Each member's next digest instant (None: none)."""
    await conn.executemany(
        "UPDATE digest_schedule SET next_due_at = ? WHERE member_id = ?",
        [(to_db(at) if at is not None else None, member_id) for member_id, at in due],
    )


async def mark_digests_sent(
    conn: Conn, sent: list[tuple[int, datetime | None]], now: datetime
) -> None:
    """Digests claimed at `now`: the next of each member is due at the instant given."""
    await conn.executemany(
        "UPDATE digest_schedule SET last_sent_at = ?, next_due_at = ? WHERE member_id = ?",
        [(to_db(now), to_db(at) if at is not None else None, member_id) for member_id, at in sent],
    )


async def last_digest_at(conn: Conn, member_id: int) -> datetime | None:
    async with conn.execute(
        "SELECT last_sent_at FROM digest_schedule WHERE member_id = ?", (member_id,)
    ) as cur:
        row = await cur.fetchone()
    return from_db(row[0]) if row and row[0] else None


async def digest_zone(conn: Conn) -> str | None:
    async with conn.execute("SELECT fingerprint FROM digest_zone WHERE id = 1") as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else None


async def reset_digest_schedule(conn: Conn, fingerprint: str) -> None:
    """The zone (or its rules) changed: every next digest instant is computed again."""
    await conn.execute("UPDATE digest_schedule SET next_due_at = '' WHERE next_due_at IS NOT NULL")
    await conn.execute(
        "INSERT INTO digest_zone (id, fingerprint) VALUES (1, ?)"
        " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
        (fingerprint,),
    )


async def claimed_keys(conn: Conn, keys: Sequence[str]) -> set[str]:
    """Which of these deeds are already done."""
    found: set[str] = set()
    for chunk in chunks(keys):
        marks = ",".join("?" for _ in chunk)
        async with conn.execute(
            f"SELECT key FROM schedules WHERE key IN ({marks})", tuple(chunk)
        ) as cur:
            found.update(str(row[0]) for row in await cur.fetchall())
    return found


async def claim_all(conn: Conn, keys: Sequence[str], now: datetime) -> None:
    """Claim deeds the caller found not done (`claimed_keys`) in this same transaction."""
    await conn.executemany(
        "INSERT INTO schedules (key, done_at) VALUES (?, ?)", [(key, to_db(now)) for key in keys]
    )


# ------------------------------------------------------------------ what digests read


@dataclass(frozen=True)
class PostHead:
    """Enough of an open post to place it in a digest's sections (and count them)."""

    id: int
    kind: str
    urgent: bool
    deadline: date | None
    association_id: int


_HEADS = (
    "SELECT * FROM (SELECT p.id, p.kind, p.urgent, p.deadline, p.association_id FROM posts p"
    " WHERE p.status = 'open' AND p.kind IN ({marks}) AND p.urgent = {urgent}"
    " ORDER BY p.deadline IS NULL, p.deadline, p.id LIMIT ?)"
)


async def open_post_heads(conn: Conn, kinds: tuple[str, ...], limit: int) -> list[PostHead]:
    """The first `limit` open posts of these kinds, urgent first, then by deadline (undated
    last) and age: the list's order, read from posts_open_list (no sort of every open post)."""
    marks = ",".join("?" for _ in kinds)
    sql = (
        _HEADS.format(marks=marks, urgent=1) + " UNION ALL " + _HEADS.format(marks=marks, urgent=0)
    )
    async with conn.execute(sql, (*kinds, limit, *kinds, limit)) as cur:
        rows = await cur.fetchall()
    heads = [
        PostHead(
            int(row["id"]),
            row["kind"],
            bool(row["urgent"]),
            date_from_db(row["deadline"]),
            int(row["association_id"]),
        )
        for row in rows
    ]
    heads.sort(key=lambda h: (not h.urgent, h.deadline is None, h.deadline or date.min, h.id))
    return heads[:limit]


@dataclass(frozen=True)
class ActivityRow:
    """A claim or a completion, without its post (read in bulk, then placed)."""

    at: datetime
    kind: str  # claimed | completed | closed
    post_id: int
    association_name: str | None
    quantity: float | None


@dataclass(frozen=True)
class Activity:
    """A claim or a completion since the last digest."""

    kind: str  # claimed | completed | closed
    post: Post
    association_name: str | None
    quantity: float | None


async def activity_rows(
    conn: Conn, since: datetime, until: datetime, limit: int
) -> list[ActivityRow]:
    """Claims and completions in (since, until], oldest first, from events_at."""
    async with conn.execute(
        "SELECT e.at, e.kind, e.quantity, e.post_id, a.name AS association_name"
        " FROM events e INDEXED BY events_at"
        " LEFT JOIN members m ON m.id = e.actor_id"
        " LEFT JOIN associations a ON a.id = m.association_id"
        " WHERE e.at > ? AND e.at <= ? AND e.kind IN ('claimed', 'completed', 'closed')"
        " AND e.post_id IS NOT NULL ORDER BY e.at, e.id LIMIT ?",
        (to_db(since), to_db(until), limit),
    ) as cur:
        rows = await cur.fetchall()
    return [
        ActivityRow(
            from_db(row["at"]),
            row["kind"],
            int(row["post_id"]),
            row["association_name"],
            row["quantity"],
        )
        for row in rows
    ]


async def active_claims_of_associations(
    conn: Conn, association_ids: Sequence[int], per_association: int
) -> dict[int, list[Claim]]:
    """Each association's active claims, newest first, at most `per_association` each."""
    found: dict[int, list[Claim]] = {}
    for chunk in chunks(sorted(set(association_ids))):
        marks = ",".join("?" for _ in chunk)
        async with conn.execute(
            SELECT_CLAIM + f" WHERE c.status = 'active' AND c.association_id IN ({marks})"
            " ORDER BY c.association_id, c.id DESC",
            tuple(chunk),
        ) as cur:
            for row in await cur.fetchall():
                claims = found.setdefault(int(row["association_id"]), [])
                if len(claims) < per_association:
                    claims.append(claim_from_row(row))
    return found


async def unanswered_posts_of_associations(
    conn: Conn, association_ids: Sequence[int]
) -> dict[int, list[Post]]:
    """Each association's open posts nobody has taken yet (deadline first, undated last)."""
    found: dict[int, list[Post]] = {}
    for chunk in chunks(sorted(set(association_ids))):
        marks = ",".join("?" for _ in chunk)
        async with conn.execute(
            SELECT_POST + f" WHERE p.status = 'open' AND p.association_id IN ({marks})"
            " AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.post_id = p.id"
            " AND c.status != 'cancelled')"
            " ORDER BY p.association_id, p.deadline IS NULL, p.deadline, p.id",
            tuple(chunk),
        ) as cur:
            for row in await cur.fetchall():
                found.setdefault(int(row["association_id"]), []).append(post_from_row(row))
    return found


async def unreachable_members_of_associations(
    conn: Conn, association_ids: Sequence[int]
) -> dict[int, list[Member]]:
    found: dict[int, list[Member]] = {}
    for chunk in chunks(sorted(set(association_ids))):
        marks = ",".join("?" for _ in chunk)
        async with conn.execute(
            "SELECT m.id, m.association_id, a.name AS association_name, m.name, m.role,"
            " m.status, m.language FROM members m JOIN associations a ON a.id = m.association_id"
            f" WHERE m.association_id IN ({marks}) AND m.status = 'unreachable'"
            " ORDER BY m.association_id, m.name",
            tuple(chunk),
        ) as cur:
            for row in await cur.fetchall():
                found.setdefault(int(row["association_id"]), []).append(member_from_row(row))
    return found


async def posts_by_ids(conn: Conn, post_ids: Sequence[int]) -> dict[int, Post]:
    found: dict[int, Post] = {}
    for chunk in chunks(sorted(set(post_ids))):
        marks = ",".join("?" for _ in chunk)
        async with conn.execute(SELECT_POST + f" WHERE p.id IN ({marks})", tuple(chunk)) as cur:
            for row in await cur.fetchall():
                post = post_from_row(row)
                found[post.id] = post
    return found


# ------------------------------------------------------------------ what reminders read


# Each query leaves out the deeds already done (their key in `schedules`, looked up by its
# primary key): a tick re-reads only what is still to do, not every live post of the day.


async def offers_to_remind(conn: Conn, day: date) -> list[Post]:
    """Open offers whose deadline is `day`, their author not reminded yet."""
    async with conn.execute(
        SELECT_POST + " WHERE p.status = 'open' AND p.deadline = ? AND p.kind = 'offer'"
        " AND NOT EXISTS (SELECT 1 FROM schedules s"
        " WHERE s.key = 'reminder:offer_expiring:post:' || p.id || ':' || ?) ORDER BY p.id",
        (date_to_db(day), date_to_db(day)),
    ) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


async def claims_to_remind(conn: Conn, day: date) -> list[tuple[Claim, Post]]:
    """Active claims on live offers (pickup day) and lent equipment (return date) whose
    deadline is `day`, not reminded yet."""
    async with conn.execute(
        SELECT_CLAIM + " JOIN posts p ON p.id = c.post_id"
        " WHERE c.status = 'active' AND p.deadline = ? AND p.status IN ('open', 'taken')"
        " AND p.kind IN ('offer', 'equipment_offer')"
        " AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.key ="
        " (CASE p.kind WHEN 'offer' THEN 'reminder:pickup_day:claim:'"
        " ELSE 'reminder:return:claim:' END) || c.id || ':' || ?)"
        " ORDER BY c.id",
        (date_to_db(day), date_to_db(day)),
    ) as cur:
        claims = [claim_from_row(row) for row in await cur.fetchall()]
    found = await posts_by_ids(conn, [c.post_id for c in claims])
    return [(c, found[c.post_id]) for c in claims if c.post_id in found]


async def posts_to_check(conn: Conn, last_deadline: date) -> list[Post]:
    """Live posts (not lent equipment) whose deadline is `last_deadline` or before, with an
    active claim, whose « récupéré ? » was not asked yet."""
    async with conn.execute(
        SELECT_POST + " WHERE p.status IN ('open', 'taken') AND p.deadline <= ?"
        " AND p.kind != 'equipment_offer'"
        " AND EXISTS (SELECT 1 FROM claims c WHERE c.post_id = p.id AND c.status = 'active')"
        " AND NOT EXISTS (SELECT 1 FROM schedules s"
        " WHERE s.key = 'reminder:pickup_check:post:' || p.id || ':' || p.deadline)"
        " ORDER BY p.id",
        (date_to_db(last_deadline),),
    ) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


async def posts_to_expire(conn: Conn, last_deadline: date) -> list[Post]:
    """Open posts whose deadline is `last_deadline` or before, with no active claim (a post
    partly taken is settled by the pickup question), not expired yet."""
    async with conn.execute(
        SELECT_POST + " WHERE p.status = 'open' AND p.deadline <= ?"
        " AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.post_id = p.id AND c.status = 'active')"
        " AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.key = 'expire:post:' || p.id)"
        " ORDER BY p.id",
        (date_to_db(last_deadline),),
    ) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]
