"""Associations' profiles (issue 11): where they are, how far they go, what they take and give."""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, fields

from storage.db import Conn, fetch_one
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
    row = await fetch_one(conn, SELECT_PROFILE + " WHERE id = ?", (association_id,))
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


# Earth's mean radius, as the haversine of handlers.understanding.distance_km (a test checks).
EARTH_RADIUS_KM = 6371.0
# What math.radians multiplies by.
RADIANS_PER_DEGREE = math.pi / 180.0
# Degrees of latitude per km along a meridian, a little generous (a bound, never the decision).
DEGREES_PER_KM = math.degrees(1 / EARTH_RADIUS_KM) * (1 + 1e-9)
# The search box is a little wider than the circle it holds (a pre-filter only: the exact
# distance decides), so that no rounding of the box's bounds ever leaves out a candidate.
BOX_MARGIN_DEGREES = 1e-6


def box_holding(point: tuple[float, float], radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box holding every point whose great-circle distance to
    `point` is at most `radius_km`: exact on the sphere (the circle is widest in longitude
    poleward of its centre: asin(sin δ / cos φ), not δ / cos φ), the whole longitude range
    when the circle holds a pole or crosses the antimeridian."""
    lat, lon = point
    angle = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angle) + BOX_MARGIN_DEGREES
    south, north = lat - dlat, lat + dlat
    # sin δ / cos φ: at least 1 when the circle holds a pole (then every longitude).
    sine_ratio = (
        math.sin(min(angle, math.pi / 2)) / math.cos(math.radians(lat)) if abs(lat) < 90 else 2.0
    )
    if north >= 90.0 or south <= -90.0 or sine_ratio >= 1.0:
        return (max(south, -90.0), min(north, 90.0), -180.0, 180.0)
    dlon = math.degrees(math.asin(sine_ratio)) + BOX_MARGIN_DEGREES
    if lon - dlon < -180.0 or lon + dlon > 180.0:
        return (south, north, -180.0, 180.0)
    return (south, north, lon - dlon, lon + dlon)


# The audience of a post (issue 12): the rule of handlers/routing.audience, the reference (README
# « Qui reçoit quoi »), in one statement rather than in Python over thousands of profiles;
# tests/test_audience_sql.py checks that both agree on random networks.
# - interested: a need goes to those whose `gives` holds its category, an offer or an
#   equipment offer to those whose `takes` holds it; no list (NULL) or no category: everyone.
#   The lists are comma-joined slugs (`categories_text`).
_INTERESTED = """id <> :author
      AND (:category IS NULL
           OR (CASE WHEN :offer_like THEN takes ELSE gives END) IS NULL
           OR (:category <> '' AND instr(',' || (CASE WHEN :offer_like THEN takes ELSE gives END)
                                          || ',', ',' || :category || ',') > 0))"""
# - within reach: at most max(the author's reach, theirs) × the ring's factor away. The distance
#   is the haversine of handlers.understanding.distance_km, term for term, so that SQLite's
#   math functions (the C library's, as Python's) give the very same float; the post's
#   latitude and longitude come in radians, with the cosine of its latitude. Degrees are
#   turned into radians by the one product `math.radians` (and SQLite's `radians`) computes,
#   x × (π / 180): the same float, three function calls fewer per candidate.
_RADIUS = "max(:author_reach, reach_km) * :factor"
_DISTANCE = f"""{EARTH_RADIUS_KM!r} * 2 * asin(min(1.0, sqrt(
           pow(sin((latitude * :radians_per_degree - :lat) / 2), 2)
           + :cos_lat * cos(latitude * :radians_per_degree)
             * pow(sin((longitude * :radians_per_degree - :lon) / 2), 2))))"""
# Read from the place index (migration 0031: it covers every column read here) in a box that
# holds the widest circle; then a cheap exact bound, no haversine: the great-circle distance is
# at least R × the latitudes' difference (those far north or south of their own radius are out).
_NEAR = f"""
    SELECT id, name, keeps_cold, distance FROM (
        SELECT id, name, reach_km, cold_storage OR cold_vehicle AS keeps_cold,
               {_DISTANCE} AS distance
        FROM associations
        WHERE latitude BETWEEN :south AND :north AND longitude BETWEEN :west AND :east
          AND abs(latitude - :lat_degrees) <= {_RADIUS} * :degrees_per_km
          AND {_INTERESTED}
        LIMIT -1)
    WHERE distance <= {_RADIUS}"""
# (`LIMIT -1` keeps SQLite from flattening the subquery, which would compute each distance
# twice: in the WHERE, then in the result.)
# - an association whose place is unknown cannot be measured: always in, distance NULL, last;
#   a post whose place is unknown reaches every interested association.
_UNMEASURED = f"""
    SELECT id, name, cold_storage OR cold_vehicle AS keeps_cold, NULL AS distance
    FROM associations
    WHERE {{where}}{_INTERESTED}"""
# - cold goods offered: only those that keep them cold, unless none of those reached does.
# - active_only: only those someone can be reached in (an active member: one seek each in the
#   covering index members_association_role), after the cold rule (an association nobody
#   joined yet still counts as a cold keeper within reach).
# - nearest first, then by name as Python compares strings (the column is NOCASE).
_AUDIENCE = """
WITH reached AS NOT MATERIALIZED ({candidates})
SELECT id, distance FROM reached
WHERE (NOT :cold_offer OR keeps_cold OR NOT EXISTS (SELECT 1 FROM reached WHERE keeps_cold))
  AND (NOT :active_only OR EXISTS (SELECT 1 FROM members m
                                   WHERE m.association_id = reached.id AND m.status = 'active'))
ORDER BY distance IS NULL, distance, name COLLATE BINARY
"""
AUDIENCE_NEAR = _AUDIENCE.format(
    candidates=_NEAR + "\n    UNION ALL" + _UNMEASURED.format(where="latitude IS NULL AND ")
)
AUDIENCE_EVERYWHERE = _AUDIENCE.format(candidates=_UNMEASURED.format(where=""))


@dataclass(frozen=True)
class AudienceOf:
    """What the audience's statement needs of a post (or of a place: a group purchase)."""

    point: tuple[float, float] | None  # None: unknown, every interested association is in
    author_id: int
    author_reach_km: float
    factor: float  # the ring's: RING_FACTOR ** ring
    offer_like: bool  # an offer or an equipment offer: read `takes`, else `gives`
    category: str | None
    cold_offer: bool  # cold goods offered: to those that keep them cold, if any


async def _audience_rows(conn: Conn, of: AudienceOf, active_only: bool) -> list[sqlite3.Row]:
    params: dict[str, object] = {
        "author": of.author_id,
        "category": of.category,
        "offer_like": of.offer_like,
        "cold_offer": of.cold_offer,
        "active_only": active_only,
    }
    if of.point is None:
        return list(await conn.execute_fetchall(AUDIENCE_EVERYWHERE, params))
    widest = max(of.author_reach_km, await largest_reach_km(conn)) * of.factor
    south, north, west, east = box_holding(of.point, widest)
    lat = math.radians(of.point[0])
    params.update(
        lat=lat,
        lon=math.radians(of.point[1]),
        cos_lat=math.cos(lat),
        author_reach=of.author_reach_km,
        factor=of.factor,
        south=south,
        north=north,
        west=west,
        east=east,
        lat_degrees=of.point[0],
        degrees_per_km=DEGREES_PER_KM,
        radians_per_degree=RADIANS_PER_DEGREE,
    )
    return list(await conn.execute_fetchall(AUDIENCE_NEAR, params))


async def audience(conn: Conn, of: AudienceOf) -> list[tuple[int, float | None]]:
    """(association id, distance in km or None) of every association a post reaches, nearest
    first (the rule: handlers/routing.audience), in one statement."""
    return [(row[0], row[1]) for row in await _audience_rows(conn, of, False)]


async def reachable(conn: Conn, of: AudienceOf) -> tuple[int, ...]:
    """The ids of those a post reaches that someone can be reached in, nearest first: its
    relay's audience, in one statement (no Profile, no pair: ids only)."""
    return tuple(row[0] for row in await _audience_rows(conn, of, True))


async def all_profiles(conn: Conn) -> list[Profile]:
    """Every association: the candidates of a post whose place is unknown."""
    async with conn.execute(SELECT_PROFILE + " ORDER BY id") as cur:
        return [profile_from_row(row) for row in await cur.fetchall()]


# Bound parameters per statement stay well under SQLite's limit (32,766 since 3.32, 999 before).
CHUNK = 500


def _chunks(ids: tuple[int, ...]) -> list[tuple[int, ...]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


async def largest_reach_km(conn: Conn) -> float:
    row = await fetch_one(conn, "SELECT MAX(reach_km) FROM associations")
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


# (association ids json, at most: -1 for no bound)
COUNT_ACTIVE_MEMBERS = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM json_each(?1) j"
    " JOIN members m ON m.association_id = j.value AND m.status = 'active' LIMIT ?2)"
)


async def count_active_members(
    conn: Conn, association_ids: tuple[int, ...], at_most: int | None = None
) -> int:
    """How many active members these (distinct) associations have, counting no further than
    `at_most` when given: whether a relay is queued in the request or by a job needs no more.
    One covering-index seek per association, in list order, in one statement: with `at_most`,
    a relay to a whole region stops after a few hundred (issue 12: 0.3 ms, not 4 ms, for 5,000
    associations; an `IN (json_each)` first sorts the whole list into a temporary table)."""
    if not association_ids:
        return 0
    row = await fetch_one(
        conn,
        COUNT_ACTIVE_MEMBERS,
        (json.dumps(list(association_ids)), -1 if at_most is None else at_most),
    )
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
