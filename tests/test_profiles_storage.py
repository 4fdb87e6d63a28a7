"""Associations' profiles in storage: the search for those within reach (issue 11)."""

from __future__ import annotations

import random
from datetime import datetime

from handlers.routing import RING_FACTOR, distance_km, ring_radius_km
from storage import members, profiles
from storage.db import Database
from storage.models import Preferences

NOW = datetime.fromisoformat("2026-11-29T10:00:00+00:00")
CARCASSONNE = (43.2130, 2.3491)


async def _scatter(db: Database, count: int, seed: int) -> None:
    """Associations around Carcassonne, some far, some with a wide reach, a few placeless."""
    rng = random.Random(seed)
    async with db.transaction() as conn:
        for i in range(count):
            placeless = i % 25 == 0
            lat = None if placeless else CARCASSONNE[0] + rng.uniform(-2.0, 2.0)
            lon = None if placeless else CARCASSONNE[1] + rng.uniform(-2.5, 2.5)
            found = await members.ensure_association(conn, f"A{i}", "x", NOW, lat, lon)
            await profiles.set_profile(
                conn, found.id, reach_km=rng.choice((10.0, 30.0, 30.0, 80.0, 150.0))
            )


async def test_profiles_within_finds_exactly_those_within_reach(db: Database) -> None:
    await _scatter(db, 400, seed=3)
    async with db.transaction() as conn:
        everyone = await profiles.profiles_in_box(conn, -90, 90, -180, 180)
        for author_reach in (10.0, 30.0, 60.0):
            for ring in (0, 1, 2):
                found = await profiles.profiles_within(
                    conn, CARCASSONNE, author_reach, RING_FACTOR**ring
                )
                expected = {
                    p.association_id
                    for p in everyone
                    if p.point is None
                    or distance_km(CARCASSONNE, p.point)
                    <= ring_radius_km(author_reach, p.reach_km, ring)
                }
                got = {
                    p.association_id
                    for p in found
                    if p.point is None
                    or distance_km(CARCASSONNE, p.point)
                    <= ring_radius_km(author_reach, p.reach_km, ring)
                }
                assert got == expected
                # The estimate in SQL is tight: few rows beyond the exact answer.
                assert len(found) <= len(expected) * 1.1 + 2


async def test_searches_read_indexes_not_the_table(db: Database) -> None:
    async with db.transaction() as conn:
        plans = []
        for sql in (
            profiles.SELECT_PROFILE + " WHERE latitude BETWEEN 1 AND 2 AND longitude < 3"
            " UNION ALL " + profiles.SELECT_PROFILE + " WHERE latitude IS NULL",
            "SELECT MAX(reach_km) FROM associations",
        ):
            async with conn.execute("EXPLAIN QUERY PLAN " + sql) as cur:
                plans.append(" ".join(str(row[3]) for row in await cur.fetchall()))
    assert "SCAN associations" not in plans[0] and "associations_place" in plans[0]
    assert "associations_reach" in plans[1]


async def test_profile_defaults_and_changes_round_trip(db: Database) -> None:
    async with db.transaction() as conn:
        found = await members.ensure_association(conn, "Épicerie", "Limoux", NOW, 43.05, 2.22)
        fresh = await profiles.profile_of(conn, found.id)
        assert fresh is not None
        assert (fresh.reach_km, fresh.takes, fresh.gives, fresh.keeps_cold) == (
            30.0,
            None,
            None,
            False,
        )
        await profiles.set_profile(
            conn,
            found.id,
            reach_km=45.0,
            takes=frozenset({"bebe", "conserves"}),
            gives=frozenset(),
            cold_vehicle=True,
        )
        changed = await profiles.profile_of(conn, found.id)
        assert changed is not None
        assert changed.reach_km == 45.0 and changed.keeps_cold
        assert changed.takes == frozenset({"bebe", "conserves"})
        assert changed.gives == frozenset()  # gives nothing: not the same as every category


async def test_preferences_default_then_stored(db: Database) -> None:
    async with db.transaction() as conn:
        found = await members.ensure_association(conn, "Épicerie", "Limoux", NOW)
        member = await members.create_member(conn, found.id, "Ana", "member", NOW)
        assert await profiles.preferences_of(conn, member.id) == Preferences(member.id)
        wanted = Preferences(member.id, "urgent", frozenset({"bebe"}), "22:00", "07:00")
        await profiles.set_preferences(conn, wanted)
        assert await profiles.preferences_of(conn, member.id) == wanted
