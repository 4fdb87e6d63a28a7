"""What the administrator's CLI lists (issue 15): members across the network, open invite codes.

Set-based reads with a limit and a count; never a phone number (a member's channels are named,
not their addresses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Conn, fetch_all, fetch_one

# The invites' columns and reading, as storage/members.py reads them for one association.
from storage.members import SELECT_INVITE, _invite
from storage.models import Invite, Role
from storage.timefmt import from_db, to_db


@dataclass(frozen=True)
class MemberLine:
    id: int
    name: str
    association_name: str
    role: Role
    status: str
    channels: tuple[str, ...]  # "telegram", "whatsapp"…, no address
    joined_at: datetime


@dataclass(frozen=True)
class InviteLine:
    invite: Invite
    association_name: str


# The role as the chat says it: an administrator is a coordinator with a grant (migration 0011).
_ROLE = "CASE WHEN g.member_id IS NOT NULL THEN 'admin' ELSE m.role END"
_MEMBERS_WHERE = f"""
FROM members m
JOIN associations a ON a.id = m.association_id
LEFT JOIN network_admins g ON g.member_id = m.id
WHERE (? IS NULL OR m.association_id = ?)
  AND (CASE WHEN ? IS NULL THEN m.status != 'removed' ELSE m.status = ? END)
  AND (? IS NULL OR {_ROLE} = ?)
"""


async def member_lines(
    conn: Conn,
    association_id: int | None,
    role: Role | None,
    status: str | None,
    limit: int,
) -> tuple[list[MemberLine], int]:
    """Members matching the filters (no status: all but the removed), by association then
    coordinators first then name, at most `limit`; and how many match in all."""
    params = (association_id, association_id, status, status, role, role)
    rows = await fetch_all(
        conn,
        f"SELECT m.id, m.name, a.name AS association_name, {_ROLE} AS role, m.status,"
        " m.joined_at,"
        " (SELECT group_concat(DISTINCT i.channel) FROM identities i WHERE i.member_id = m.id)"
        " AS channels"
        + _MEMBERS_WHERE
        + " ORDER BY a.name COLLATE NOCASE, m.role = 'member', m.name COLLATE NOCASE, m.id"
        " LIMIT ?",
        (*params, limit),
    )
    total = await fetch_one(conn, "SELECT COUNT(*)" + _MEMBERS_WHERE, params)
    lines = [
        MemberLine(
            id=int(row["id"]),
            name=str(row["name"]),
            association_name=str(row["association_name"]),
            role=row["role"],
            status=str(row["status"]),
            channels=tuple(sorted(str(row["channels"]).split(","))) if row["channels"] else (),
            joined_at=from_db(row["joined_at"]),
        )
        for row in rows
    ]
    return lines, int(total[0]) if total else 0


async def open_invites_everywhere(
    conn: Conn, now: datetime, limit: int
) -> tuple[list[InviteLine], int]:
    """Every association's codes that still work, newest first, at most `limit`; and how
    many there are in all."""
    where = (
        " WHERE used_by IS NULL AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
    )
    rows = await fetch_all(
        conn,
        "SELECT i.*, a.name AS association_name FROM ("
        + SELECT_INVITE
        + where
        + ") i JOIN associations a ON a.id = i.association_id"
        " ORDER BY i.created_at DESC, i.code LIMIT ?",
        (to_db(now), limit),
    )
    total = await fetch_one(conn, "SELECT COUNT(*) FROM invites" + where, (to_db(now),))
    found = [InviteLine(_invite(row), str(row["association_name"])) for row in rows]
    return found, int(total[0]) if total else 0
