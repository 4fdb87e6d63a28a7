"""The audience computed in SQLite (issue 12, storage.profiles.audience) is the pure rule of
handlers/routing.audience (the reference): the same associations, in the same order, on random
networks; and a local post reads only its corner of the place index."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from handlers.audience import audience_of_place, reach_of_place
from handlers.routing import (
    RING_FACTOR,
    PostPlace,
    Reached,
    audience,
    distance_km,
    interested,
    is_cold,
    ring_radius_km,
)
from handlers.understanding import gazetteer
from storage import profiles
from storage.db import Conn, Database
from storage.models import PostKind, Profile

NOW = "2026-11-29T10:00:00+00:00"
CARCASSONNE = (43.2130, 2.3491)
CATEGORIES = ("epicerie_seche", "produits_laitiers", "fruits_legumes", "viande", "bebe", "autre")
KINDS: tuple[PostKind, ...] = ("need", "offer", "equipment_offer", "equipment_request")
# Names whose byte order and case-insensitive order differ (« B » < « a » < « É »), so that
# associations at the same place are ordered as Python compares strings, not as NOCASE does.
PREFIXES = ("a", "A", "b", "B", "Épicerie", "épicerie", "z", "Ça")
# Within this of its radius, an association may fall either side: the float of the distance in
# SQLite is expected to be Python's, bit for bit, but the test does not depend on it.
BOUNDARY_KM = 1e-6
CLOSE_KM = 1e-9


def _categories(rng: random.Random) -> frozenset[str] | None:
    roll = rng.random()
    if roll < 0.4:
        return None  # every category
    if roll < 0.45:
        return frozenset()  # none
    return frozenset(rng.sample(CATEGORIES, rng.randint(1, 3)))


async def _random_network(conn: Conn, rng: random.Random, count: int) -> None:
    """`count` associations around Carcassonne: some in the same few communes (equal
    distances, ordered by name), a few placeless, reaches 5-300 km, interests, cold keepers;
    members active, gone, or none."""
    communes = [
        (CARCASSONNE[0] + rng.uniform(-2, 2), CARCASSONNE[1] + rng.uniform(-2.5, 2.5))
        for _ in range(8)
    ]
    for i in range(count):
        roll = rng.random()
        if roll < 0.04:
            lat, lon = None, None
        elif roll < 0.3:
            lat, lon = rng.choice(communes)
        else:
            lat = CARCASSONNE[0] + rng.uniform(-3.0, 3.0)
            lon = CARCASSONNE[1] + rng.uniform(-4.0, 4.0)
        cursor = await conn.execute(
            "INSERT INTO associations (name, commune, latitude, longitude, created_at, reach_km,"
            " takes, gives, cold_storage, cold_vehicle) VALUES (?, 'x', ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"{rng.choice(PREFIXES)} {i}",
                lat,
                lon,
                NOW,
                rng.choice((5.0, 30.0, 30.0, rng.uniform(5.0, 300.0))),
                profiles.categories_text(_categories(rng)),
                profiles.categories_text(_categories(rng)),
                rng.random() < 0.2,
                rng.random() < 0.1,
            ),
        )
        roll = rng.random()
        statuses = (
            []
            if roll < 0.15
            else [rng.choice(("removed", "unreachable"))]
            if roll < 0.25
            else ["active"] * rng.randint(1, 2)
        )
        for status in statuses:
            await conn.execute(
                "INSERT INTO members (association_id, name, role, status, joined_at)"
                " VALUES (?, 'm', 'member', ?, ?)",
                (cursor.lastrowid, status, NOW),
            )


def _random_place(rng: random.Random, everyone: list[Profile]) -> PostPlace:
    author = rng.choice(everyone)
    roll = rng.random()
    point = (
        None
        if roll < 0.1
        else author.point
        if roll < 0.6
        else (CARCASSONNE[0] + rng.uniform(-3, 3), CARCASSONNE[1] + rng.uniform(-4, 4))
    )
    category = rng.choice((*CATEGORIES, None))
    return PostPlace(
        kind=rng.choice(KINDS),
        category=category,
        cold=is_cold(category, rng.random() < 0.3),
        point=point,
        author_reach_km=author.reach_km,
        association_id=author.association_id,
    )


def _borderline(place: PostPlace, everyone: list[Profile], ring: int) -> list[Profile]:
    """Those interested whose distance is within BOUNDARY_KM of their radius."""
    if place.point is None:
        return []
    return [
        p
        for p in everyone
        if p.point is not None
        and p.association_id != place.association_id
        and interested(p, place.kind, place.category)
        and abs(
            distance_km(place.point, p.point)
            - ring_radius_km(place.author_reach_km, p.reach_km, ring)
        )
        <= BOUNDARY_KM
    ]


def _oracles(place: PostPlace, everyone: list[Profile], ring: int) -> list[list[Reached]]:
    """The pure rule's audience, and, if some associations sit on their radius, the audiences
    with those all in and all out (the cold rule may turn on one of them)."""
    exact = audience(place, everyone, ring)
    border = {p.association_id for p in _borderline(place, everyone, ring)}
    if not border:
        return [exact]
    inside = [replace(p, reach_km=1e9) if p.association_id in border else p for p in everyone]
    outside = [p for p in everyone if p.association_id not in border]
    return [exact, audience(place, inside, ring), audience(place, outside, ring)]


def _agrees(got: list[Reached], expected: list[Reached], border: set[int]) -> bool:
    """The same associations (those on their radius aside), the same distances, and the same
    order but among distances equal within CLOSE_KM."""
    kept = [r for r in got if r.association_id not in border]
    wanted = [r for r in expected if r.association_id not in border]
    if [r.association_id for r in kept] == [r.association_id for r in wanted]:
        return all(
            (a.distance_km is None) == (b.distance_km is None)
            and (a.distance_km is None or abs(a.distance_km - (b.distance_km or 0.0)) <= CLOSE_KM)
            for a, b in zip(kept, wanted, strict=True)
        )
    if sorted(r.association_id for r in kept) != sorted(r.association_id for r in wanted):
        return False
    distances = {r.association_id: r.distance_km for r in wanted}
    return all(
        a.association_id == b.association_id
        or (
            distances[a.association_id] is not None
            and distances[b.association_id] is not None
            and abs((distances[a.association_id] or 0.0) - (distances[b.association_id] or 0.0))
            <= CLOSE_KM
        )
        for a, b in zip(kept, wanted, strict=True)
    )


async def _active(conn: Conn) -> set[int]:
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT association_id FROM members WHERE status = 'active'"
    )
    return {int(row[0]) for row in rows}


@pytest.mark.parametrize("seed", range(6))
async def test_the_audience_in_sql_is_the_pure_rule_on_random_networks(
    db: Database, seed: int
) -> None:
    rng = random.Random(seed)
    async with db.transaction() as conn:
        await _random_network(conn, rng, 300)
    async with db.transaction() as conn:
        everyone = await profiles.all_profiles(conn)
        active = await _active(conn)
        compared = nonempty = 0
        for _ in range(40):
            place = _random_place(rng, everyone)
            for ring in range(4):
                got = await audience_of_place(conn, place, ring)
                oracles = _oracles(place, everyone, ring)
                border = {p.association_id for p in _borderline(place, everyone, ring)}
                assert any(_agrees(got, expected, border) for expected in oracles), (place, ring)
                # The relay: the same, less those nobody can be reached in.
                reach = await reach_of_place(conn, place, ring)
                assert any(
                    _agrees(
                        [Reached(i, None) for i in reach.association_ids],
                        [
                            Reached(r.association_id, None)
                            for r in expected
                            if r.association_id in active
                        ],
                        border,
                    )
                    for expected in oracles
                ), (place, ring)
                radius = place.author_reach_km * RING_FACTOR**ring
                assert reach.radius_km == (None if place.point is None else radius)
                compared += 1
                nonempty += bool(got)
    assert nonempty > compared // 2  # the networks are not trivially out of reach


async def test_the_oracle_sees_the_rule_broken(db: Database) -> None:
    """A test that cannot fail is a defect: an audience with one association too many, or two
    of them swapped, does not agree with the rule."""
    rng = random.Random(1)
    async with db.transaction() as conn:
        await _random_network(conn, rng, 300)
        everyone = await profiles.all_profiles(conn)
        place = PostPlace("need", None, False, CARCASSONNE, 60.0, everyone[0].association_id)
        got = await audience_of_place(conn, place, 1)
    [expected] = _oracles(place, everyone, 1)
    assert len(got) > 3 and _agrees(got, expected, set())
    assert not _agrees(got[:-1], expected, set())
    swapped = [got[1], got[0], *got[2:]]
    assert got[0].distance_km != got[1].distance_km
    assert not _agrees(swapped, expected, set())


async def test_ties_are_ordered_as_python_compares_names(db: Database) -> None:
    """Equal distances: « B » before « a » before « É » (byte order), not NOCASE's order."""
    async with db.transaction() as conn:
        for name in ("a", "É", "B", "author"):
            await conn.execute(
                "INSERT INTO associations (name, commune, latitude, longitude, created_at)"
                " VALUES (?, 'x', ?, ?, ?)",
                (name, CARCASSONNE[0], CARCASSONNE[1], NOW),
            )
        everyone = await profiles.all_profiles(conn)
        by_name = {p.name: p.association_id for p in everyone}
        place = PostPlace("need", None, False, CARCASSONNE, 30.0, by_name["author"])
        got = await audience_of_place(conn, place, 0)
    assert [r.association_id for r in got] == [by_name[n] for n in ("B", "a", "É")]
    assert got == audience(place, everyone, 0)


