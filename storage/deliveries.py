"""The sender's side of the outbox: pick the next rows, mark one in flight, record each attempt.

`storage/outbox.py` enqueues; this module is what the sender loop runs. A row is marked
`in_flight` on its own, right before its send, so a crash can only repeat the rows that were
really on the wire at that instant; `requeue_interrupted` counts them (attempts `interrupted`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from datetime import datetime

from storage.db import Conn, fetch_all, fetch_one
from storage.outbox import PRIORITIES, PRIORITY_REPLY, OutboxMessage, message_from_row
from storage.timefmt import from_db, to_db

# Outcomes written to `delivery_attempts.outcome`.
SENT = "sent"
RETRY = "retry"
AMBIGUOUS = "ambiguous"  # no answer read: the message may have arrived; retried, bounded
RATE_LIMITED = "rate_limited"
FAILED = "failed"
UNREACHABLE = "unreachable"
REJECTED = "rejected"
HELD = "held"
INTERRUPTED = "interrupted"


# The due rows of one channel, most urgent first, read from the partial index `outbox_pick`
# (migration 0019) in exactly its order: no ranking of the queue, no temporary B-tree; the
# caller stops after one batch. Rows deferred (quiet hours, backoff) are past the due ones of
# their priority and cost nothing. Chats paused (429) or busy are left out; in a chat whose
# window is full (`replies_only`), only a reply may go. The relayed post's state comes with
# each row (one primary-key lookup per row read, not per row queued).
# (channel, *PRIORITIES, now, skip_chats json, PRIORITY_REPLY, replies_only json)
DUE_ROWS = f"""
SELECT o.id, o.channel, o.external_id, o.member_id, o.payload, o.payload_id, o.post_id,
       o.priority, o.attempts, o.ambiguous_attempts,
       o.post_id IS NOT NULL AND p.status IS NOT 'open' AS post_closed
FROM outbox o INDEXED BY outbox_pick
LEFT JOIN posts p ON p.id = o.post_id
WHERE o.channel = ? AND o.state = 'queued'
  AND o.priority IN ({", ".join("?" for _ in PRIORITIES)}) AND o.next_attempt_at <= ?
  AND o.external_id NOT IN (SELECT value FROM json_each(?))
  AND (o.priority = ? OR o.external_id NOT IN (SELECT value FROM json_each(?)))
ORDER BY o.priority, o.next_attempt_at, o.id
"""
# Rows read per step while looking for one batch of heads: a first step the size of the batch,
# then larger ones (a chat with many rows due is walked past in few steps).
FIRST_STEP = 64
MAX_STEP = 4096


def due_rows_args(
    channel: str, now: datetime, skip_chats: Collection[str], replies_only: Collection[str]
) -> tuple[object, ...]:
    return (
        channel,
        *PRIORITIES,
        to_db(now),
        json.dumps(list(skip_chats)),
        PRIORITY_REPLY,
        json.dumps(list(replies_only)),
    )


async def due_heads(
    conn: Conn,
    channel: str,
    now: datetime,
    limit: int,
    skip_chats: Collection[str] = (),
    replies_only: Collection[str] = (),
    behind: set[str] | None = None,
) -> list[OutboxMessage]:
    """The next due row of each chat of `channel` (except `skip_chats`; in `replies_only`,
    replies only), most urgent first, at most `limit`: the first row met of each chat, walking
    the due rows in order, is that chat's head, so one busy chat cannot hide the others and the
    messages of one chat keep their order. `post_closed` says a relay is no longer to be sent.
    `behind` receives the chats with another due row after their head, among the rows read
    (all of them when fewer than `limit` heads are returned)."""
    heads: list[OutboxMessage] = []
    seen: set[str] = set()
    crowded = behind if behind is not None else set()

    def take(rows: Collection[sqlite3.Row]) -> None:
        for row in rows:
            chat = row["external_id"]
            if chat in seen:
                crowded.add(chat)
            elif len(heads) < limit:
                seen.add(chat)
                heads.append(message_from_row(row))

    step = max(limit, FIRST_STEP)
    args = due_rows_args(channel, now, skip_chats, replies_only)
    # The usual pick is one driver round trip: a short queue, or a long one whose first rows
    # are of different chats. Only when chats with many rows due crowd the first step is the
    # queue walked on, from where that step ended (re-reading it doubled a long queue's pick).
    first = await fetch_all(conn, DUE_ROWS + " LIMIT ?", (*args, step))
    take(first)
    if len(first) < step or len(heads) == limit:
        return heads
    async with conn.execute(DUE_ROWS + " LIMIT -1 OFFSET ?", (*args, len(first))) as cur:
        while len(heads) < limit:
            step = min(step * 4, MAX_STEP)
            rows = list(await cur.fetchmany(step))
            take(rows)
            if len(rows) < step:
                break
    return heads


async def take_sole_queued_reply(
    conn: Conn, channel: str, external_id: str
) -> OutboxMessage | None:
    """Mark in flight the one queued reply to this chat (as `mark_in_flight`) and return it;
    None when there is none, or more than one (they go in their order through the sender's
    pick). Its id is read from `outbox_pick` (the queued replies of the channel, a handful,
    never the queue) in the same statement as the mark: one statement a reply, not two
    (issue 12, cpu22)."""
    row = await fetch_one(
        conn,
        "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1"
        " WHERE id = (SELECT CASE WHEN COUNT(*) = 1 THEN MIN(id) END FROM"
        " (SELECT id FROM outbox INDEXED BY outbox_pick"
        " WHERE channel = ? AND priority = ? AND state = 'queued' AND external_id = ? LIMIT 2))"
        " AND state = 'queued' RETURNING *",
        (channel, PRIORITY_REPLY, external_id),
    )
    return message_from_row(row) if row else None


async def mark_in_flight(conn: Conn, message_id: int) -> OutboxMessage | None:
    """Take one queued row for sending (None if something else changed it meanwhile)."""
    row = await fetch_one(
        conn,
        "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1"
        " WHERE id = ? AND state = 'queued' RETURNING *",
        (message_id,),
    )
    return message_from_row(row) if row else None


async def record_attempt(
    conn: Conn, message_id: int, attempt: int, now: datetime, outcome: str, detail: str = ""
) -> None:
    await conn.execute(
        "INSERT INTO delivery_attempts (outbox_id, attempt, at, outcome, detail)"
        " VALUES (?, ?, ?, ?, ?)",
        (message_id, attempt, to_db(now), outcome, detail[:500]),
    )


async def requeue(
    conn: Conn,
    message_id: int,
    at: datetime,
    error: str,
    *,
    counts_as_attempt: bool = True,
    ambiguous: bool = False,
) -> None:
    """Back in the queue until `at`. A 429 is the platform's pacing, not a failed try: it does
    not use up one of the row's attempts. An ambiguous outcome is counted apart (bounded)."""
    await conn.execute(
        "UPDATE outbox SET state = 'queued', next_attempt_at = ?, last_error = ?,"
        " attempts = attempts - ?, ambiguous_attempts = ambiguous_attempts + ? WHERE id = ?",
        (to_db(at), error[:500], 0 if counts_as_attempt else 1, int(ambiguous), message_id),
    )


