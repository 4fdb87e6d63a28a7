"""Associations, members, their channel identities and invites."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Conn, fetch_one
from storage.models import Association, Contact, Identity, Invite, Member, Role
from storage.timefmt import from_db, to_db

# No 0/O/1/I/L: codes are read aloud and typed on small phones.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 8
# How long an invite code works (BOUCLE_INVITE_DAYS, `boucle invite --expires`).
DEFAULT_INVITE_VALIDITY = timedelta(days=14)


def invite_shaped(text: str) -> bool:
    """Whether `text` could be one of our codes (a guess), not any short word."""
    code = text.strip().upper()
    return len(code) == INVITE_LENGTH and all(c in INVITE_ALPHABET for c in code)


# An administrator's members.role is 'coordinator'; the grant (network_admins) makes it 'admin'.
SELECT_MEMBER = """
SELECT m.id, m.association_id, a.name AS association_name, m.name,
       CASE WHEN EXISTS (SELECT 1 FROM network_admins g WHERE g.member_id = m.id)
            THEN 'admin' ELSE m.role END AS role,
       m.status, m.language
FROM members m JOIN associations a ON a.id = m.association_id
"""


def member_from_row(row: sqlite3.Row) -> Member:
    return Member(
        id=row["id"],
        association_id=row["association_id"],
        association_name=row["association_name"],
        name=row["name"],
        role=row["role"],
        status=row["status"],
        language=row["language"],
    )


def _association(row: sqlite3.Row) -> Association:
    return Association(
        id=row["id"],
        name=row["name"],
        commune=row["commune"],
        latitude=row["latitude"],
        longitude=row["longitude"],
    )


async def association_by_name(conn: Conn, name: str) -> Association | None:
    async with conn.execute("SELECT * FROM associations WHERE name = ?", (name,)) as cur:
        row = await cur.fetchone()
    return _association(row) if row else None


async def association_by_id(conn: Conn, association_id: int) -> Association | None:
    async with conn.execute("SELECT * FROM associations WHERE id = ?", (association_id,)) as cur:
        row = await cur.fetchone()
    return _association(row) if row else None


async def all_associations(conn: Conn) -> list[Association]:
    async with conn.execute("SELECT * FROM associations ORDER BY name") as cur:
        return [_association(row) for row in await cur.fetchall()]


async def ensure_association(
    conn: Conn,
    name: str,
    commune: str,
    now: datetime,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Association:
    existing = await association_by_name(conn, name)
    if existing:
        return existing
    await conn.execute(
        "INSERT INTO associations (name, commune, latitude, longitude, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (name, commune, latitude, longitude, to_db(now)),
    )
    created = await association_by_name(conn, name)
    assert created is not None
    return created


async def set_association_location(
    conn: Conn, association_id: int, latitude: float, longitude: float
) -> None:
    await conn.execute(
        "UPDATE associations SET latitude = ?, longitude = ? WHERE id = ?",
        (latitude, longitude, association_id),
    )


async def create_invite(
    conn: Conn,
    association_id: int,
    role: Role,
    now: datetime,
    created_by: int | None = None,
    *,
    valid_for: timedelta | None = DEFAULT_INVITE_VALIDITY,
) -> str:
    """A single-use code; it stops working after `valid_for` (None: never, for tests)."""
    expires = to_db(now + valid_for) if valid_for is not None else None
    while True:
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
        try:
            await conn.execute(
                "INSERT INTO invites (code, association_id, role, network_admin, created_by,"
                " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    association_id,
                    _stored_role(role),
                    int(role == "admin"),
                    created_by,
                    to_db(now),
                    expires,
                ),
            )
        except sqlite3.IntegrityError:
            continue  # astronomically rare collision: draw again
        return code


def _invite(row: sqlite3.Row) -> Invite:
    def moment(name: str) -> datetime | None:
        value = row[name]
        return from_db(value) if value else None

    role: Role = "admin" if row["network_admin"] else row["role"]
    return Invite(
        row["code"],
        row["association_id"],
        role,
        row["used_by"],
        created_at=moment("created_at"),
        expires_at=moment("expires_at"),
        revoked_at=moment("revoked_at"),
    )


SELECT_INVITE = (
    "SELECT code, association_id, role, network_admin, used_by, created_at, expires_at,"
    " revoked_at FROM invites"
)


async def invite_by_code(conn: Conn, code: str) -> Invite | None:
    async with conn.execute(SELECT_INVITE + " WHERE code = ?", (code.strip().upper(),)) as cur:
        row = await cur.fetchone()
    return _invite(row) if row else None


async def use_invite(conn: Conn, code: str, member_id: int, now: datetime) -> bool:
    """Mark the invite used; False if someone used it first (single use), or it was revoked or
    expired meanwhile."""
    cur = await conn.execute(
        "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL"
        " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
        (member_id, to_db(now), code, to_db(now)),
    )
    return cur.rowcount == 1


async def open_invites(
    conn: Conn, association_id: int, now: datetime, limit: int
) -> tuple[list[Invite], int]:
    """The association's codes that still work (unused, not revoked, not expired), newest
    first, at most `limit`; and how many there are in all."""
    where = (
        " WHERE association_id = ? AND used_by IS NULL AND revoked_at IS NULL"
        " AND (expires_at IS NULL OR expires_at > ?)"
    )
    params = (association_id, to_db(now))
    async with conn.execute(
        SELECT_INVITE + where + " ORDER BY created_at DESC LIMIT ?", (*params, limit)
    ) as cur:
        found = [_invite(row) for row in await cur.fetchall()]
    async with conn.execute("SELECT COUNT(*) FROM invites" + where, params) as cur:
        row = await cur.fetchone()
    return found, int(row[0]) if row else 0


async def revoke_invite(conn: Conn, code: str, actor_id: int | None, now: datetime) -> bool:
    """Stop an unused code from working; False when it was used or revoked already."""
    cur = await conn.execute(
        "UPDATE invites SET revoked_at = ?, revoked_by = ?"
        " WHERE code = ? AND used_by IS NULL AND revoked_at IS NULL",
        (to_db(now), actor_id, code.strip().upper()),
    )
    return cur.rowcount == 1


async def create_member(
    conn: Conn, association_id: int, name: str, role: Role, now: datetime
) -> Member:
    cur = await conn.execute(
        "INSERT INTO members (association_id, name, role, joined_at) VALUES (?, ?, ?, ?)",
        (association_id, name, _stored_role(role), to_db(now)),
    )
    member_id = int(cur.lastrowid or 0)
    if role == "admin":
        await _grant_admin(conn, member_id, now)
    member = await member_by_id(conn, member_id)
    assert member is not None
    return member


def _stored_role(role: Role) -> str:
    """members.role and invites.role hold 'member' or 'coordinator'; an administrator is a
    coordinator with a grant (migration 0011)."""
    return "coordinator" if role == "admin" else role


async def _grant_admin(conn: Conn, member_id: int, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO network_admins (member_id, granted_at) VALUES (?, ?)"
        " ON CONFLICT (member_id) DO NOTHING",
        (member_id, to_db(now)),
    )


async def set_member_role(conn: Conn, member_id: int, role: Role, now: datetime) -> None:
    """Promote or demote: 'admin' adds the grant, any other role takes it away."""
    await conn.execute("UPDATE members SET role = ? WHERE id = ?", (_stored_role(role), member_id))
    if role == "admin":
        await _grant_admin(conn, member_id, now)
    else:
        await conn.execute("DELETE FROM network_admins WHERE member_id = ?", (member_id,))


async def remove_member(conn: Conn, member_id: int) -> None:
    """The member can no longer act nor be reached (every lookup by address and every audience
    skips 'removed'); their posts, claims and events stay, with their name. An administrator's
    grant goes with them."""
    await conn.execute("UPDATE members SET status = 'removed' WHERE id = ?", (member_id,))
    await conn.execute("DELETE FROM network_admins WHERE member_id = ?", (member_id,))


async def count_coordinators(conn: Conn, association_id: int) -> int:
    """Coordinators (administrators included) still in the association."""
    return await count_of(
        conn,
        "SELECT COUNT(*) FROM members WHERE association_id = ? AND status != 'removed'"
        " AND role = 'coordinator'",
        (association_id,),
    )


async def count_association_members(conn: Conn, association_id: int) -> int:
    """Members still in the association (reachable or not)."""
    return await count_of(
        conn,
        "SELECT COUNT(*) FROM members WHERE association_id = ? AND status != 'removed'",
        (association_id,),
    )


async def association_roster(
    conn: Conn, association_id: int, limit: int, offset: int
) -> list[Member]:
    """One page of the association's members (not the removed): coordinators first, then by
    name, so a page is the same from one /membres to the next."""
    async with conn.execute(
        SELECT_MEMBER + " WHERE m.association_id = ? AND m.status != 'removed'"
        " ORDER BY m.role = 'member', m.name COLLATE NOCASE, m.id LIMIT ? OFFSET ?",
        (association_id, limit, offset),
    ) as cur:
        return [member_from_row(row) for row in await cur.fetchall()]


async def coordinators_of(conn: Conn, association_id: int) -> list[Member]:
    """The association's active coordinators (administrators included)."""
    async with conn.execute(
        SELECT_MEMBER + " WHERE m.association_id = ? AND m.status = 'active'"
        " AND m.role = 'coordinator' ORDER BY m.id",
        (association_id,),
    ) as cur:
        return [member_from_row(row) for row in await cur.fetchall()]


