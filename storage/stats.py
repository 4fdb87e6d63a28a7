"""What an administrator reads of the bot at work (issue 15): `boucle stats`, `/metrics`.

Every figure is one set-based statement over an index (migration 0028 adds the two the
windows need): the outbox's waiting rows by state, the oldest one queued, messages in and out
per channel since a moment, delivery attempts by outcome since a moment, the digests. Nothing
here is on the path of a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Conn, fetch_all, fetch_one
from storage.timefmt import from_db, to_db

# The outbox states a message waits in; `sent` and `failed` are history (purged by retention).
WAITING_STATES = ("queued", "in_flight", "held")


@dataclass(frozen=True)
class Queue:
    by_state: dict[str, int]  # every waiting state, 0 included
    oldest_queued_at: datetime | None  # when the oldest row still queued was created


@dataclass(frozen=True)
class Digests:
    last_at: datetime | None  # the latest digest claimed
    since: int  # digests claimed since the moment asked
    next_at: datetime | None  # the next one due


async def outbox_queue(conn: Conn) -> Queue:
    """The waiting rows by state (index outbox_state_created: the sent history is not read)
    and when the oldest queued one was created."""
    rows = await fetch_all(
        conn,
        "SELECT state, COUNT(*) FROM outbox WHERE state IN (?, ?, ?) GROUP BY state",
        WAITING_STATES,
    )
    by_state = dict.fromkeys(WAITING_STATES, 0) | {str(r[0]): int(r[1]) for r in rows}
    oldest = await fetch_one(conn, "SELECT MIN(created_at) FROM outbox WHERE state = 'queued'", ())
    return Queue(by_state, from_db(oldest[0]) if oldest and oldest[0] else None)


async def received_since(conn: Conn, since: datetime) -> dict[str, int]:
    """Messages received per channel since `since` (index inbox_received). The inbox keeps
    `BOUCLE_RETENTION_DAYS` of them."""
    rows = await fetch_all(
        conn,
        "SELECT channel, COUNT(*) FROM inbox WHERE received_at >= ? GROUP BY channel",
        (to_db(since),),
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def sent_since(conn: Conn, since: datetime) -> dict[str, int]:
    """Messages sent per channel since `since` (index outbox_sent_at, migration 0028)."""
    rows = await fetch_all(
        conn,
        "SELECT channel, COUNT(*) FROM outbox INDEXED BY outbox_sent_at"
        " WHERE sent_at >= ? GROUP BY channel",
        (to_db(since),),
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def attempts_since(conn: Conn, since: datetime) -> dict[str, int]:
    """Delivery attempts by outcome since `since` (sent, retry, ambiguous, rate_limited,
    failed, unreachable, rejected, held, interrupted; index delivery_attempts_at)."""
    rows = await fetch_all(
        conn,
        "SELECT outcome, COUNT(*) FROM delivery_attempts INDEXED BY delivery_attempts_at"
        " WHERE at >= ? GROUP BY outcome",
        (to_db(since),),
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def digests(conn: Conn, since: datetime) -> Digests:
    """The latest digest, how many since `since`, and the next due (one pass over
    digest_schedule: a row per member)."""
    row = await fetch_one(
        conn,
        "SELECT MAX(last_sent_at), COUNT(*) FILTER (WHERE last_sent_at >= ?),"
        " MIN(NULLIF(next_due_at, '')) FROM digest_schedule",
        (to_db(since),),
    )
    if row is None:
        return Digests(None, 0, None)
    return Digests(
        from_db(row[0]) if row[0] else None,
        int(row[1] or 0),
        from_db(row[2]) if row[2] else None,
    )
