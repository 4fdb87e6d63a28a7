"""Retention: what the daily purge removes, in short transactions.

Older than the retention (`BOUCLE_RETENTION_DAYS`):
- outbox rows in a final state (`sent`, `failed`) and their `delivery_attempts`;
- shared payloads (a relay's text, migration 0019) no outbox row references any more;
- files sent with messages (migration 0023) no outbox row nor shared payload references any
  more, in batches of `FILE_BATCH_ROWS` (a file may weigh megabytes);
- inbox rows already handled (`processed`, `failed`): their payload, then the row;
- strangers' messages not handled yet (`received`, from an address that is no member's
  identity): the row.
Posts, claims, events, members, schedules stay; `queued`, `in_flight` and `held` outbox rows
and members' unhandled messages (replayed at the next start) are never touched.

The inbox row is also how a redelivered message is recognised (its (channel, message_id) key).
Platforms redeliver within hours (Telegram's pending updates last 24 hours, Twilio retries for
minutes), so a handled message's key is kept `KEEP_KEYS` (2 days) even when the retention is
shorter: between the two, only its payload is blanked. A `received` row needs no key kept: it
was never handled, so handling a redelivery of it is right.

Each batch is one transaction of at most `BATCH_ROWS` rows, found through the indexes of
migration 0004 (no whole-table scan): a large backlog never holds SQLite's write lock for long,
and messages arriving meanwhile take the lock between two batches (`Database` queues
transactions in order).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import files
from storage.db import Conn, Database
from storage.limits import purge_sender_windows
from storage.timefmt import to_db

DEFAULT_RETENTION_DAYS = 30
# A redelivery must be recognised for at least a day: keys are kept twice that.
KEEP_KEYS = timedelta(days=2)
# Measured on a 2-core box with 600-byte payloads: 1,000 outbox rows and their attempts take
# ~15 ms of write lock (30 ms at worst); 5,000 took 70 ms (140 ms at worst), too long for a
# message waiting behind them.
BATCH_ROWS = 1000
# Files weigh up to 16 MB each: fewer per transaction.
FILE_BATCH_ROWS = 20


@dataclass
class PurgeCounts:
    outbox: int = 0
    attempts: int = 0
    payloads: int = 0
    files: int = 0
    inbox_deleted: int = 0
    inbox_blanked: int = 0
    batches: int = 0

    @property
    def total(self) -> int:
        return (
            self.outbox
            + self.attempts
            + self.payloads
            + self.files
            + self.inbox_deleted
            + self.inbox_blanked
        )


# Each query walks one index from its oldest entry (migration 0004), never a whole table.
# (created before, sent before, limit)
EXPIRED_OUTBOX = """
SELECT id FROM outbox INDEXED BY outbox_state_created
WHERE state IN ('sent', 'failed') AND created_at < ? AND (sent_at IS NULL OR sent_at < ?)
LIMIT ?
"""

# Shared payloads created before the retention's start whose rows are all gone, oldest first
# (`payloads_created`); each check is one seek in `outbox_payload`. A payload is created with its
# rows, in one transaction, so none is ever found unreferenced before its rows were purged.
# (created before, limit)
ORPHAN_PAYLOADS = """
SELECT p.id FROM payloads p INDEXED BY payloads_created
WHERE p.created_at < ? AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.payload_id = p.id)
LIMIT ?
"""

# A stranger: no identity has this inbox row's address ("channel:external_id").
IS_STRANGER = """NOT EXISTS (
    SELECT 1 FROM identities i
    WHERE i.channel = inbox.channel
      AND i.external_id = substr(inbox.address, length(inbox.channel) + 2))"""

# (before, keys_before, limit)
EXPIRED_INBOX = f"""
SELECT rowid FROM inbox INDEXED BY inbox_received
WHERE received_at < ?
  AND ((state != 'received' AND received_at < ?) OR (state = 'received' AND {IS_STRANGER}))
