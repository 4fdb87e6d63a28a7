"""Linking a member's identities across channels with a short-lived code (`/lier`)."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Conn
from storage.members import INVITE_ALPHABET
from storage.timefmt import from_db, to_db

# Short enough to type on a phone, long enough not to be guessed in 15 minutes.
LINK_CODE_LENGTH = 6


@dataclass(frozen=True)
class LinkCode:
    code: str
    member_id: int
    expires_at: datetime
    used: bool


async def create_link_code(
    conn: Conn, member_id: int, now: datetime, valid_for: timedelta
) -> LinkCode:
    """A fresh code for `member_id`; their earlier unused codes stop working."""
    await conn.execute(
        "DELETE FROM link_codes WHERE member_id = ? AND used_at IS NULL", (member_id,)
    )
    expires = now + valid_for
    while True:
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(LINK_CODE_LENGTH))
        try:
            await conn.execute(
                "INSERT INTO link_codes (code, member_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (code, member_id, to_db(now), to_db(expires)),
            )
        except sqlite3.IntegrityError:
            continue  # collision with an old code: draw again
        return LinkCode(code, member_id, expires, False)


async def link_code(conn: Conn, code: str) -> LinkCode | None:
    async with conn.execute(
        "SELECT code, member_id, expires_at, used_at FROM link_codes WHERE code = ?",
        (code.strip().upper(),),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return LinkCode(row["code"], row["member_id"], from_db(row["expires_at"]), bool(row["used_at"]))


async def use_link_code(conn: Conn, code: str, now: datetime) -> bool:
    """Mark the code used; False if it was used first (single use)."""
    cur = await conn.execute(
        "UPDATE link_codes SET used_at = ? WHERE code = ? AND used_at IS NULL", (to_db(now), code)
    )
    return cur.rowcount == 1
