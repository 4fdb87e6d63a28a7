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