async def test_the_distance_is_the_haversine_of_the_gazetteer(db: Database) -> None:
    """The same Earth, the same degrees to radians (the very product math.radians computes),
    the same distance."""
    assert profiles.EARTH_RADIUS_KM == gazetteer._EARTH_RADIUS_KM
    rng = random.Random(2)
    degrees = [rng.uniform(-180, 180) for _ in range(10_000)]
    assert all(math.radians(d) == d * profiles.RADIANS_PER_DEGREE for d in degrees)
    async with db.transaction() as conn:
        for i in range(200):
            point = (CARCASSONNE[0] + rng.uniform(-3, 3), CARCASSONNE[1] + rng.uniform(-4, 4))
            await conn.execute(
                "INSERT INTO associations (name, commune, latitude, longitude, created_at,"
                " reach_km) VALUES (?, 'x', ?, ?, ?, 1000)",
                (f"A{i}", *point, NOW),
            )
        everyone = {p.association_id: p for p in await profiles.all_profiles(conn)}
        place = PostPlace("need", None, False, CARCASSONNE, 30.0, 0)
        got = await audience_of_place(conn, place, 0)
    assert len(got) == 200
    for reached in got:
        point = everyone[reached.association_id].point
        assert point is not None and reached.distance_km is not None
        assert reached.distance_km == pytest.approx(distance_km(CARCASSONNE, point), abs=CLOSE_KM)