LIMIT ?
"""

# (before, keys_before, limit)
INBOX_TO_BLANK = """
SELECT rowid FROM inbox INDEXED BY inbox_received
WHERE received_at < ? AND received_at >= ? AND state != 'received' AND payload != ''
LIMIT ?
"""


async def purge_expired(
    db: Database, now: datetime, retention: timedelta, batch_rows: int = BATCH_ROWS
) -> PurgeCounts:
    """Remove what is older than `now - retention`, one short transaction per batch."""
    before = now - retention
    keys_before = min(before, now - KEEP_KEYS)
    counts = PurgeCounts()
    while True:
        async with db.transaction() as conn:
            rows, attempts = await purge_outbox_batch(conn, before, batch_rows)
        counts.outbox += rows
        counts.attempts += attempts
        counts.batches += 1
        if rows < batch_rows:
            break
        await asyncio.sleep(0)  # let the transactions waiting for the lock go first
    while True:
        async with db.transaction() as conn:
            rows = await purge_payloads_batch(conn, before, batch_rows)
        counts.payloads += rows
        counts.batches += 1
        if rows < batch_rows:
            break
        await asyncio.sleep(0)
    file_batch = min(batch_rows, FILE_BATCH_ROWS)
    while True:
        async with db.transaction() as conn:
            rows = await files.purge_orphans_batch(conn, before, file_batch)
        counts.files += rows
        counts.batches += 1
        if rows < file_batch:
            break
        await asyncio.sleep(0)
    while True:
        async with db.transaction() as conn:
            rows = await purge_inbox_batch(conn, before, keys_before, batch_rows)
        counts.inbox_deleted += rows
        counts.batches += 1
        if rows < batch_rows:
            break
        await asyncio.sleep(0)
    while keys_before < before:
        async with db.transaction() as conn:
            rows = await blank_inbox_batch(conn, before, keys_before, batch_rows)
        counts.inbox_blanked += rows
        counts.batches += 1
        if rows < batch_rows:
            break
        await asyncio.sleep(0)
    # Message-rate windows (storage.limits) last minutes: one row per sender who wrote lately.
    async with db.transaction() as conn:
        await purge_sender_windows(conn, before)
    return counts


async def purge_outbox_batch(conn: Conn, before: datetime, limit: int) -> tuple[int, int]:
    """Delete up to `limit` sent or failed outbox rows created (and sent) before `before`, with
    their attempts: (rows, attempts). A row sent recently stays a while, whatever its age (a
    late delivery status still finds it)."""
    async with conn.execute(EXPIRED_OUTBOX, (to_db(before), to_db(before), limit)) as cur:
        ids = [(row[0],) for row in await cur.fetchall()]
    if not ids:
        return 0, 0
    attempts = await conn.executemany("DELETE FROM delivery_attempts WHERE outbox_id = ?", ids)
    rows = await conn.executemany("DELETE FROM outbox WHERE id = ?", ids)
    return rows.rowcount, attempts.rowcount


async def purge_payloads_batch(conn: Conn, before: datetime, limit: int) -> int:
    """Delete up to `limit` shared payloads created before `before` that no outbox row uses."""
    async with conn.execute(ORPHAN_PAYLOADS, (to_db(before), limit)) as cur:
        ids = [(row[0],) for row in await cur.fetchall()]
    if not ids:
        return 0
    deleted = await conn.executemany("DELETE FROM payloads WHERE id = ?", ids)
    return deleted.rowcount


async def purge_inbox_batch(conn: Conn, before: datetime, keys_before: datetime, limit: int) -> int:
    """Delete up to `limit` inbox rows: handled ones received before `keys_before`, strangers'
    unhandled ones received before `before` (`keys_before` <= `before`)."""
    async with conn.execute(EXPIRED_INBOX, (to_db(before), to_db(keys_before), limit)) as cur:
        rowids = [(row[0],) for row in await cur.fetchall()]
    if not rowids:
        return 0
    deleted = await conn.executemany("DELETE FROM inbox WHERE rowid = ?", rowids)
    return deleted.rowcount


async def blank_inbox_batch(conn: Conn, before: datetime, keys_before: datetime, limit: int) -> int:
    """Blank the payload of up to `limit` handled inbox rows received between `keys_before` and
    `before`: their key still recognises a redelivery, their content is gone."""
    async with conn.execute(INBOX_TO_BLANK, (to_db(before), to_db(keys_before), limit)) as cur:
        rowids = [(row[0],) for row in await cur.fetchall()]
    if not rowids:
        return 0
    blanked = await conn.executemany("UPDATE inbox SET payload = '' WHERE rowid = ?", rowids)
    return blanked.rowcount
