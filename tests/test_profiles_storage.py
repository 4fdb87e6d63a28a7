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


async def test_active_members_are_counted_up_to_the_bound_asked(db: Database) -> None:
    """Whether a relay leaves the request (bot/fanout.py, issue 12) needs only to know if its
    audience has more active members than the bound: the count stops there, read one
    association at a time from the members' covering index (no list sorted first)."""
    async with db.transaction() as conn:
        ids = []
        for i in range(6):
            found = await members.ensure_association(conn, f"A{i}", "x", NOW)
            ids.append(found.id)
            for k in range(3):
                member = await members.create_member(conn, found.id, f"M{i}{k}", "member", NOW)
                if k == 2:
                    await conn.execute(
                        "UPDATE members SET status = 'removed' WHERE id = ?", (member.id,)
                    )
        every = tuple(ids)
        assert await profiles.count_active_members(conn, every) == 12
        assert await profiles.count_active_members(conn, every, 5) == 5
        assert await profiles.count_active_members(conn, every, 50) == 12
        assert await profiles.count_active_members(conn, every[:1]) == 2
        assert await profiles.count_active_members(conn, ()) == 0
        rows = await conn.execute_fetchall(
            "EXPLAIN QUERY PLAN " + profiles.COUNT_ACTIVE_MEMBERS, ("[1]", 5)
        )
    plan = " | ".join(str(row[3]) for row in rows)
    assert "COVERING INDEX members_association_role (association_id=? AND status=?)" in plan
    assert "LIST SUBQUERY" not in plan and "TEMP B-TREE" not in plan