def _destination(start: tuple[float, float], km: float, bearing: float) -> tuple[float, float]:
    """The point `km` away from `start` on the great circle of `bearing` (radians)."""
    lat, lon = math.radians(start[0]), math.radians(start[1])
    angle = km / profiles.EARTH_RADIUS_KM
    end_lat = math.asin(
        math.sin(lat) * math.cos(angle) + math.cos(lat) * math.sin(angle) * math.cos(bearing)
    )
    end_lon = lon + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat),
        math.cos(angle) - math.sin(lat) * math.sin(end_lat),
    )
    return (math.degrees(end_lat), (math.degrees(end_lon) + 540.0) % 360.0 - 180.0)


def test_the_search_box_holds_the_whole_circle() -> None:
    """Every point within the radius is in the box, at any latitude and for the widest rings
    (the circle is widest in longitude poleward of its centre: a box of δ / cos φ misses it)."""
    rng = random.Random(7)
    for _ in range(20_000):
        centre = (rng.uniform(-80, 80), rng.uniform(-180, 180))
        radius = rng.choice((5.0, 30.0, 300.0, 2400.0, rng.uniform(1, 5000)))
        point = _destination(centre, radius * rng.choice((1.0, rng.random())), rng.uniform(-4, 4))
        assert distance_km(centre, point) <= radius * (1 + 1e-9) + 1e-9
        south, north, west, east = profiles.box_holding(centre, radius)
        assert south <= point[0] <= north, (centre, radius, point)
        assert west <= point[1] <= east, (centre, radius, point)


async def _plan(conn: Conn, sql: str, params: dict[str, object]) -> str:
    rows = await conn.execute_fetchall("EXPLAIN QUERY PLAN " + sql, params)
    return " | ".join(str(row[3]) for row in rows)


