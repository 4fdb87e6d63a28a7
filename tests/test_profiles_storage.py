"""Associations' profiles and members' preferences in storage (issue 11)."""

from __future__ import annotations

from datetime import datetime

from storage import members, profiles
from storage.db import Database
from storage.models import Preferences

NOW = datetime.fromisoformat("2026-11-29T10:00:00+00:00")


async def test_the_widest_reach_is_read_from_its_index(db: Database) -> None:
    """The audience's own plans (the place index) are checked in tests/test_audience_sql.py."""
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall(
            "EXPLAIN QUERY PLAN SELECT MAX(reach_km) FROM associations"
        )
    assert "associations_reach" in " ".join(str(row[3]) for row in rows)


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
