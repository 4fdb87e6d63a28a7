"""Associations' profiles (issue 11): where they are, how far they go, what they take and give."""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import fields

from storage.db import Conn
from storage.models import AudienceMember, Preferences, Profile

# Columns a profile change may set (anything else is a programming error, never user text).
PROFILE_COLUMNS = frozenset(
    {
        "commune",
        "latitude",
        "longitude",
        "reach_km",
        "takes",
        "gives",
        "cold_storage",
        "cold_vehicle",
        "dry_storage",
        "volunteers",
    }
)
# The flat-earth estimate in SQL (km per degree of latitude) and how generous it is: within a
# few hundred km it errs by well under 1 % against the haversine that decides.
KM_PER_DEGREE = 111.195
MARGIN = 1.02

PREFERENCE_COLUMNS = frozenset({"mode", "muted", "quiet_start", "quiet_end"})

SELECT_PROFILE = """
SELECT id, name, commune, latitude, longitude, reach_km, takes, gives,
       cold_storage, cold_vehicle, dry_storage, volunteers
FROM associations
"""


def _categories(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    return frozenset(part for part in text.split(",") if part)


def categories_text(categories: frozenset[str] | None) -> str | None:
    """The stored form of a category set: None (every category) stays None."""
    return None if categories is None else ",".join(sorted(categories))


def profile_from_row(row: sqlite3.Row) -> Profile:
    return Profile(
        association_id=row["id"],
        name=row["name"],
        commune=row["commune"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        reach_km=row["reach_km"],
        takes=_categories(row["takes"]),
        gives=_categories(row["gives"]),
        cold_storage=bool(row["cold_storage"]),
        cold_vehicle=bool(row["cold_vehicle"]),
        dry_storage=bool(row["dry_storage"]),
        volunteers=bool(row["volunteers"]),
    )


async def profile_of(conn: Conn, association_id: int) -> Profile | None:
    async with conn.execute(SELECT_PROFILE + " WHERE id = ?", (association_id,)) as cur:
        row = await cur.fetchone()
    return profile_from_row(row) if row else None


async def set_profile(conn: Conn, association_id: int, **changes: object) -> None:
    """Set some columns of a profile; category sets are given as frozensets (or None)."""
    unknown = set(changes) - PROFILE_COLUMNS
    if unknown:
        raise ValueError(f"not profile columns: {sorted(unknown)}")
    if not changes:
        return
    values = [
        categories_text(value) if isinstance(value, frozenset) else value
        for value in changes.values()
    ]
    assignments = ", ".join(f"{column} = ?" for column in changes)
    await conn.execute(
        f"UPDATE associations SET {assignments} WHERE id = ?", (*values, association_id)
    )


async def profiles_in_box(
    conn: Conn, south: float, north: float, west: float, east: float
) -> list[Profile]:
    """Associations inside a latitude/longitude box, and those whose place is unknown (they
    cannot be measured, so they are never left out)."""
    async with conn.execute(
        SELECT_PROFILE + " WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?"
        " UNION ALL " + SELECT_PROFILE + " WHERE latitude IS NULL",
        (south, north, west, east),
    ) as cur:
        return [profile_from_row(row) for row in await cur.fetchall()]


async def profiles_within(
    conn: Conn, point: tuple[float, float], author_reach_km: float, factor: float
) -> list[Profile]:
    """Associations that may be within reach of `point`: distance at most
    max(author_reach_km, their reach) × factor, by a flat-earth estimate a little generous
    (the caller measures exactly), and those whose place is unknown. The estimate runs in
    SQLite, so a dense region returns hundreds of rows, not the thousands of a box."""
    lat, lon = point
    km_per_degree_lon = KM_PER_DEGREE * math.cos(math.radians(lat))
    widest = max(author_reach_km, await largest_reach_km(conn)) * factor * MARGIN
    half_lat = widest / KM_PER_DEGREE
    half_lon = widest / max(km_per_degree_lon, 1.0)
    async with conn.execute(
        SELECT_PROFILE + " WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?"
        "   AND ((latitude - ?) * ?) * ((latitude - ?) * ?)"
        "     + ((longitude - ?) * ?) * ((longitude - ?) * ?)"
        "     <= (MAX(reach_km, ?) * ?) * (MAX(reach_km, ?) * ?)"
        " UNION ALL " + SELECT_PROFILE + " WHERE latitude IS NULL",
        (
            lat - half_lat,
            lat + half_lat,
            lon - half_lon,
            lon + half_lon,
            lat,
            KM_PER_DEGREE,
            lat,
            KM_PER_DEGREE,
            lon,
            km_per_degree_lon,
            lon,
            km_per_degree_lon,
            author_reach_km,
            factor * MARGIN,
            author_reach_km,
            factor * MARGIN,
        ),
    ) as cur:
        return [profile_from_row(row) for row in await cur.fetchall()]


async def all_profiles(conn: Conn) -> list[Profile]:
    """Every association: the candidates of a post whose place is unknown."""
    async with conn.execute(SELECT_PROFILE + " ORDER BY id") as cur:
        return [profile_from_row(row) for row in await cur.fetchall()]


# Bound parameters per statement stay well under SQLite's limit (32,766 since 3.32, 999 before).
CHUNK = 500


def _chunks(ids: tuple[int, ...]) -> list[tuple[int, ...]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


async def with_active_members(conn: Conn, association_ids: tuple[int, ...]) -> set[int]:
    """Those of these associations someone can be reached in (an author is told how many
    associations were notified: one nobody joined yet is not)."""
    found: set[int] = set()
    for chunk in _chunks(association_ids):
        marks = ", ".join("?" * len(chunk))
        async with conn.execute(
            "SELECT DISTINCT association_id FROM members"
            f" WHERE status = 'active' AND association_id IN ({marks})",
            chunk,
        ) as cur:
            found.update(int(row[0]) for row in await cur.fetchall())
    return found


async def largest_reach_km(conn: Conn) -> float:
    async with conn.execute("SELECT MAX(reach_km) FROM associations") as cur:
        row = await cur.fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def _preferences(member_id: int, row: sqlite3.Row | None) -> Preferences:
    if row is None:
        return Preferences(member_id)
    return Preferences(
        member_id=member_id,
        mode=row["mode"],
        muted=_categories(row["muted"]) or frozenset(),
        quiet_start=row["quiet_start"],
        quiet_end=row["quiet_end"],
    )


async def preferences_of(conn: Conn, member_id: int) -> Preferences:
    async with conn.execute(
        "SELECT * FROM member_preferences WHERE member_id = ?", (member_id,)
    ) as cur:
        row = await cur.fetchone()
    return _preferences(member_id, row)


async def set_preferences(conn: Conn, preferences: Preferences) -> None:
    names = [f.name for f in fields(Preferences) if f.name != "member_id"]
    assert set(names) == PREFERENCE_COLUMNS
    await conn.execute(
        "INSERT INTO member_preferences (member_id, mode, muted, quiet_start, quiet_end)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET mode = excluded.mode,"
        " muted = excluded.muted, quiet_start = excluded.quiet_start,"
        " quiet_end = excluded.quiet_end",
        (
            preferences.member_id,
            preferences.mode,
            categories_text(preferences.muted) or "",
            preferences.quiet_start,
            preferences.quiet_end,
        ),
    )


AUDIENCE_SELECT = """
SELECT m.id AS member_id, m.association_id, m.language, i.channel, i.external_id,
       p.member_id AS has_preferences, p.mode, p.muted, p.quiet_start, p.quiet_end
FROM members m
JOIN identities i ON i.rowid = (
    SELECT i2.rowid FROM identities i2 WHERE i2.member_id = m.id
    ORDER BY i2.last_inbound_at IS NULL, i2.last_inbound_at DESC, i2.created_at DESC
    LIMIT 1)
LEFT JOIN member_preferences p ON p.member_id = m.id
"""

# One row per active member of the chosen associations: the identity they last wrote from
# (as `members.identities_of` orders them) and their preferences, when they set any. A member
# with no identity cannot be reached and is left out by the join.
AUDIENCE_MEMBERS = (
    AUDIENCE_SELECT
    + """WHERE m.status = 'active' AND m.association_id IN ({marks})
ORDER BY m.id
"""
)


async def audience_members(conn: Conn, association_ids: tuple[int, ...]) -> list[AudienceMember]:
    """The active members of these associations, with their channel and preferences: one
    query per 500 associations, whatever the number of members."""
    found: list[AudienceMember] = []
    for chunk in _chunks(association_ids):
        async with conn.execute(
            AUDIENCE_MEMBERS.format(marks=", ".join("?" * len(chunk))), chunk
        ) as cur:
            rows = await cur.fetchall()
        found.extend(_audience_member(row) for row in rows)
    if len(association_ids) > CHUNK:
        found.sort(key=lambda member: member.member_id)
    return found


async def count_active_members(conn: Conn, association_ids: tuple[int, ...]) -> int:
    """How many active members these associations have (one covering-index lookup each, in one
    statement): whether a relay is queued in the request or by a job."""
    if not association_ids:
        return 0
    async with conn.execute(
        "SELECT COUNT(*) FROM members WHERE status = 'active'"
        " AND association_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(association_ids)),),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


# One page of an audience, in member id order after `after` (bot/fanout_jobs.py): the members
# table walked by its primary key from the cursor (the `+` keeps the association index out, so
# no page sorts the whole audience), each member's association checked against the job's list
# (a JSON array, read once per statement).
# (after, association ids json, limit)
AUDIENCE_PAGE = (
    AUDIENCE_SELECT
    + """WHERE m.id > ?1 AND m.status = 'active'
  AND +m.association_id IN (SELECT value FROM json_each(?2))
ORDER BY m.id
LIMIT ?3
"""
)


async def audience_page(
    conn: Conn, association_ids: tuple[int, ...], after: int, limit: int
) -> list[AudienceMember]:
    """At most `limit` active members of these associations whose id is above `after`, in id
    order: what `audience_members` returns, one page at a time."""
    async with conn.execute(
        AUDIENCE_PAGE, (after, json.dumps(list(association_ids)), limit)
    ) as cur:
        rows = await cur.fetchall()
    return [_audience_member(row) for row in rows]


def _audience_member(row: sqlite3.Row) -> AudienceMember:
    return AudienceMember(
        member_id=row["member_id"],
        association_id=row["association_id"],
        language=row["language"],
        channel=row["channel"],
        external_id=row["external_id"],
        preferences=_preferences(
            row["member_id"], row if row["has_preferences"] is not None else None
        ),
    )
