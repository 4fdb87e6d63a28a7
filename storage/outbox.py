"""The durable outbox: every notification is a row before it is sent.

States: queued -> in_flight -> sent | failed; `held` waits for something outside the sender
(WhatsApp's 24-hour window). A row left `in_flight` by a crash is requeued at start: it may be
sent twice, and only those rows can be (neither platform offers an idempotency key).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.db import Conn
from storage.timefmt import to_db

# The answer to what a person just wrote: first, and not held behind their chat's news.
PRIORITY_REPLY = -1
PRIORITY_URGENT = 0
PRIORITY_NOTIFICATION = 1
PRIORITY_DIGEST = 2


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    channel: str
    external_id: str
    member_id: int | None
    payload: str
    priority: int
    attempts: int
    ambiguous_attempts: int = 0


@dataclass(frozen=True)
class QueuedMessage:
    channel: str
    external_id: str
    member_id: int | None
    payload: str
    priority: int
    # Not sent before this moment (a member's quiet hours); None: as soon as possible.
    not_before: datetime | None = None


def message_from_row(row: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        channel=row["channel"],
        external_id=row["external_id"],
        member_id=row["member_id"],
        payload=row["payload"],
        priority=row["priority"],
        attempts=row["attempts"],
        ambiguous_attempts=row["ambiguous_attempts"],
    )


async def enqueue(conn: Conn, messages: list[QueuedMessage], now: datetime) -> int:
    await conn.executemany(
        "INSERT INTO outbox (channel, external_id, member_id, payload, priority,"
        " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                m.channel,
                m.external_id,
                m.member_id,
                m.payload,
                m.priority,
                to_db(max(m.not_before or now, now)),
                to_db(now),
            )
            for m in messages
        ],
    )
    return len(messages)


async def mark_sent(conn: Conn, message_id: int, platform_id: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, platform_message_id = ?,"
        " last_error = NULL WHERE id = ?",
        (to_db(now), platform_id, message_id),
    )


async def mark_failed(conn: Conn, message_id: int, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", (error, message_id)
    )


async def mark_held(conn: Conn, message_id: int, reason: str) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'held', last_error = ? WHERE id = ?", (reason, message_id)
    )


async def release_held(conn: Conn, channel: str, external_id: str, now: datetime) -> int:
    cur = await conn.execute(
        "UPDATE outbox SET state = 'queued', next_attempt_at = ? WHERE state = 'held'"
        " AND channel = ? AND external_id = ?",
        (to_db(now), channel, external_id),
    )
    return cur.rowcount


async def count_by_state(conn: Conn) -> dict[str, int]:
    async with conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state") as cur:
        return {row[0]: int(row[1]) for row in await cur.fetchall()}


async def drop_pending_for_member(conn: Conn, member_id: int, reason: str) -> int:
    """A removed member is reached no more: what was waiting for them (queued or held for
    WhatsApp's window) is marked failed, with `reason`, instead of being sent."""
    cur = await conn.execute(
        "UPDATE outbox SET state = 'failed', last_error = ?"
        " WHERE member_id = ? AND state IN ('queued', 'held')",
        (reason, member_id),
    )
    return cur.rowcount