async def members_called(
    conn: Conn, name: str, association_id: int | None, limit: int
) -> list[Member]:
    """Members (not the removed) called `name`, whatever the case, in one association or in
    the whole network (`None`): the CLI's way to find someone."""
    async with conn.execute(
        SELECT_MEMBER + " WHERE m.status != 'removed' AND m.name = ? COLLATE NOCASE"
        " AND (? IS NULL OR m.association_id = ?) ORDER BY m.id LIMIT ?",
        (name, association_id, association_id, limit),
    ) as cur:
        return [member_from_row(row) for row in await cur.fetchall()]


async def member_by_id(conn: Conn, member_id: int) -> Member | None:
    async with conn.execute(SELECT_MEMBER + " WHERE m.id = ?", (member_id,)) as cur:
        row = await cur.fetchone()
    return member_from_row(row) if row else None


async def member_by_address(conn: Conn, channel: str, external_id: str) -> Member | None:
    row = await fetch_one(
        conn,
        SELECT_MEMBER
        + " JOIN identities i ON i.member_id = m.id"
        + " WHERE i.channel = ? AND i.external_id = ? AND m.status != 'removed'",
        (channel, external_id),
    )
    return member_from_row(row) if row else None


async def member_by_name(conn: Conn, name: str) -> Member | None:
    async with conn.execute(
        SELECT_MEMBER + " WHERE m.name = ? COLLATE NOCASE ORDER BY m.id LIMIT 1", (name,)
    ) as cur:
        row = await cur.fetchone()
    return member_from_row(row) if row else None


