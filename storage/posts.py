"""Posts (needs, offers, equipment) and their claims. Claims are the "must happen once" part."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Conn, fetch_one
from storage.events import record_event
from storage.models import Claim, NewPost, Post, PostKind, PostPoint
from storage.timefmt import date_from_db, date_to_db, from_db, to_db

SELECT_POST = """
SELECT p.*, a.name AS association_name,
       COALESCE((SELECT SUM(COALESCE(c.done_quantity, c.quantity, p.quantity)) FROM claims c
                 WHERE c.post_id = p.id AND c.status != 'cancelled'), 0) AS claimed,
       (SELECT COUNT(*) FROM claims c WHERE c.post_id = p.id AND c.status = 'active')
           AS active_claims
FROM posts p JOIN associations a ON a.id = p.association_id
"""

SELECT_CLAIM = """
SELECT c.*, a.name AS association_name FROM claims c
JOIN associations a ON a.id = c.association_id
"""


def post_from_row(row: sqlite3.Row) -> Post:
    return Post(
        id=row["id"],
        kind=row["kind"],
        what=row["what"],
        category=row["category"],
        quantity=row["quantity"],
        unit=row["unit"],
        deadline=date_from_db(row["deadline"]),
        date_kind=row["date_kind"],
        place=row["place"],
        urgent=bool(row["urgent"]),
        cold_chain=bool(row["cold_chain"]),
        status=row["status"],
        author_id=row["author_id"],
        association_id=row["association_id"],
        association_name=row["association_name"],
        created_at=from_db(row["created_at"]),
        claimed=float(row["claimed"] or 0),
        active_claims=int(row["active_claims"]),
        media_urls=tuple(json.loads(row["media_urls"] or "[]")),
        urgent_pending=bool(row["urgent_pending"]),
        original_text=row["original_text"] or "",
        latitude=row["latitude"],
        longitude=row["longitude"],
    )


_POST_COLUMNS = (
    "id",
    "kind",
    "what",
    "category",
    "quantity",
    "unit",
    "deadline",
    "date_kind",
    "place",
    "urgent",
    "cold_chain",
    "status",
    "author_id",
    "association_id",
    "association_name",
    "created_at",
    "claimed",
    "active_claims",
    "media_urls",
    "urgent_pending",
    "original_text",
    "latitude",
    "longitude",
)


def posts_from_rows(rows: Sequence[sqlite3.Row]) -> list[Post]:
    """`post_from_row` for many rows of one statement: the columns are found by name once
    (a row's lookup by name searches its columns each time), then read by position."""
    if not rows:
        return []
    names = {name: index for index, name in reversed(list(enumerate(rows[0].keys())))}
    (
        i_id,
        i_kind,
        i_what,
        i_category,
        i_quantity,
        i_unit,
        i_deadline,
        i_date_kind,
        i_place,
        i_urgent,
        i_cold_chain,
        i_status,
        i_author,
        i_association,
        i_association_name,
        i_created,
        i_claimed,
        i_active,
        i_media,
        i_pending,
        i_original,
        i_latitude,
        i_longitude,
    ) = (names[column] for column in _POST_COLUMNS)
    return [
        Post(
            id=row[i_id],
            kind=row[i_kind],
            what=row[i_what],
            category=row[i_category],
            quantity=row[i_quantity],
            unit=row[i_unit],
            deadline=date_from_db(row[i_deadline]),
            date_kind=row[i_date_kind],
            place=row[i_place],
            urgent=bool(row[i_urgent]),
            cold_chain=bool(row[i_cold_chain]),
            status=row[i_status],
            author_id=row[i_author],
            association_id=row[i_association],
            association_name=row[i_association_name],
            created_at=from_db(row[i_created]),
            claimed=float(row[i_claimed] or 0),
            active_claims=int(row[i_active]),
            media_urls=_media_urls(row[i_media]),
            urgent_pending=bool(row[i_pending]),
            original_text=row[i_original] or "",
            latitude=row[i_latitude],
            longitude=row[i_longitude],
        )
        for row in rows
    ]


def _media_urls(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text and text != "[]" else ()


def claim_from_row(row: sqlite3.Row) -> Claim:
    return Claim(
        id=row["id"],
        post_id=row["post_id"],
        member_id=row["member_id"],
        association_id=row["association_id"],
        association_name=row["association_name"],
        quantity=row["quantity"],
        status=row["status"],
        done_quantity=row["done_quantity"],
        created_at=from_db(row["created_at"]),
    )


async def create_post(
    conn: Conn, post: NewPost, author_id: int, association_id: int, now: datetime
) -> Post:
    cur = await conn.execute(
        "INSERT INTO posts (kind, category, what, quantity, unit, deadline, date_kind, place,"
        " urgent, cold_chain, author_id, association_id, original_text, created_at, updated_at,"
        " media_urls, urgent_since, urgent_pending, latitude, longitude)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            post.kind,
            post.category,
            post.what,
            post.quantity,
            post.unit,
            date_to_db(post.deadline),
            post.date_kind,
            post.place,
            int(post.urgent),
            int(post.cold_chain),
            author_id,
            association_id,
            post.original_text,
            to_db(now),
            to_db(now),
            json.dumps(list(post.media_urls)),
            to_db(now) if post.urgent else None,
            int(post.urgent_pending),
            post.latitude,
            post.longitude,
        ),
    )
    post_id = int(cur.lastrowid or 0)
    await record_event(
        conn,
        now,
        "post_created",
        author_id,
        post_id=post_id,
        quantity=post.quantity,
        unit=post.unit,
        detail=post.kind,
    )
    created = await post_by_id(conn, post_id)
    assert created is not None
    return created


async def post_by_id(conn: Conn, post_id: int) -> Post | None:
    async with conn.execute(SELECT_POST + " WHERE p.id = ?", (post_id,)) as cur:
        row = await cur.fetchone()
    return post_from_row(row) if row else None


async def open_posts(conn: Conn, kinds: tuple[PostKind, ...], limit: int = 30) -> list[Post]:
    marks = ",".join("?" for _ in kinds)
    async with conn.execute(
        SELECT_POST + f" WHERE p.status = 'open' AND p.kind IN ({marks})"
        " ORDER BY p.urgent DESC, p.deadline IS NULL, p.deadline, p.id LIMIT ?",
        (*kinds, limit),
    ) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


# Inside a list, urgent and other posts each read in this order: the soonest deadline first,
# undated posts last, then the oldest first.
LIST_ORDER = "p.deadline IS NULL, p.deadline, p.id"


def _kind_marks(kinds: tuple[PostKind, ...]) -> str:
    return ",".join("?" for _ in kinds)


async def count_open_posts(conn: Conn, kinds: tuple[PostKind, ...]) -> tuple[int, int]:
    """How many open posts of these kinds: (urgent, others), from the counts the posts' writes
    keep (migration 0033): a handful of rows, however many posts are open. A COUNT over the
    open posts' index read every one of them with each /liste (~2 ms for 5,000)."""
    async with conn.execute(
        "SELECT urgent, SUM(count) FROM open_post_counts"
        f" WHERE kind IN ({_kind_marks(kinds)}) GROUP BY urgent",
        kinds,
    ) as cur:
        counts = {bool(row[0]): int(row[1]) for row in await cur.fetchall()}
    return counts.get(True, 0), counts.get(False, 0)


async def open_posts_slice(
    conn: Conn, kinds: tuple[PostKind, ...], urgent: bool, offset: int, limit: int
) -> list[Post]:
    """One slice of the open urgent (or other) posts, in `LIST_ORDER`. The page's ids are
    chosen first: the claimed figures are then computed for those rows only, not for every
    open post the sort passes over."""
    if limit <= 0:
        return []
    version = await open_list_version(conn)
    key = ("open_posts_slice", version, kinds, urgent, offset, limit)
    kept = conn.memo.get(key) if version is not None else None
    if kept is not None:
        return list(kept)
    async with conn.execute(
        SELECT_POST + " JOIN (SELECT p.id FROM posts p"
        f" WHERE p.status = 'open' AND p.kind IN ({_kind_marks(kinds)}) AND p.urgent = ?"
        f" ORDER BY {LIST_ORDER} LIMIT ? OFFSET ?) page ON page.id = p.id"
        f" ORDER BY {LIST_ORDER}",
        (*kinds, int(urgent), limit, offset),
    ) as cur:
        found = tuple(post_from_row(row) for row in await cur.fetchall())
    if version is not None:
        _keep(conn, key, found)
    return list(found)


# Pages of the open list kept (`open_posts_slice`): the first pages of each /liste variant.
KEPT_SLICES = 64


def _keep(conn: Conn, key: tuple[object, ...], found: tuple[Post, ...]) -> None:
    """Keep a page read at `key[1]`'s version; pages of older versions go."""
    memo = conn.memo
    stale = [k for k in memo if isinstance(k, tuple) and k[0] == key[0] and k[1] != key[1]]
    for old in stale:
        del memo[old]
    kept = [k for k in memo if isinstance(k, tuple) and k[0] == key[0]]
    if len(kept) >= KEPT_SLICES:
        del memo[kept[0]]
    memo[key] = found


async def open_list_version(conn: Conn) -> int | None:
    """A number that changes with every write of a post, a claim or an association's name
    (migration 0034's triggers): equal numbers, equal open list."""
    row = await fetch_one(conn, "SELECT version FROM open_list_version WHERE id = 1")
    return int(row[0]) if row else None


def _urgent_marks(urgent_only: bool) -> tuple[str, tuple[int, ...]]:
    """`p.urgent IN (...)`: urgent posts only, or all of them."""
    values = (1,) if urgent_only else (0, 1)
    return ",".join("?" for _ in values), values


def open_in_box_query(
    kinds: tuple[PostKind, ...], urgent_only: bool, box: tuple[float, float, float, float]
) -> tuple[str, tuple[object, ...]]:
    """The statement of `open_post_points_in_box` and its parameters (its plan is tested)."""
    south, north, west, east = box
    urgent_marks, urgent_values = _urgent_marks(urgent_only)
    return (
        "SELECT p.id, p.urgent, p.latitude, p.longitude FROM posts p INDEXED BY posts_open_place"
        " WHERE p.status = 'open' AND p.latitude BETWEEN ? AND ? AND p.longitude BETWEEN ? AND ?"
        f" AND p.kind IN ({_kind_marks(kinds)}) AND p.urgent IN ({urgent_marks})"
        f" ORDER BY {LIST_ORDER}",
        (south, north, west, east, *kinds, *urgent_values),
    )


def without_place_query(
    kinds: tuple[PostKind, ...], urgent_only: bool
) -> tuple[str, tuple[object, ...]]:
    """The statement of `count_open_posts_without_place` and its parameters."""
    urgent_marks, urgent_values = _urgent_marks(urgent_only)
    return (
        "SELECT COUNT(*) FROM posts p INDEXED BY posts_open_place"
        " WHERE p.status = 'open' AND p.latitude IS NULL"
        f" AND p.kind IN ({_kind_marks(kinds)}) AND p.urgent IN ({urgent_marks})",
        (*kinds, *urgent_values),
    )


async def open_post_points_in_box(
    conn: Conn,
    kinds: tuple[PostKind, ...],
    urgent_only: bool,
    box: tuple[float, float, float, float],
) -> list[PostPoint]:
    """The open posts of these kinds inside (south, north, west, east), in `LIST_ORDER`: read
    from the index `posts_open_place` alone (a range on latitude), the sort on that bounded
    set. The caller keeps those within the exact distance."""
    async with conn.execute(*open_in_box_query(kinds, urgent_only, box)) as cur:
        return [
            PostPoint(int(row[0]), bool(row[1]), float(row[2]), float(row[3]))
            for row in await cur.fetchall()
        ]


async def count_open_posts_without_place(
    conn: Conn, kinds: tuple[PostKind, ...], urgent_only: bool
) -> int:
    """Open posts of these kinds whose place is unknown: a filtered list leaves them out."""
    async with conn.execute(*without_place_query(kinds, urgent_only)) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def posts_by_ids(conn: Conn, post_ids: list[int]) -> list[Post]:
    """These posts, in the order given (a page of a filtered list: at most a page of ids)."""
    if not post_ids:
        return []
    marks = ",".join("?" for _ in post_ids)
    async with conn.execute(SELECT_POST + f" WHERE p.id IN ({marks})", post_ids) as cur:
        found = {post.id: post for post in map(post_from_row, await cur.fetchall())}
    return [found[post_id] for post_id in post_ids if post_id in found]


async def latest_post_by(conn: Conn, author_id: int) -> Post | None:
    """An author's newest post (read backwards from the newest: a few rows, not an index)."""
    async with conn.execute(
        SELECT_POST + " WHERE p.author_id = ? ORDER BY p.id DESC LIMIT 1", (author_id,)
    ) as cur:
        row = await cur.fetchone()
    return post_from_row(row) if row else None


async def set_post_place(
    conn: Conn, post_id: int, latitude: float | None, longitude: float | None
) -> None:
    """Where a post is (None: unknown)."""
    await conn.execute(
        "UPDATE posts SET latitude = ?, longitude = ? WHERE id = ?",
        (latitude, longitude, post_id),
    )


async def posts_of_association(conn: Conn, association_id: int, limit: int = 20) -> list[Post]:
    async with conn.execute(
        SELECT_POST + " WHERE p.association_id = ? AND p.status IN ('open', 'taken')"
        " ORDER BY p.id DESC LIMIT ?",
        (association_id, limit),
    ) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


@dataclass(frozen=True)
class PostUpdate:
    what: str | None = None
    category: str | None = None
    quantity: float | None = None
    unit: str | None = None
    deadline: date | None = None
    date_kind: str | None = None
    place: str | None = None
    urgent: bool | None = None
    cold_chain: bool | None = None


async def update_post_fields(
    conn: Conn, post_id: int, update: PostUpdate, actor_id: int, now: datetime
) -> list[str]:
    """Change only the fields given; returns their names."""
    values: dict[str, object] = {}
    for name in ("what", "category", "quantity", "unit", "date_kind", "place"):
        value = getattr(update, name)
        if value is not None:
            values[name] = value
    if update.deadline is not None:
        values["deadline"] = date_to_db(update.deadline)
    for flag in ("urgent", "cold_chain"):
        value = getattr(update, flag)
        if value is not None:
            values[flag] = int(value)
    if not values:
        return []
    assignments = ", ".join(f"{name} = ?" for name in values)  # names from the fixed list above
    await conn.execute(
        f"UPDATE posts SET {assignments}, updated_at = ? WHERE id = ?",
        (*values.values(), to_db(now), post_id),
    )
    if update.urgent:
        # The daily urgent quota counts when a post became urgent (storage.limits).
        await conn.execute(
            "UPDATE posts SET urgent_since = COALESCE(urgent_since, ?), urgent_pending = 0"
            " WHERE id = ?",
            (to_db(now), post_id),
        )
    # The new figure goes into the log with the change: the first one stays in `post_created`.
    await record_event(
        conn,
        now,
        "post_corrected",
        actor_id,
        post_id=post_id,
        quantity=update.quantity,
        unit=update.unit,
        detail=",".join(values),
    )
    return list(values)


async def ask_urgency(conn: Conn, post_id: int) -> None:
    """The post waits for a coordinator to confirm its urgency (beyond its author's quota)."""
    await conn.execute("UPDATE posts SET urgent_pending = 1 WHERE id = ?", (post_id,))


async def confirm_urgency(conn: Conn, post_id: int, actor_id: int, now: datetime) -> bool:
    """A coordinator confirms a post asked as urgent beyond its author's quota; False when it
    was not waiting for that (confirmed by someone else already, or corrected meanwhile)."""
    cur = await conn.execute(
        "UPDATE posts SET urgent = 1, urgent_pending = 0, urgent_since = ?, updated_at = ?"
        " WHERE id = ? AND urgent_pending = 1",
        (to_db(now), to_db(now), post_id),
    )
    if cur.rowcount != 1:
        return False
    await record_event(conn, now, "urgent_confirmed", actor_id, post_id=post_id)
    return True


async def set_post_status(
    conn: Conn, post_id: int, status: str, actor_id: int | None, now: datetime, event: str
) -> None:
    await conn.execute(
        "UPDATE posts SET status = ?, updated_at = ? WHERE id = ?", (status, to_db(now), post_id)
    )
    await record_event(conn, now, event, actor_id, post_id=post_id)


async def refresh_post_status(conn: Conn, post_id: int, now: datetime) -> Post:
    """Derive open/taken/done from the claims, for a post that is still live."""
    post = await post_by_id(conn, post_id)
    assert post is not None
    if post.status not in ("open", "taken"):
        return post
    if post.remaining is None:
        fully_claimed = post.claimed > 0 or post.active_claims > 0 or await _any_claim(conn, post)
    else:
        fully_claimed = post.remaining <= 0
    if fully_claimed and post.active_claims == 0:
        status = "done"
    elif fully_claimed:
        status = "taken"
    else:
        status = "open"
    if status != post.status:
        await conn.execute(
            "UPDATE posts SET status = ?, updated_at = ? WHERE id = ?",
            (status, to_db(now), post_id),
        )
        post = await post_by_id(conn, post_id)
        assert post is not None
    return post


async def _any_claim(conn: Conn, post: Post) -> bool:
    async with conn.execute(
        "SELECT 1 FROM claims WHERE post_id = ? AND status != 'cancelled' LIMIT 1", (post.id,)
    ) as cur:
        return await cur.fetchone() is not None


async def claim_post(
    conn: Conn,
    post_id: int,
    member_id: int,
    association_id: int,
    quantity: float | None,
    now: datetime,
) -> Claim:
    """Record a claim. The caller checked availability inside the same transaction."""
    cur = await conn.execute(
        "INSERT INTO claims (post_id, member_id, association_id, quantity, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (post_id, member_id, association_id, quantity, to_db(now), to_db(now)),
    )
    claim_id = int(cur.lastrowid or 0)
    await record_event(
        conn, now, "claimed", member_id, post_id=post_id, claim_id=claim_id, quantity=quantity
    )
    claim = await claim_by_id(conn, claim_id)
    assert claim is not None
    return claim


async def claim_by_id(conn: Conn, claim_id: int) -> Claim | None:
    async with conn.execute(SELECT_CLAIM + " WHERE c.id = ?", (claim_id,)) as cur:
        row = await cur.fetchone()
    return claim_from_row(row) if row else None


async def active_claims_of_post(conn: Conn, post_id: int) -> list[Claim]:
    async with conn.execute(
        SELECT_CLAIM + " WHERE c.post_id = ? AND c.status = 'active' ORDER BY c.id", (post_id,)
    ) as cur:
        return [claim_from_row(row) for row in await cur.fetchall()]


async def active_claim_of_association(
    conn: Conn, post_id: int, association_id: int
) -> Claim | None:
    async with conn.execute(
        SELECT_CLAIM + " WHERE c.post_id = ? AND c.association_id = ? AND c.status = 'active'"
        " ORDER BY c.id DESC LIMIT 1",
        (post_id, association_id),
    ) as cur:
        row = await cur.fetchone()
    return claim_from_row(row) if row else None


async def claims_of_post(conn: Conn, post_id: int) -> list[Claim]:
    """The claims that count (active or done), oldest first: a few per post."""
    async with conn.execute(
        SELECT_CLAIM + " WHERE c.post_id = ? AND c.status != 'cancelled' ORDER BY c.id", (post_id,)
    ) as cur:
        return [claim_from_row(row) for row in await cur.fetchall()]


async def claims_of_association(conn: Conn, association_id: int, limit: int = 20) -> list[Claim]:
    async with conn.execute(
        SELECT_CLAIM + " WHERE c.association_id = ? AND c.status = 'active'"
        " ORDER BY c.id DESC LIMIT ?",
        (association_id, limit),
    ) as cur:
        return [claim_from_row(row) for row in await cur.fetchall()]


async def complete_claim(
    conn: Conn, claim_id: int, quantity: float | None, actor_id: int, now: datetime
) -> None:
    await conn.execute(
        "UPDATE claims SET status = 'done', done_quantity = ?, updated_at = ? WHERE id = ?",
        (quantity, to_db(now), claim_id),
    )
    await _record_done_figure(conn, claim_id, quantity, actor_id, now, "completed")


async def _record_done_figure(
    conn: Conn, claim_id: int, quantity: float | None, actor_id: int, now: datetime, kind: str
) -> None:
    claim = await claim_by_id(conn, claim_id)
    assert claim is not None
    await record_event(
        conn, now, kind, actor_id, post_id=claim.post_id, claim_id=claim_id, quantity=quantity
    )


async def cancel_claim(conn: Conn, claim_id: int, actor_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE claims SET status = 'cancelled', updated_at = ? WHERE id = ?",
        (to_db(now), claim_id),
    )
    claim = await claim_by_id(conn, claim_id)
    assert claim is not None
    await record_event(
        conn, now, "claim_cancelled", actor_id, post_id=claim.post_id, claim_id=claim_id
    )


async def correct_done_quantity(
    conn: Conn, claim_id: int, quantity: float, actor_id: int, now: datetime
) -> None:
    """The author's figure replaces the claimer's for the indicators. The claim row holds the
    current figure; the first one stays in its `completed` event, the new one is a new event."""
    await conn.execute(
        "UPDATE claims SET done_quantity = ?, updated_at = ? WHERE id = ?",
        (quantity, to_db(now), claim_id),
    )
    await _record_done_figure(conn, claim_id, quantity, actor_id, now, "done_corrected")


async def confirm_done_quantity(conn: Conn, claim: Claim, actor_id: int, now: datetime) -> None:
    """The author agrees with the figure recorded: an event, nothing else changes."""
    await record_event(
        conn,
        now,
        "done_confirmed",
        actor_id,
        post_id=claim.post_id,
        claim_id=claim.id,
        quantity=claim.done_quantity,
    )