async def hold_queued_for(conn: Conn, channel: str, external_id: str, reason: str) -> int:
    """Someone cannot be reached: keep their other messages until they write again."""
    cur = await conn.execute(
        "UPDATE outbox SET state = 'held', last_error = ?"
        " WHERE state = 'queued' AND channel = ? AND external_id = ?",
        (reason, channel, external_id),
    )
    return cur.rowcount


async def hold_unknown_channels(conn: Conn, running: Collection[str]) -> int:
    """Rows for a channel that is not running are held (they go when the person writes)."""
    cur = await conn.execute(
        "UPDATE outbox SET state = 'held', last_error = 'channel not running'"
        " WHERE state = 'queued' AND channel NOT IN (SELECT value FROM json_each(?))",
        (json.dumps(list(running)),),
    )
    return cur.rowcount


async def requeue_interrupted(conn: Conn, now: datetime) -> int:
    """After a stop or a crash: rows left in flight may or may not have gone out. They are sent
    again (the only possible duplicates) and each is recorded as an `interrupted` attempt."""
    await conn.execute(
        "INSERT INTO delivery_attempts (outbox_id, attempt, at, outcome, detail)"
        " SELECT id, attempts, ?, ?, 'in flight at the last stop' FROM outbox"
        " WHERE state = 'in_flight'",
        (to_db(now), INTERRUPTED),
    )
    cur = await conn.execute(
        "UPDATE outbox SET state = 'queued', next_attempt_at = ? WHERE state = 'in_flight'",
        (to_db(now),),
    )
    return cur.rowcount


# The earliest due time of one channel's queued rows: each priority's first entry in
# `outbox_pick` (a few index seeks, however long the queue).
NEXT_DUE = (
    "SELECT MIN(at) FROM ("
    + " UNION ALL ".join(
        "SELECT MIN(next_attempt_at) AS at FROM outbox INDEXED BY outbox_pick"
        " WHERE channel = ? AND state = 'queued' AND priority = ?"
        for _ in PRIORITIES
    )
    + ")"
)


async def next_due_at(conn: Conn, channel: str) -> datetime | None:
    args = [value for priority in PRIORITIES for value in (channel, priority)]
    row = await fetch_one(conn, NEXT_DUE, args)
    return from_db(row[0]) if row and row[0] else None


async def count_in_flight(conn: Conn) -> int:
    async with conn.execute("SELECT COUNT(*) FROM outbox WHERE state = 'in_flight'") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def attempts_of(conn: Conn, message_id: int) -> list[tuple[int, str]]:
    """(attempt number, outcome) of one row, in order."""
    async with conn.execute(
        "SELECT attempt, outcome FROM delivery_attempts WHERE outbox_id = ? ORDER BY id",
        (message_id,),
    ) as cur:
        return [(int(row[0]), str(row[1])) for row in await cur.fetchall()]


async def count_attempts_by_outcome(conn: Conn) -> dict[str, int]:
    async with conn.execute(
        "SELECT outcome, COUNT(*) FROM delivery_attempts GROUP BY outcome"
    ) as cur:
        return {str(row[0]): int(row[1]) for row in await cur.fetchall()}
