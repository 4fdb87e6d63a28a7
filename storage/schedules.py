"""What the scheduler already did, who wants the daily digest, and the rows it reads.

A deed (a digest, a reminder, an expiry) is claimed with `claim_once` in the same transaction
as its messages: INSERT OR IGNORE makes "once" hold across restarts and double wake-ups.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from storage.db import Conn
from storage.members import member_from_row
from storage.models import Claim, DigestPost, Member, Post
from storage.posts import (
    SELECT_CLAIM,
    SELECT_POST,
    claim_from_row,
    open_list_version,
    post_from_row,
    posts_from_rows,
)
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

# Rows whose next digest is due at `now` (or to be computed: ''), from digest_schedule_due, a
# page at a time in the index's order (next_due_at, member_id): after the last row of the
# previous page (keyset), at most `limit`, so that no transaction reads every due row at once
# (4,800 at 08:00). `chosen_time` as in SELECT_SUBSCRIBERS: NULL when the member gets no digest.
# `arrivals_since`: since when the member chose to read arrivals in their digest (NULL: not
# chosen; storage/arrivals.py), read here rather than in a statement of its own (issue 12).
DUE_DIGESTS = """
SELECT m.id, m.association_id, a.name AS association_name, m.name, m.role, m.status,
       m.language, s.next_due_at, s.last_sent_at,
       CASE WHEN m.status != 'active' THEN NULL
            WHEN d.member_id IS NULL THEN (CASE WHEN m.role = 'coordinator' THEN ? END)
            ELSE d.local_time END AS chosen_time,
       n.updated_at AS arrivals_since