async def add_identity(
    conn: Conn,
    member_id: int,
    channel: str,
    external_id: str,
    contact: str,
    now: datetime,
    *,
    link: str = "",
    private: bool = False,
) -> None:
    await conn.execute(
        "INSERT INTO identities (channel, external_id, member_id, contact, contact_link,"
        " contact_private, last_inbound_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (channel, external_id) DO UPDATE SET member_id = excluded.member_id",
        (channel, external_id, member_id, contact, link, int(private), to_db(now), to_db(now)),
    )


@dataclass(frozen=True)
class Writer:
    """Who just wrote, as `touch_writer` found them."""

    member_id: int
    status: str


async def touch_writer(
    conn: Conn,
    channel: str,
    external_id: str,
    contact: str,
    now: datetime,
    *,
    link: str = "",
    private: bool = False,
) -> Writer | None:
    """Remember when a member (not removed) last wrote (WhatsApp's 24-hour window) and how to
    reach them (the channel gives contact and link with every message), in one statement: the
    member's id and status, None (and nothing touched) for anyone else."""
    row = await fetch_one(
        conn,
        "UPDATE identities SET last_inbound_at = ?,"
        " contact = CASE WHEN ? != '' THEN ? ELSE contact END,"
        " contact_link = CASE WHEN ? != '' THEN ? ELSE contact_link END,"
        " contact_private = CASE WHEN ? != '' THEN ? ELSE contact_private END"
        " WHERE channel = ? AND external_id = ?"
        # EXISTS, keyed on the member: `member_id IN (SELECT id FROM members ...)` built the
        # list of every member first, a scan of 10,000 rows with each message (issue 12).
        " AND EXISTS (SELECT 1 FROM members m WHERE m.id = member_id AND m.status != 'removed')"
        " RETURNING member_id, (SELECT status FROM members WHERE id = member_id) AS status",
        (to_db(now), contact, contact, contact, link, contact, int(private), channel, external_id),
    )
    return Writer(int(row["member_id"]), str(row["status"])) if row else None


