"""Who hears of a new member, and how: a coordinator's choice, and the arrivals a digest counts.

A join tells the newcomer's association's coordinators and nobody else: the queries here read
that association's coordinators (a handful) or count its arrivals, never its whole roll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from storage.db import Conn
from storage.members import SELECT_MEMBER, member_from_row
from storage.models import Member
from storage.timefmt import from_db, to_db

ArrivalMode = Literal["direct", "digest"]
DEFAULT_ARRIVAL_MODE: ArrivalMode = "direct"
# IN lists are read in chunks of this many.
CHUNK = 500


@dataclass(frozen=True)
class Arrivals:
    """Who joined an association in a span: how many, and the first few names."""

    count: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class ArrivalChoice:
    mode: ArrivalMode
    # Since when (None: never chosen). A digest counts arrivals from then only: earlier ones
    # were told at once.
    since: datetime | None


async def arrival_choice(conn: Conn, member_id: int) -> ArrivalChoice:
    async with conn.execute(
        "SELECT mode, updated_at FROM arrival_notices WHERE member_id = ?", (member_id,)
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return ArrivalChoice(DEFAULT_ARRIVAL_MODE, None)
    mode: ArrivalMode = "digest" if row["mode"] == "digest" else "direct"
    return ArrivalChoice(mode, from_db(row["updated_at"]))


async def digest_choices(conn: Conn, member_ids: list[int]) -> dict[int, datetime]:
    """Of these members, those who chose to read arrivals in their digest, and since when."""
    found: dict[int, datetime] = {}
    for start in range(0, len(member_ids), CHUNK):
        chunk = member_ids[start : start + CHUNK]
        marks = ",".join("?" for _ in chunk)
        for row in await conn.execute_fetchall(
            "SELECT member_id, updated_at FROM arrival_notices"
            f" WHERE member_id IN ({marks}) AND mode = 'digest'",
            chunk,
        ):
            found[int(row["member_id"])] = from_db(row["updated_at"])
    return found


async def set_arrival_mode(conn: Conn, member_id: int, mode: ArrivalMode, now: datetime) -> None:
    """`updated_at` moves only when the mode changes: saying « digest » twice loses nothing."""
    await conn.execute(
        "INSERT INTO arrival_notices (member_id, mode, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (member_id) DO UPDATE SET mode = excluded.mode,"
        " updated_at = CASE WHEN mode = excluded.mode THEN updated_at"
        " ELSE excluded.updated_at END",
        (member_id, mode, to_db(now)),
    )


# A coordinator gets the digest unless they stopped it (`digest_subscriptions.local_time` NULL);
# one who chose the digest for arrivals but stopped it is told at once, or would never know.
TOLD_AT_ONCE = """
SELECT m.id, m.association_id, a.name AS association_name, m.name, m.role, m.status, m.language
FROM members m
JOIN associations a ON a.id = m.association_id
LEFT JOIN arrival_notices n ON n.member_id = m.id
LEFT JOIN digest_subscriptions d ON d.member_id = m.id
WHERE m.association_id = ? AND m.role = 'coordinator' AND m.status = 'active' AND m.id != ?
  AND NOT (COALESCE(n.mode, 'direct') = 'digest'
           AND (d.member_id IS NULL OR d.local_time IS NOT NULL))
ORDER BY m.id
"""


async def coordinators_told_at_once(
    conn: Conn, association_id: int, newcomer_id: int
) -> list[Member]:
    """The association's active coordinators (but the newcomer) who hear of an arrival now."""
    async with conn.execute(TOLD_AT_ONCE, (association_id, newcomer_id)) as cur:
        return [member_from_row(row) for row in await cur.fetchall()]


async def arrivals_between(
    conn: Conn, association_id: int, since: datetime, until: datetime, names: int
) -> Arrivals:
    """Members who joined in [since, until): consecutive digests split time without a gap or an
    overlap, so each arrival is counted in exactly one of them."""
    span = (association_id, to_db(since), to_db(until))
    where = (
        " WHERE m.association_id = ? AND m.joined_at >= ? AND m.joined_at < ?"
        " AND m.status != 'removed'"
    )
    async with conn.execute("SELECT COUNT(*) FROM members m" + where, span) as cur:
        row = await cur.fetchone()
    count = int(row[0]) if row else 0
    if not count:
        return Arrivals(0, ())
    async with conn.execute(
        SELECT_MEMBER + where + " ORDER BY m.joined_at, m.id LIMIT ?", (*span, names)
    ) as cur:
        found = tuple(member_from_row(row).name for row in await cur.fetchall())
    return Arrivals(count, found)