FROM digest_schedule s INDEXED BY digest_schedule_due
JOIN members m ON m.id = s.member_id
JOIN associations a ON a.id = m.association_id
LEFT JOIN digest_subscriptions d ON d.member_id = s.member_id
LEFT JOIN arrival_notices n ON n.member_id = s.member_id AND n.mode = 'digest'
WHERE s.next_due_at <= ? AND (s.next_due_at, s.member_id) > (?, ?)
ORDER BY s.next_due_at, s.member_id
LIMIT ?
"""
# Before the first row: '' sorts before every instant, and member ids are positive.
FIRST_DUE: tuple[str, int] = ("", 0)


@dataclass(frozen=True)
class DueRow:
    """A member whose `next_due_at` has come (or is to be computed)."""

    member: Member
    local_time: str | None  # None: no digest
    next_due_at: datetime | None  # None: to be computed
    last_sent_at: datetime | None
    position: tuple[str, int]  # where the next page starts after this row
    arrivals_since: datetime | None = None  # arrivals in the digest since then (None: not)


async def due_digest_rows(
    conn: Conn,
    now: datetime,
    default_time: str,
    after: tuple[str, int] = FIRST_DUE,
    limit: int = CHUNK,
) -> list[DueRow]:
    """The first `limit` rows due at `now` after `after` (a previous row's `position`)."""
    rows = await conn.execute_fetchall(
        DUE_DIGESTS, (default_time, to_db(now), after[0], after[1], limit)
    )
    return [
        DueRow(
            member_from_row(row),
            row["chosen_time"],
            from_db(row["next_due_at"]) if row["next_due_at"] else None,
            from_db(row["last_sent_at"]) if row["last_sent_at"] else None,
            (str(row["next_due_at"]), int(row["id"])),
            from_db(row["arrivals_since"]) if row["arrivals_since"] else None,
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


async def claim_new(conn: Conn, keys: Sequence[str], now: datetime) -> set[str]:
    """Claim these deeds in the caller's transaction; returns those claimed now (the others
    were done already). One statement per `CHUNK // 2` keys: the insert says which rows it
    added (RETURNING), so a lookup beforehand is not needed."""
    fresh: set[str] = set()
    for chunk in chunks(keys, CHUNK // 2):
        values = ",".join("(?, ?)" for _ in chunk)
        params = [value for key in chunk for value in (key, to_db(now))]
        rows = await conn.execute_fetchall(
            f"INSERT INTO schedules (key, done_at) VALUES {values}"
            " ON CONFLICT (key) DO NOTHING RETURNING key",
            params,
        )
        fresh.update(str(row[0]) for row in rows)
    return fresh


# ------------------------------------------------------------------ what digests read


class PostHead(NamedTuple):
    """Enough of an open post to place it in a digest's sections (and count them). A tuple,
    as read (a digest tick reads a few hundred): `deadline` is its ISO text (which sorts as
    the date), `urgent` 0 or 1."""

    id: int
    kind: str
    urgent: int
    deadline: str | None
    association_id: int


_HEADS = (
    "SELECT * FROM (SELECT p.id, p.kind, p.urgent, p.deadline, p.association_id"
    " FROM posts p INDEXED BY posts_open_heads"
    " WHERE p.status = 'open' AND p.kind IN ({marks}) AND p.urgent = {urgent}"
    " ORDER BY p.deadline IS NULL, p.deadline, p.id LIMIT {limit})"
)
# The other posts fill what the urgent ones left of the limit (the urgent ones are counted
# again from the index: cheaper than reading rows that would be cut).
_LEFT_AFTER_URGENT = (
    "? - (SELECT COUNT(*) FROM (SELECT 1 FROM posts p INDEXED BY posts_open_heads"
    " WHERE p.status = 'open' AND p.kind IN ({marks}) AND p.urgent = 1 LIMIT ?))"
)


def open_post_heads_query(
    groups: Sequence[tuple[Sequence[str], int]],
) -> tuple[str, list[object]]:
    """The statement of `open_post_heads` and its parameters (its plan is tested)."""
    parts: list[str] = []
    params: list[object] = []
    for kinds, limit in groups:
        marks = ",".join("?" for _ in kinds)
        parts.append(_HEADS.format(marks=marks, urgent=1, limit="?"))
        left = _LEFT_AFTER_URGENT.format(marks=marks)
        parts.append(_HEADS.format(marks=marks, urgent=0, limit=left))
        params += [*kinds, limit, *kinds, limit, *kinds, limit]
    return " UNION ALL ".join(parts), params


def head_order(head: PostHead) -> tuple[int, bool, str, int]:
    """The list's order: urgent first, then by deadline (undated last), then the oldest."""
    return (-head.urgent, head.deadline is None, head.deadline or "", head.id)


async def open_post_heads(
    conn: Conn, groups: Sequence[tuple[Sequence[str], int]]
) -> list[list[PostHead]]:
    """For each group (kinds, limit; the groups' kinds apart): its first `limit` open posts,
    urgent first, then by deadline (undated last) and age: the list's order, read from
    posts_open_heads (no sort of every open post), every group in one statement."""
    sql, params = open_post_heads_query(groups)
    group_of = {kind: index for index, (kinds, _) in enumerate(groups) for kind in kinds}
    found: list[list[PostHead]] = [[] for _ in groups]
    # Each arm's rows come in its ORDER BY (a LIMIT subquery, run as a co-routine), urgent
    # arm first: the list's order without a sort (tests/test_scheduler_scale.py checks it).
    for head in map(PostHead._make, await conn.execute_fetchall(sql, params)):
        found[group_of[head.kind]].append(head)
    return found


@dataclass(frozen=True)
class KeptHeads:
    """`open_post_heads` as read at `version` (migration 0034's number, changed by every
    write of a post, a claim or an association's name), and what callers computed from them
    (`derived`: a digest's sections of a day), kept with them on the connection."""

    version: int | None  # None: not kept (no version to check it against)
    groups: list[list[PostHead]]
    derived: dict[Any, Any] = field(default_factory=dict)


async def kept_open_post_heads(
    conn: Conn, groups: Sequence[tuple[Sequence[str], int]]
) -> KeptHeads:
    """`open_post_heads`, read again only when the open list's version moved (issue 12, one
    digest): the single digests of 07:00, 07:01, ... read the same few hundred heads, which
    cost more than the rest of a digest's statements together. One statement when kept."""
    version = await open_list_version(conn)
    key = ("open_post_heads", tuple((tuple(kinds), limit) for kinds, limit in groups))
    kept = conn.memo.get(key)
    if version is not None and isinstance(kept, KeptHeads) and kept.version == version:
        return kept
    kept = KeptHeads(version, await open_post_heads(conn, groups))
    if version is not None:
        conn.memo[key] = kept  # one per shape of `groups`: the older version goes
    return kept


@dataclass(frozen=True)
class Activity:
    """A claim or a completion (since a reader's last digest), with what its line says of
    the post: read in one statement with it, no post read after."""

    at: datetime
    kind: str  # claimed | completed | closed
    post_id: int
    association_name: str | None
    quantity: float | None
    what: str
    unit: str | None


async def activity_rows(conn: Conn, since: datetime, until: datetime, limit: int) -> list[Activity]:
    """Claims and completions in (since, until], oldest first, from events_at (an event's
    post always exists: a foreign key)."""
    rows = await conn.execute_fetchall(
        "SELECT e.at, e.kind, e.quantity, e.post_id, a.name AS association_name,"
        " p.what, p.unit"
        " FROM events e INDEXED BY events_at"
        " JOIN posts p ON p.id = e.post_id"
        " LEFT JOIN members m ON m.id = e.actor_id"
        " LEFT JOIN associations a ON a.id = m.association_id"
        " WHERE e.at > ? AND e.at <= ? AND e.kind IN ('claimed', 'completed', 'closed')"
        " AND e.post_id IS NOT NULL ORDER BY e.at, e.id LIMIT ?",
        (to_db(since), to_db(until), limit),
    )
    return [
        Activity(
            from_db(row[0]),
            row[1],
            int(row[3]),
            row[4],
            row[2],
            row[5],
            row[6],
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
        for row in await conn.execute_fetchall(
            SELECT_CLAIM + f" WHERE c.status = 'active' AND c.association_id IN ({marks})"
            " ORDER BY c.association_id, c.id DESC",
            tuple(chunk),
        ):
            claims = found.setdefault(int(row["association_id"]), [])
            if len(claims) < per_association:
                claims.append(claim_from_row(row))
    return found


async def unreachable_members_of_associations(
    conn: Conn, association_ids: Sequence[int]
) -> dict[int, list[Member]]:
    found: dict[int, list[Member]] = {}
    for chunk in chunks(sorted(set(association_ids))):
        marks = ",".join("?" for _ in chunk)
        for row in await conn.execute_fetchall(
            "SELECT m.id, m.association_id, a.name AS association_name, m.name, m.role,"
            " m.status, m.language FROM members m JOIN associations a ON a.id = m.association_id"
            f" WHERE m.association_id IN ({marks}) AND m.status = 'unreachable'"
            " ORDER BY m.association_id, m.name",
            tuple(chunk),
        ):
            found.setdefault(int(row["association_id"]), []).append(member_from_row(row))
    return found


async def posts_by_ids(conn: Conn, post_ids: Sequence[int]) -> dict[int, Post]:
    """These posts, whole, by id (one statement per chunk)."""
    found: dict[int, Post] = {}
    for chunk in chunks(sorted(set(post_ids))):
        marks = ",".join("?" for _ in chunk)
        rows = await conn.execute_fetchall(SELECT_POST + f" WHERE p.id IN ({marks})", tuple(chunk))
        found.update((post.id, post) for post in posts_from_rows(rows))
    return found


# The posts a batch of digests shows and each association's unanswered posts (no claim but
# cancelled ones), as `DigestPost`: the columns their lines show, the claimed total from
# claims_post (a correlated sum per post: cheaper than a join and a GROUP BY over every row),
# never `p.*` (the original text, the media, the point: issue 12). `unanswered` tells the two
# apart; `undated` orders them (a compound statement orders by its result columns only).
_DIGEST_POST_COLUMNS = """
SELECT p.id AS id, p.kind, p.what, p.quantity, p.unit, p.deadline AS deadline, p.place,
       p.urgent, p.cold_chain, p.association_id AS association_id,
       a.name AS association_name, {claimed} AS claimed,
       {unanswered} AS unanswered, p.deadline IS NULL AS undated
"""
_SHOWN_POSTS = (
    _DIGEST_POST_COLUMNS.format(
        claimed="COALESCE((SELECT SUM(COALESCE(c.done_quantity, c.quantity, p.quantity))"
        " FROM claims c WHERE c.post_id = p.id AND c.status != 'cancelled'), 0)",
        unanswered=0,
    )
    + """FROM posts p JOIN associations a ON a.id = p.association_id
WHERE p.id IN ({marks})
"""
)
_UNANSWERED_POSTS = (
    _DIGEST_POST_COLUMNS.format(claimed=0, unanswered=1)
    + """FROM posts p INDEXED BY posts_open_association
JOIN associations a ON a.id = p.association_id
WHERE p.status = 'open' AND p.association_id IN ({marks})
  AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.post_id = p.id AND c.status != 'cancelled')
"""
)


def digest_posts_query(
    post_ids: Sequence[int], association_ids: Sequence[int]
) -> tuple[str, list[int]]:
    """The statement of `digest_posts` and its parameters (its plan is tested)."""
    parts: list[str] = []
    if post_ids:
        parts.append(_SHOWN_POSTS.format(marks=",".join("?" for _ in post_ids)))
    if association_ids:
        parts.append(_UNANSWERED_POSTS.format(marks=",".join("?" for _ in association_ids)))
    order = " ORDER BY unanswered, association_id, undated, deadline, id"
    return " UNION ALL ".join(parts) + order, [*post_ids, *association_ids]


@dataclass
class _KeptPosts:
    """Digest posts read at `version` (the open list's: `kept_open_post_heads`), by id."""

    version: int
    posts: dict[int, DigestPost] = field(default_factory=dict)


_KEPT_POSTS = "digest_posts"
# Posts kept at one version, at most (the 08:00 burst adds each association's claimed posts
# to the few dozen every digest shows): past it, the kept ones are dropped and read again.
KEPT_POSTS = 1000


async def digest_posts(
    conn: Conn,
    post_ids: Sequence[int],
    association_ids: Sequence[int],
    version: int | None = None,
) -> tuple[dict[int, DigestPost], dict[int, list[DigestPost]]]:
    """These posts by id, with their claimed totals; and each association's open posts
    nobody has taken yet (deadline first, undated last). One statement per chunk.

    The posts by id are kept on the connection with the open list's version (`version`, the
    caller's reading in this transaction, else read here): the single digests of a morning
    show nearly the same posts, and their claimed totals cost most of the statement. Only
    those not kept at the current version are read; the unanswered ones are always read."""
    if version is None:
        version = await open_list_version(conn)
    kept = conn.memo.get(_KEPT_POSTS)
    if version is None:
        kept = _KeptPosts(0)  # nothing to check against: read, keep nothing
    elif not isinstance(kept, _KeptPosts) or kept.version != version:
        kept = conn.memo[_KEPT_POSTS] = _KeptPosts(version)
    elif len(kept.posts) > KEPT_POSTS:
        kept.posts.clear()
    known = kept.posts
    wanted = sorted(set(post_ids))
    found: dict[int, DigestPost] = {i: known[i] for i in wanted if i in known}
    unanswered: dict[int, list[DigestPost]] = {}
    ids = [i for i in wanted if i not in known]
    associations = sorted(set(association_ids))
    while ids or associations:
        room = CHUNK
        some_ids, ids = ids[:room], ids[room:]
        room -= len(some_ids)
        some_associations, associations = associations[:room], associations[room:]
        sql, params = digest_posts_query(some_ids, some_associations)
        for row in await conn.execute_fetchall(sql, params):
            post = DigestPost(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                date_from_db(row[5]),
                row[6],
                bool(row[7]),
                bool(row[8]),
                row[9],
                row[10],
                row[11],
            )
            if row[12]:
                unanswered.setdefault(post.association_id, []).append(post)
            else:
                found[post.id] = known[post.id] = post
    return found, unanswered


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
