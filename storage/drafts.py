"""A post waiting for one answer before it is stored (one question, never an interrogation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Conn, fetch_one
from storage.timefmt import from_db, to_db


@dataclass(frozen=True)
class Draft:
    member_id: int
    question: str
    payload: str
    created_at: datetime


async def save_draft(
    conn: Conn, member_id: int, question: str, payload: str, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO drafts (member_id, question, payload, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (member_id) DO UPDATE SET question = excluded.question,"
        " payload = excluded.payload, created_at = excluded.created_at",
        (member_id, question, payload, to_db(now)),
    )


async def draft_of(conn: Conn, member_id: int) -> Draft | None:
    row = await fetch_one(conn, "SELECT * FROM drafts WHERE member_id = ?", (member_id,))
    if row is None:
        return None
    return Draft(row["member_id"], row["question"], row["payload"], from_db(row["created_at"]))


async def drop_draft(conn: Conn, member_id: int) -> None:
    await conn.execute("DELETE FROM drafts WHERE member_id = ?", (member_id,))