def _identity(row: sqlite3.Row) -> Identity:
    last = row["last_inbound_at"]
    return Identity(
        channel=row["channel"],
        external_id=row["external_id"],
        member_id=row["member_id"],
        contact=row["contact"],
        last_inbound_at=from_db(last) if last else None,
        contact_link=row["contact_link"],
        contact_private=bool(row["contact_private"]),
    )


async def identities_of(conn: Conn, member_id: int) -> list[Identity]:
    """A member's identities, the one they wrote from most recently first."""
    async with conn.execute(
        "SELECT * FROM identities WHERE member_id = ?"
        " ORDER BY last_inbound_at IS NULL, last_inbound_at DESC, created_at DESC",
        (member_id,),
    ) as cur:
        return [_identity(row) for row in await cur.fetchall()]


async def active_members(conn: Conn, exclude_association: int | None = None) -> list[Member]:
    async with conn.execute(
        SELECT_MEMBER + " WHERE m.status = 'active' AND m.association_id != ? ORDER BY m.id",
        (exclude_association if exclude_association is not None else -1,),
    ) as cur:
        return [member_from_row(row) for row in await cur.fetchall()]


async def members_of_association(conn: Conn, association_id: int) -> list[Member]:
    async with conn.execute(
        SELECT_MEMBER + " WHERE m.association_id = ? AND m.status = 'active' ORDER BY m.id",
        (association_id,),
    ) as cur:
        return [member_from_row(row) for row in await cur.fetchall()]


async def set_member_status(conn: Conn, member_id: int, status: str) -> None:
    await conn.execute("UPDATE members SET status = ? WHERE id = ?", (status, member_id))


async def set_member_language(conn: Conn, member_id: int, language: str) -> None:
    await conn.execute("UPDATE members SET language = ? WHERE id = ?", (language, member_id))


async def count_active_members(conn: Conn) -> int:
    return await count_of(conn, "SELECT COUNT(*) FROM members WHERE status = 'active'")


async def count_active_members_outside(conn: Conn, association_id: int) -> int:
    return await count_of(
        conn,
        "SELECT COUNT(*) FROM members WHERE status = 'active' AND association_id != ?",
        (association_id,),
    )


async def contact_of(conn: Conn, member_id: int) -> str:
    """How to reach a member directly: their most recently used identity's contact."""
    for identity in await identities_of(conn, member_id):
        if identity.contact:
            return identity.contact
    return ""


async def contact_card(conn: Conn, member_id: int, *, public: bool = False) -> Contact | None:
    """How to reach a member directly, with a one-tap link: their most recently used identity.
    A private contact (a phone number) is shown only if its owner agreed (`shares_number`),
    and never in a message to the whole network or its group (`public`)."""
    shares = await shares_number(conn, member_id)
    for identity in await identities_of(conn, member_id):
        hidden = identity.contact_private and (public or not shares)
        if identity.contact and not hidden:
            return Contact(identity.contact, identity.contact_link, identity.contact_private)
    return None


async def shares_number(conn: Conn, member_id: int) -> bool:
    async with conn.execute("SELECT shares_number FROM members WHERE id = ?", (member_id,)) as cur:
        row = await cur.fetchone()
    return bool(row and row[0])


async def set_shares_number(conn: Conn, member_id: int, shares: bool) -> None:
    await conn.execute(
        "UPDATE members SET shares_number = ? WHERE id = ?", (int(shares), member_id)
    )


async def count_of(conn: Conn, sql: str, params: tuple[object, ...] = ()) -> int:
    """The one number a `SELECT COUNT(*)` gives."""
    async with conn.execute(sql, params) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def reachable_identities(
    conn: Conn, member_ids: list[int]
) -> dict[int, tuple[str, Identity]]:
    """Of these members, the active ones: their language and the identity they wrote from most
    recently (as `identities_of`), read in a few statements for many members."""
    found: dict[int, tuple[str, Identity]] = {}
    ids = sorted(set(member_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        async with conn.execute(
            "SELECT m.language AS member_language, i.* FROM members m"
            " JOIN identities i ON i.member_id = m.id"
            f" WHERE m.id IN ({marks}) AND m.status = 'active'"
            " ORDER BY m.id, i.last_inbound_at IS NULL, i.last_inbound_at DESC,"
            " i.created_at DESC",
            chunk,
        ) as cur:
            for row in await cur.fetchall():
                member_id = int(row["member_id"])
                if member_id not in found:
                    found[member_id] = (row["member_language"], _identity(row))
    return found