async def test_a_local_post_reads_its_corner_of_the_place_index(db: Database) -> None:
    """The candidates come from a range of the place index, which covers every column the rule
    reads (no table row: migration 0031); members from their covering index; no scan."""
    async with db.transaction() as conn:
        await _random_network(conn, random.Random(3), 50)
        south, north, west, east = profiles.box_holding(CARCASSONNE, 30.0)
        lat = math.radians(CARCASSONNE[0])
        params: dict[str, object] = {
            "author": 1,
            "category": "bebe",
            "offer_like": True,
            "cold_offer": True,
            "active_only": True,
            "lat": lat,
            "lon": math.radians(CARCASSONNE[1]),
            "cos_lat": math.cos(lat),
            "author_reach": 30.0,
            "factor": 1.0,
            "south": south,
            "north": north,
            "west": west,
            "east": east,
            "lat_degrees": CARCASSONNE[0],
            "degrees_per_km": profiles.DEGREES_PER_KM,
            "radians_per_degree": profiles.RADIANS_PER_DEGREE,
        }
        near = await _plan(conn, profiles.AUDIENCE_NEAR, params)
        everywhere = await _plan(conn, profiles.AUDIENCE_EVERYWHERE, params)
    assert "SEARCH associations USING COVERING INDEX associations_place (latitude>? AND" in near
    assert "USING COVERING INDEX associations_place (latitude=?)" in near  # unknown places
    assert "SCAN associations" not in near
    assert "COVERING INDEX members_association_role" in near
    assert "MATERIALIZE" not in near  # the candidates are read as they go, not stored first
    # A post whose place is unknown reads every association, from the covering index too.
    assert "COVERING INDEX associations_place" in everywhere


async def test_the_author_and_the_uninterested_are_left_out(db: Database) -> None:
    """Direct cases of the rule, whatever the random networks drew: an empty list is nothing,
    not every category (NULL), and a need goes by `gives`, an offer by `takes`."""
    async with db.transaction() as conn:
        rows = (
            ("author", None, None),
            ("nothing", "", ""),
            ("gives baby goods", "bebe", ""),
            ("takes baby goods", "", "bebe"),
            ("everything", None, None),
        )
        for name, gives, takes in rows:
            await conn.execute(
                "INSERT INTO associations (name, commune, latitude, longitude, created_at, gives,"
                " takes) VALUES (?, 'x', ?, ?, ?, ?, ?)",
                (name, CARCASSONNE[0], CARCASSONNE[1], NOW, gives, takes),
            )
        everyone = await profiles.all_profiles(conn)
        ids = {p.name: p.association_id for p in everyone}
        found = {}
        for kind in ("need", "offer"):
            for category in ("bebe", None):
                place = PostPlace(kind, category, False, CARCASSONNE, 30.0, ids["author"])
                got = await audience_of_place(conn, place, 0)
                assert got == audience(place, everyone, 0)
                found[kind, category] = {r.association_id for r in got}
    assert found["need", "bebe"] == {ids["gives baby goods"], ids["everything"]}
    assert found["offer", "bebe"] == {ids["takes baby goods"], ids["everything"]}
    assert found["need", None] == found["offer", None] == set(ids.values()) - {ids["author"]}


@pytest.mark.parametrize("ring", [0, 3])
async def test_just_inside_the_radius_is_in_whatever_the_bearing(db: Database, ring: int) -> None:
    """The search box and the latitude bound are never tighter than the circle: due north,
    south, east, west and between, 1 m inside the radius is in, 1 m beyond is out."""
    radius = 30.0 * RING_FACTOR**ring
    expected = set()
    async with db.transaction() as conn:
        for step in range(16):
            bearing = step * math.pi / 8
            for offset, name in ((-0.001, "in"), (0.001, "out")):
                lat, lon = _destination(CARCASSONNE, radius + offset, bearing)
                cursor = await conn.execute(
                    "INSERT INTO associations (name, commune, latitude, longitude, created_at)"
                    " VALUES (?, 'x', ?, ?, ?)",
                    (f"{name} {step}", lat, lon, NOW),
                )
                if name == "in":
                    expected.add(cursor.lastrowid)
        everyone = await profiles.all_profiles(conn)
        place = PostPlace("need", None, False, CARCASSONNE, 30.0, 0)
        got = await audience_of_place(conn, place, ring)
    assert {r.association_id for r in got} == expected
    assert got == audience(place, everyone, ring)
