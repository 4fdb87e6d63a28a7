"""Relays queued in chunks after their message's transaction (migration 0022, bot/fanout_jobs.py).

A job is the relay of one notification to an audience: its members are taken in `members.id`
order, `cursor` is the id of the last one done. `advance` runs in the same transaction as the
chunk's outbox rows, so a chunk is queued exactly once whatever the moment of a crash.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.db import Conn
from storage.timefmt import from_db, to_db

# Attempts of a chunk that raised before the job is left `failed` (for an operator).
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class FanoutJob:
    id: int
    association_ids: tuple[int, ...]
    exclude_members: frozenset[int]
    category: str | None
    urgent: bool
    priority: int
    post_id: int | None
    # language -> payloads.id: the relay's text, rendered once per language.
    payload_ids: dict[str, int]
    # Preferences and quiet hours are read at this moment (the message's), as in the request.
    decided_at: datetime
    cursor: int
    attempts: int = 0


def job_from_row(row: sqlite3.Row) -> FanoutJob:
    return FanoutJob(
        id=row["id"],
        association_ids=tuple(json.loads(row["association_ids"])),
        exclude_members=frozenset(json.loads(row["exclude_members"])),
        category=row["category"],
        urgent=bool(row["urgent"]),
        priority=row["priority"],
        post_id=row["post_id"],
        payload_ids={str(k): int(v) for k, v in json.loads(row["payload_ids"]).items()},
        decided_at=from_db(row["decided_at"]),
        cursor=row["cursor"],
        attempts=row["attempts"],
    )


async def create_job(conn: Conn, job: FanoutJob, now: datetime) -> int:
    """Store `job` (its `id` is ignored); returns the new id."""
    async with conn.execute(
        "INSERT INTO fanout_jobs (association_ids, exclude_members, category, urgent, priority,"
        " post_id, payload_ids, decided_at, cursor, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            json.dumps(list(job.association_ids)),
            json.dumps(sorted(job.exclude_members)),
            job.category,
            int(job.urgent),
            job.priority,
            job.post_id,
            json.dumps(job.payload_ids, sort_keys=True),
            to_db(job.decided_at),
            job.cursor,
            to_db(now),
        ),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def next_job(conn: Conn) -> FanoutJob | None:
    """The oldest job still running."""
    async with conn.execute(
        "SELECT * FROM fanout_jobs WHERE state = 'running' ORDER BY id LIMIT 1"
    ) as cur:
        row = await cur.fetchone()
    return job_from_row(row) if row else None


async def job_by_id(conn: Conn, job_id: int) -> FanoutJob | None:
    async with conn.execute("SELECT * FROM fanout_jobs WHERE id = ?", (job_id,)) as cur:
        row = await cur.fetchone()
    return job_from_row(row) if row else None


async def advance(conn: Conn, job_id: int, cursor: int) -> None:
    """The members up to `cursor` are queued (in this same transaction)."""
    await conn.execute("UPDATE fanout_jobs SET cursor = ? WHERE id = ?", (cursor, job_id))


async def finish(conn: Conn, job_id: int) -> None:
    """Every member is queued: the job is over (its payloads stay, referenced by the rows)."""
    await conn.execute("DELETE FROM fanout_jobs WHERE id = ?", (job_id,))


async def record_failure(conn: Conn, job_id: int, error: str) -> bool:
    """A chunk raised: counted; after `MAX_ATTEMPTS` the job is left `failed`. True: given up."""
    async with conn.execute(
        "UPDATE fanout_jobs SET attempts = attempts + 1, last_error = ?,"
        " state = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE state END"
        " WHERE id = ? RETURNING state",
        (error, MAX_ATTEMPTS, job_id),
    ) as cur:
        row = await cur.fetchone()
    return row is not None and row[0] == "failed"


async def count_running(conn: Conn) -> int:
    async with conn.execute("SELECT COUNT(*) FROM fanout_jobs WHERE state = 'running'") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0
