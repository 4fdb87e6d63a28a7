"""The durable outbox: every notification is a row before it is sent.

States: queued -> in_flight -> sent | failed; `held` waits for something outside the sender
(WhatsApp's 24-hour window). A row left `in_flight` by a crash is requeued at start: it may be
sent twice, and only those rows can be (neither platform offers an idempotency key).

A text that several rows of one `enqueue` carry (a relay: one rendering per language for
thousands of members) is stored once in `payloads` and referenced (`payload_id`; the row's own
`payload` is then ''). `OutboxMessage.payload` is the row's own text; `payload_body` reads a
shared one (the sender caches the few recent ones).

A file sent with a message (a chart, an export) is stored once in `files` (storage/files.py):
the payload keeps its id, and the row (or the shared payload) references it (`file_id`), so
the purge knows when it is no longer used.

A relay carries its post (`post_id`): the sender drops it, unsent, when the post is no longer
open by the time the row is due (`drop_closed_relays`).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from storage import files
from storage.db import Conn
from storage.timefmt import to_db

# The answer to what a person just wrote: first, and not held behind their chat's news.
PRIORITY_REPLY = -1
PRIORITY_URGENT = 0
PRIORITY_NOTIFICATION = 1
PRIORITY_DIGEST = 2
# Every priority a row may have, most urgent first: the sender's pick walks them in this order
# (storage/deliveries.py), so a row with any other priority would never be picked.
PRIORITIES = (PRIORITY_REPLY, PRIORITY_URGENT, PRIORITY_NOTIFICATION, PRIORITY_DIGEST)
# A text carried by at least this many rows of one `enqueue` is stored once in `payloads`.
SHARED_FROM = 2
# What a dropped relay's row says (state 'failed').
POST_CLOSED = "post closed"


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
    # Set: the text is the shared payload of that id (`payload` is then '').
    payload_id: int | None = None
    post_id: int | None = None
    # Read with the pick: the row relays a post that is no longer open.
    post_closed: bool = False


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    channel: str
    external_id: str
    member_id: int | None
    payload: str
    priority: int
    # Not sent before this moment (a member's quiet hours); None: as soon as possible.
    not_before: datetime | None = None
    # The post this row relays: not sent if the post is no longer open when the row is due.
    post_id: int | None = None
    # A text already stored in `payloads` (a relay job's, bot/fanout_jobs.py): `payload` is ''.
    payload_id: int | None = None


def message_from_row(row: sqlite3.Row) -> OutboxMessage:
    keys = row.keys()
    return OutboxMessage(
        id=row["id"],
        channel=row["channel"],
        external_id=row["external_id"],
        member_id=row["member_id"],
        payload=row["payload"],
        priority=row["priority"],
        attempts=row["attempts"],
        ambiguous_attempts=row["ambiguous_attempts"],
        payload_id=row["payload_id"],
        post_id=row["post_id"],
        post_closed=bool(row["post_closed"]) if "post_closed" in keys else False,
    )


# All rows of one `enqueue` in one statement: each row's own fields as one JSON array, read
# back in order (`key`: ids follow the list, so a chat's messages keep their order); the moment
# they were queued is bound once. Measured for a relay to 10,000 members: ~42 ms of SQLite
# instead of ~77 ms for `executemany` of 9 bound values per row (docs/benchmarks.md).
# (now, rows json: [[channel, external_id, member_id, payload, payload_id, post_id, priority,
#  due or null, file_id or null], ...])
INSERT_ROWS = """
INSERT INTO outbox (channel, external_id, member_id, payload, payload_id, post_id, priority,
                    next_attempt_at, created_at, file_id)
SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
       json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
       json_extract(value, '$[6]'), COALESCE(json_extract(value, '$[7]'), ?1), ?1,
       json_extract(value, '$[8]')
