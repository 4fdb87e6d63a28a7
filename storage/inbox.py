"""Inbound messages: stored before they are processed, recognised when redelivered."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.db import Conn, fetch_one
from storage.timefmt import to_db


@dataclass(frozen=True)
class InboxEntry:
    channel: str
    message_id: str
    payload: str


async def record_inbound(
    conn: Conn,
    channel: str,
    message_id: str,
    address: str,
    payload: str,
    now: datetime,
    state: str = "received",
) -> bool:
    """Store an inbound message; False when it was already seen (a redelivery)."""
    try:
        await conn.execute(
            "INSERT INTO inbox (channel, message_id, address, payload, received_at, state)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (channel, message_id, address, payload, to_db(now), state),
        )
    except sqlite3.IntegrityError:
        return False
    return True


async def mark_inbound(conn: Conn, channel: str, message_id: str, state: str) -> None:
    await conn.execute(
        "UPDATE inbox SET state = ? WHERE channel = ? AND message_id = ?",
        (state, channel, message_id),
    )


async def finish_inbound(conn: Conn, channel: str, message_id: str, state: str) -> bool:
    """Mark a pending message `state` (processed, failed); False when it was not pending any
    more (handled already: the caller rolls its transaction back). `is_pending` and
    `mark_inbound` in one statement, a second one only when no row was pending: a message
    nobody stored counts as pending, as in `is_pending`."""
    cur = await conn.execute(
        "UPDATE inbox SET state = ? WHERE channel = ? AND message_id = ? AND state = 'received'",
        (state, channel, message_id),
    )
    if cur.rowcount > 0:
        return True
    return await is_pending(conn, channel, message_id)


async def unprocessed_inbound(conn: Conn) -> list[InboxEntry]:
    """Messages stored but not processed: the process stopped in between."""
    async with conn.execute(
        "SELECT channel, message_id, payload FROM inbox WHERE state = 'received'"
        " ORDER BY received_at"
    ) as cur:
        return [InboxEntry(row[0], row[1], row[2]) for row in await cur.fetchall()]


async def is_pending(conn: Conn, channel: str, message_id: str) -> bool:
    """Stored and not processed yet (a message nobody stored counts as pending: tests, replays
    of messages that never went through `record_inbound`)."""
    row = await fetch_one(
        conn, "SELECT state FROM inbox WHERE channel = ? AND message_id = ?", (channel, message_id)
    )
    return row is None or row[0] == "received"
