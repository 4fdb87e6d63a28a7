"""What matching and escalation read (issue 11): open posts near a point, posts' places,
profiles by id, the steps of escalation and who coordinates the network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Conn
from storage.members import SELECT_MEMBER, member_from_row
from storage.models import Member, Post, PostKind, Profile
from storage.posts import SELECT_POST, post_from_row
from storage.profiles import SELECT_PROFILE, profile_from_row
from storage.timefmt import date_to_db, to_db

Point = tuple[float, float]
# (south, north, west, east), as handlers.routing.box_around gives it.
Box = tuple[float, float, float, float]

# Bound parameters per statement stay well under SQLite's limit.
CHUNK = 500


@dataclass(frozen=True)
class PlacedPost:
    post: Post
    point: Point


# The index posts_open_match (kind, category, latitude) WHERE status = 'open' holds the
# kind, the category and the latitude band: the planner reads only that band's open posts of
# that kind and category (INDEXED BY: an error rather than a silent scan if it ever cannot).
OPEN_MATCHING = (
    SELECT_POST.replace("FROM posts p", "FROM posts p INDEXED BY posts_open_match", 1)
    + " WHERE p.status = 'open' AND p.kind = ? AND p.category IS ?"
    " AND p.latitude BETWEEN ? AND ? AND p.longitude BETWEEN ? AND ?"
    " AND p.association_id != ? ORDER BY p.id"
)


async def open_posts_matching(
    conn: Conn,
    kind: PostKind,
    category: str | None,
    box: Box,
    exclude_association: int,
    limit: int = 200,
) -> list[PlacedPost]:
    """Open posts of `kind` and `category` (None: posts without a category) placed inside
    `box`, other associations' only. Posts whose place is unknown are not found."""
    south, north, west, east = box
    async with conn.execute(
        OPEN_MATCHING + " LIMIT ?",
        (kind, category, south, north, west, east, exclude_association, limit),
    ) as cur:
        return [
            PlacedPost(post_from_row(row), (row["latitude"], row["longitude"]))
            for row in await cur.fetchall()
        ]


async def profiles_by_id(conn: Conn, association_ids: set[int]) -> dict[int, Profile]:
    ids = sorted(association_ids)
    found: dict[int, Profile] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        async with conn.execute(SELECT_PROFILE + f" WHERE id IN ({marks})", chunk) as cur:
            for row in await cur.fetchall():
                profile = profile_from_row(row)
                found[profile.association_id] = profile
    return found


# ------------------------------------------------------------------ escalation


# Urgent needs still open since `urgent_since`, with no claim that counts (active or done),
# read from the partial index posts_open_urgent (urgent_since) WHERE status = 'open' AND
# urgent = 1.
_URGENT_UNANSWERED = (
    SELECT_POST.replace("FROM posts p", "FROM posts p INDEXED BY posts_open_urgent", 1)
    + " WHERE p.status = 'open' AND p.urgent = 1 AND p.urgent_since <= ?"
    " AND p.kind IN ('need', 'equipment_request')"
    " AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.post_id = p.id"
    " AND c.status IN ('active', 'done'))"
)

UNESCALATED_URGENT = (
    _URGENT_UNANSWERED + " AND NOT EXISTS (SELECT 1 FROM post_escalations e WHERE e.post_id = p.id"
    " AND e.step = 'ring2') ORDER BY p.urgent_since, p.id LIMIT ?"
)

# Escalated to the next ring at least `?` ago, the coordinators not told yet.
RING2_UNANSWERED = (
    _URGENT_UNANSWERED + " AND EXISTS (SELECT 1 FROM post_escalations e WHERE e.post_id = p.id"
    " AND e.step = 'ring2' AND e.at <= ?)"
    " AND NOT EXISTS (SELECT 1 FROM post_escalations e WHERE e.post_id = p.id"
    " AND e.step = 'coordinators') ORDER BY p.urgent_since, p.id LIMIT ?"
)

# Offers still open (nothing or only part taken) whose use-by date is `?`, from the partial
# index posts_open_dlc (deadline) WHERE status = 'open' AND kind = 'offer' AND date_kind = 'dlc'.
DLC_TODAY = (
    SELECT_POST.replace("FROM posts p", "FROM posts p INDEXED BY posts_open_dlc", 1)
    + " WHERE p.status = 'open' AND p.kind = 'offer' AND p.date_kind = 'dlc' AND p.deadline = ?"
    " AND NOT EXISTS (SELECT 1 FROM post_escalations e WHERE e.post_id = p.id"
    " AND e.step = 'dlc_midday') ORDER BY p.id LIMIT ?"
)


async def urgent_needs_to_widen(conn: Conn, urgent_before: datetime, limit: int) -> list[Post]:
    """Urgent needs open and unclaimed since `urgent_before` or earlier, not widened yet."""
    async with conn.execute(UNESCALATED_URGENT, (to_db(urgent_before), limit)) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


async def urgent_needs_for_coordinators(
    conn: Conn, widened_before: datetime, limit: int
) -> list[Post]:
    """Urgent needs still open and unclaimed, widened at `widened_before` or earlier, whose
    coordinators' step is not done. (A post widened then was urgent before it too.)"""
    async with conn.execute(
        RING2_UNANSWERED, (to_db(widened_before), to_db(widened_before), limit)
    ) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


async def dlc_offers_of(conn: Conn, day: date, limit: int) -> list[Post]:
    """Offers still open whose use-by date is `day`, not re-sent yet."""
    async with conn.execute(DLC_TODAY, (date_to_db(day), limit)) as cur:
        return [post_from_row(row) for row in await cur.fetchall()]


async def claim_step(conn: Conn, post_id: int, step: str, now: datetime) -> bool:
    """True the first time this step of this post is claimed, False ever after (the caller's
    transaction holds the claim and the messages of the step together)."""
    cur = await conn.execute(
        "INSERT INTO post_escalations (post_id, step, at) VALUES (?, ?, ?)"
        " ON CONFLICT (post_id, step) DO NOTHING",
        (post_id, step, to_db(now)),
    )
    return cur.rowcount == 1


async def set_step_notified(conn: Conn, post_id: int, step: str, notified: int) -> None:
    await conn.execute(
        "UPDATE post_escalations SET notified = ? WHERE post_id = ? AND step = ?",
        (notified, post_id, step),
    )


async def steps_of(conn: Conn, post_id: int) -> dict[str, int]:
    """The steps done for a post and how many they notified."""
    async with conn.execute(
        "SELECT step, notified FROM post_escalations WHERE post_id = ? ORDER BY at, step",
        (post_id,),
    ) as cur:
        return {row[0]: int(row[1]) for row in await cur.fetchall()}


async def claiming_associations(conn: Conn, post_id: int) -> set[int]:
    """Associations with a claim that counts (active or done) on a post."""
    async with conn.execute(
        "SELECT DISTINCT association_id FROM claims WHERE post_id = ?"
        " AND status IN ('active', 'done')",
        (post_id,),
    ) as cur:
        return {int(row[0]) for row in await cur.fetchall()}


async def network_coordinators(conn: Conn, exclude_association: int) -> list[Member]:
    """Every active coordinator (network administrators included) of the other associations."""
    async with conn.execute(
        SELECT_MEMBER + " WHERE m.status = 'active' AND m.role = 'coordinator'"
        " AND m.association_id != ? ORDER BY m.id",
        (exclude_association,),
    ) as cur:
        return [member_from_row(row) for row in await cur.fetchall()]
