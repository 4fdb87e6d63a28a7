"""How much room the outbox takes (bench/scale.py, issue 12): read-only measures.

Schema-tolerant on purpose: a relay's text may live in each outbox row (`outbox.payload`) or,
once stored once, in a `payloads` table the rows reference; both are counted when present.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Conn


@dataclass(frozen=True)
class OutboxFootprint:
    rows: int  # outbox rows, whatever their state
    text_bytes: int  # message texts stored: outbox.payload plus payloads.body (if that table is)
    database_bytes: int  # pages in use (page_count - freelist_count) x page_size


async def _one_int(conn: Conn, sql: str) -> int:
    async with conn.execute(sql) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


async def outbox_footprint(conn: Conn) -> OutboxFootprint:
    rows = await _one_int(conn, "SELECT COUNT(*) FROM outbox")
    text = await _one_int(conn, "SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM outbox")
    has_payloads = await _one_int(
        conn, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'payloads'"
    )
    if has_payloads:
        text += await _one_int(conn, "SELECT COALESCE(SUM(LENGTH(body)), 0) FROM payloads")
    pages = await _one_int(conn, "PRAGMA page_count")
    free = await _one_int(conn, "PRAGMA freelist_count")
    size = await _one_int(conn, "PRAGMA page_size")
    return OutboxFootprint(rows, text, (pages - free) * size)
