"""The event log: one row per state change, the base of the network's indicators."""

from __future__ import annotations

from datetime import datetime

from storage.db import Conn
from storage.timefmt import to_db


async def record_event(
    conn: Conn,
    now: datetime,
    kind: str,
    actor_id: int | None,
    *,
    post_id: int | None = None,
    claim_id: int | None = None,
    quantity: float | None = None,
    unit: str | None = None,
    detail: str = "",
) -> None:
    await conn.execute(
        "INSERT INTO events (at, kind, actor_id, post_id, claim_id, quantity, unit, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (to_db(now), kind, actor_id, post_id, claim_id, quantity, unit, detail),
    )


async def event_kinds_for_post(conn: Conn, post_id: int) -> list[str]:
    async with conn.execute(
        "SELECT kind FROM events WHERE post_id = ? ORDER BY id", (post_id,)
    ) as cur:
        return [row[0] for row in await cur.fetchall()]


# The kinds that set a claim's collected figure; the latest one counts.
FIGURE_KINDS = ("completed", "done_corrected")


async def collected_by_claim(conn: Conn, post_id: int) -> dict[int, float | None]:
    """Each completed claim of a post and its collected figure, as the log says it now: an
    author's correction takes the place of the claimer's first figure."""
    async with conn.execute(
        "SELECT claim_id, quantity FROM events WHERE id IN ("
        " SELECT MAX(id) FROM events WHERE post_id = ? AND claim_id IS NOT NULL"
        " AND kind IN (?, ?) GROUP BY claim_id)",
        (post_id, *FIGURE_KINDS),
    ) as cur:
        return {int(row[0]): row[1] for row in await cur.fetchall()}


async def collected_totals(conn: Conn) -> dict[str | None, float]:
    """What the network collected or delivered, per unit: each completed claim's latest figure
    (a correction counts instead of the first figure; a claim later cancelled does not count)."""
    async with conn.execute(
        "SELECT p.unit, SUM(e.quantity) FROM events e"
        " JOIN claims c ON c.id = e.claim_id JOIN posts p ON p.id = e.post_id"
        " WHERE c.status = 'done' AND e.quantity IS NOT NULL AND e.id IN ("
        "  SELECT MAX(id) FROM events WHERE claim_id IS NOT NULL AND kind IN (?, ?)"
        "  GROUP BY claim_id)"
        " GROUP BY p.unit",
        FIGURE_KINDS,
    ) as cur:
        return {row[0]: float(row[1]) for row in await cur.fetchall()}


async def events_of_kind(conn: Conn, kind: str) -> list[tuple[int | None, str]]:
    """(actor, detail) of every event of one kind, oldest first (changes of settings)."""
    async with conn.execute(
        "SELECT actor_id, detail FROM events WHERE kind = ? ORDER BY id", (kind,)
    ) as cur:
        return [(row[0], row[1]) for row in await cur.fetchall()]