FROM json_each(?2)
ORDER BY key
"""

# Up to this many rows, one INSERT of bound VALUES instead (issue 12, one digest): SQLite
# parses the JSON above once per field, ~25 µs a row for a digest's 1.5 KB text, against
# ~2 µs a row bound (a relay's rows, whose text is shared, carry ''). Rows are inserted in
# the VALUES' order, as `key` orders them above.
BOUND_ROWS = 50
_INSERT_BOUND = (
    "INSERT INTO outbox (channel, external_id, member_id, payload, payload_id, post_id,"
    " priority, next_attempt_at, created_at, file_id) VALUES "
)
_BOUND_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


async def enqueue(conn: Conn, messages: list[QueuedMessage], now: datetime) -> int:
    """Store `messages`, in this order, in one statement. A text several of them carry is
    stored once (`payloads`) and each row references it; a file they carry is stored once
    (`files`) and the text keeps its id."""
    if not messages:
        return 0
    uses = Counter(m.payload for m in messages if m.payload_id is None)
    # Each distinct text once: its file (if any) stored, the bytes swapped for the file's id.
    stored = {payload: await files.externalise(conn, payload, now) for payload in uses}
    shared = {
        payload: await store_payload(conn, stored[payload][0], now)
        for payload, count in uses.items()
        if count >= SHARED_FROM
    }
    rows = []
    for m in messages:
        if m.priority not in PRIORITIES:
            raise ValueError(f"unknown priority {m.priority}")
        payload_id = m.payload_id if m.payload_id is not None else shared.get(m.payload)
        due = None if m.not_before is None or m.not_before <= now else to_db(m.not_before)
        own, file_id = stored[m.payload] if payload_id is None else ("", None)
        rows.append(
            (
                m.channel,
                m.external_id,
                m.member_id,
                own,
                payload_id,
                m.post_id,
                m.priority,
                due,
                file_id,
            )
        )
    queued_at = to_db(now)
    if len(rows) <= BOUND_ROWS:
        params: list[object] = []
        for *fields, due, file_id in rows:
            params += (*fields, due or queued_at, queued_at, file_id)
        await conn.execute(_INSERT_BOUND + ",".join([_BOUND_ROW] * len(rows)), params)
    else:
        await conn.execute(INSERT_ROWS, (queued_at, json.dumps(rows, ensure_ascii=False)))
    return len(messages)


async def store_payload(conn: Conn, body: str, now: datetime) -> int:
    """Store a text several rows will reference (its file, if any, in `files`)."""
    body, file_id = await files.externalise(conn, body, now)
    async with conn.execute(
        "INSERT INTO payloads (body, created_at, file_id) VALUES (?, ?, ?) RETURNING id",
        (body, to_db(now), file_id),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def payload_body(conn: Conn, payload_id: int) -> str | None:
    """The shared text of that id (None: purged, which no row still referencing it allows)."""
    async with conn.execute("SELECT body FROM payloads WHERE id = ?", (payload_id,)) as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else None


async def drop_closed_relays(conn: Conn, message_ids: Collection[int]) -> int:
    """Relays whose post is no longer open are not sent: queued ones become `failed` with
    `POST_CLOSED` (one statement for the batch)."""
    if not message_ids:
        return 0
    cur = await conn.executemany(
        "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ? AND state = 'queued'",
        [(POST_CLOSED, message_id) for message_id in message_ids],
    )
    return cur.rowcount


# The last message to a member who erased their data (`/oublier`'s answer) keeps neither their
# address nor its text once it is sent or has failed (storage/privacy.py).
_UNLESS_FORGOTTEN = (
    " external_id = CASE WHEN {forgotten} THEN '' ELSE external_id END,"
    " payload = CASE WHEN {forgotten} THEN '' ELSE payload END"
).format(
    forgotten="EXISTS (SELECT 1 FROM members m WHERE m.id = outbox.member_id"
    " AND m.forgotten_at IS NOT NULL)"
)


async def mark_sent(conn: Conn, message_id: int, platform_id: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, platform_message_id = ?,"
        f" last_error = NULL, {_UNLESS_FORGOTTEN} WHERE id = ?",
        (to_db(now), platform_id, message_id),
    )


async def mark_failed(conn: Conn, message_id: int, error: str) -> None:
    await conn.execute(
        f"UPDATE outbox SET state = 'failed', last_error = ?, {_UNLESS_FORGOTTEN} WHERE id = ?",
        (error, message_id),
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
