"""Escalation (issue 11): an urgent need nobody took goes to the next ring, then to the
network's coordinators; an offer whose DLC is today is re-sent at midday. Each step once,
across double ticks and restarts (a new Scheduler, a new connection).

Distances from Carcassonne (tests/routing_places.py): Limoux 21 km, Castelnaudary 34, Narbonne
53, Béziers 72, Montpellier 131. Reach 30 km: ring 0 is 30 km, the urgent ring (1) 60 km,
the next ring (2) 120 km.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.scheduler import Scheduler
from handlers import escalation
from storage import events, outbox
from storage import matching as stored
from storage.db import Database
from tests.conftest import PARIS
from tests.network import Network
from tests.routing_places import association_at, placed_post
from tests.scheduled import local, run_jobs, scheduler_for

TODAY = date(2026, 12, 1)  # the clock starts on Tuesday 1 December, 09:00
EVERYONE = ("anne", "alain", "carla", "lea", "fred", "bruno", "marc")


async def urgent_network(network: Network) -> None:
    """anne (author) and alain (coordinator) in Carcassonne; carla and lea (coordinator) in
    Limoux; fred in Narbonne; bruno in Béziers; marc, coordinator, in Montpellier."""
    await association_at(network, "anne", "Banque Alimentaire de l'Aude", "Carcassonne")
    await association_at(
        network, "alain", "Banque Alimentaire de l'Aude", "Carcassonne", "coordinator"
    )
    await association_at(network, "carla", "Épicerie de Limoux", "Limoux")
    await association_at(network, "lea", "Épicerie de Limoux", "Limoux", "coordinator")
    await association_at(network, "fred", "Restos du Cœur Narbonne", "Narbonne")
    await association_at(network, "bruno", "Secours Populaire Béziers", "Béziers")
    await association_at(
        network, "marc", "Banque Alimentaire de l'Hérault", "Montpellier", "coordinator"
    )
    for user in EVERYONE:
        network.take_inbox(user)


def take(network: Network, user: str) -> list[str]:
    """What `user` received since the last call, the morning digest (coordinators get it by
    default, at the first run of the day) left out."""
    return [m for m in network.take_inbox(user) if not m.startswith("☀️ Le point Boucle")]


def inboxes(network: Network) -> dict[str, list[str]]:
    return {user: take(network, user) for user in EVERYONE}


async def steps(network: Network, post_id: int) -> dict[str, int]:
    async with network.db.transaction() as conn:
        return await stored.steps_of(conn, post_id)


async def escalated_events(network: Network, post_id: int) -> int:
    async with network.db.transaction() as conn:
        return (await events.event_kinds_for_post(conn, post_id)).count("escalated")


async def queued_total(db: Database) -> int:
    async with db.transaction() as conn:
        return sum((await outbox.count_by_state(conn)).values())


async def test_urgent_need_goes_to_the_next_ring_then_to_the_coordinators(
    network: Network,
) -> None:
    await urgent_network(network)
    need = await placed_post(
        network, "anne", "need", "riz", "epicerie_seche", quantity=40, unit="kg", urgent=True
    )
    ordinary = await placed_post(network, "anne", "need", "pâtes", "epicerie_seche")
    urgent_offer = await placed_post(network, "anne", "offer", "riz", "epicerie_seche", urgent=True)
    await run_jobs(network, local(2026, 12, 1, 10, 59))
    assert all(not got for got in inboxes(network).values())

    await run_jobs(network, local(2026, 12, 1, 11, 0))
    got = inboxes(network)
    # Béziers only: Limoux and Narbonne were within the urgent ring, Montpellier is beyond.
    [widened] = got.pop("bruno")
    assert "Toujours sans réponse après 2 h" in widened and "riz" in widened
    assert f"/prendre {need.id}" in widened
    [told] = got.pop("anne")
    assert f"#{need.id} « riz »" in told and "envoyé à 1 association(s) plus éloignée(s)" in told
    assert all(not messages for messages in got.values())
    assert await steps(network, need.id) == {"ring2": 1}

    await run_jobs(network, local(2026, 12, 1, 12, 59))
    assert all(not got for got in inboxes(network).values())
    await run_jobs(network, local(2026, 12, 1, 13, 0))
    got = inboxes(network)
    for coordinator in ("lea", "marc"):
        [message] = got.pop(coordinator)
        assert "Aux coordinateurs du réseau" in message and "depuis 4 h" in message
        assert f"/prendre {need.id}" in message
    [told] = got.pop("anne")
    assert "les coordinateurs du réseau sont prévenus" in told
    # alain coordinates the author's own association: not told; nor are the members.
    assert all(not messages for messages in got.values())
    assert await steps(network, need.id) == {"ring2": 1, "coordinators": 2}
    assert await escalated_events(network, need.id) == 2

    await run_jobs(network, local(2026, 12, 1, 20, 0))
    assert all(not got for got in inboxes(network).values())
    assert await steps(network, ordinary.id) == {} and await steps(network, urgent_offer.id) == {}


async def test_a_need_taken_in_time_is_not_escalated(network: Network) -> None:
    await urgent_network(network)
    need = await placed_post(
        network, "anne", "need", "riz", "epicerie_seche", quantity=40, unit="kg", urgent=True
    )
    network.clock.set(local(2026, 12, 1, 10, 0))
    await network.say("carla", f"/prendre {need.id} 10 kg")  # a part is enough
    inboxes(network)
    for hour in (11, 13, 15):
        await run_jobs(network, local(2026, 12, 1, hour, 0))
        assert all(not got for got in inboxes(network).values())
    assert await steps(network, need.id) == {}
    assert await escalated_events(network, need.id) == 0


async def test_each_step_once_across_ticks_and_restarts(network: Network, tmp_path: Path) -> None:
    await urgent_network(network)
    need = await placed_post(
        network, "anne", "need", "riz", "epicerie_seche", quantity=40, unit="kg", urgent=True
    )
    network.clock.set(local(2026, 12, 1, 11, 0))
    first = scheduler_for(network)
    assert (await first.run_due_jobs()).escalations == 1
    assert (await first.run_due_jobs()).escalations == 0
    queued = await queued_total(network.db)
    # A restart: another connection to the same file, another scheduler.
    again = await Database.open(tmp_path / "boucle.db")
    try:
        restarted = Scheduler(again, network.clock, "Europe/Paris", network.group)
        network.clock.set(local(2026, 12, 1, 11, 5))
        assert (await restarted.run_due_jobs()).escalations == 0
        assert await queued_total(network.db) == queued
        network.clock.set(local(2026, 12, 1, 13, 0))
        assert (await restarted.run_due_jobs()).escalations == 1
        assert (await first.run_due_jobs()).escalations == 0
        assert (
            await Scheduler(again, network.clock, "Europe/Paris").run_due_jobs()
        ).escalations == 0
    finally:
        await again.close()
    assert await steps(network, need.id) == {"ring2": 1, "coordinators": 2}
    assert await escalated_events(network, need.id) == 2
    await network.deliver()
    assert len(take(network, "bruno")) == 1 and len(take(network, "marc")) == 1


async def dlc_network(network: Network) -> None:
    cold = {"cold_storage": True}
    await association_at(network, "anne", "Banque Alimentaire de l'Aude", "Carcassonne", **cold)
    await association_at(network, "carla", "Épicerie de Limoux", "Limoux", **cold)
    await association_at(network, "dina", "Restos de Limoux", "Limoux", **cold)
    await association_at(
        network, "eve", "Croix-Rouge Castelnaudary", "Castelnaudary", reach_km=40.0, **cold
    )
    await association_at(network, "fred", "Restos du Cœur Narbonne", "Narbonne", **cold)


async def test_an_offer_whose_dlc_is_today_is_resent_at_midday_once(network: Network) -> None:
    await dlc_network(network)
    yoghurts = await placed_post(
        network,
        "anne",
        "offer",
        "yaourts",
        "produits_laitiers",
        quantity=20,
        unit="kg",
        deadline=TODAY,
        date_kind="dlc",
        cold_chain=True,
    )
    best_before = await placed_post(
        network, "anne", "offer", "biscuits", "epicerie_seche", deadline=TODAY, date_kind="ddm"
    )
    tomorrow = await placed_post(
        network,
        "anne",
        "offer",
        "crème",
        "produits_laitiers",
        deadline=date(2026, 12, 2),
        date_kind="dlc",
    )
    network.clock.set(local(2026, 12, 1, 10, 0))
    await network.say("dina", f"/prendre {yoghurts.id} 5 kg")  # part taken: still open
    users = ("anne", "carla", "dina", "eve", "fred")
    for user in users:
        network.take_inbox(user)
    await run_jobs(network, local(2026, 12, 1, 11, 59))
    assert all(network.take_inbox(user) == [] for user in ("carla", "eve", "fred"))
    network.take_inbox("dina")  # the morning of the pickup day: her reminder (reminders.py)

    await run_jobs(network, local(2026, 12, 1, 12, 0))
    for user in ("carla", "eve"):
        [message] = network.take_inbox(user)
        assert "Dernier rappel : DLC aujourd'hui" in message and "yaourts" in message
        assert f"/prendre {yoghurts.id}" in message
    # dina took part already; Narbonne is beyond ring 0.
    assert all(network.take_inbox(user) == [] for user in ("anne", "dina", "fred"))
    assert await steps(network, yoghurts.id) == {"dlc_midday": 2}
    assert await escalated_events(network, yoghurts.id) == 1
    assert await steps(network, best_before.id) == {} and await steps(network, tomorrow.id) == {}

    await run_jobs(network, local(2026, 12, 1, 12, 30))
    await run_jobs(network, local(2026, 12, 1, 14, 59))  # (at 15:00 its author is reminded)
    assert all(network.take_inbox(user) == [] for user in users)


async def test_the_dlc_resend_goes_to_the_nearest_only(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(escalation, "DLC_NEAREST", 1)
    await dlc_network(network)
    yoghurts = await placed_post(
        network, "anne", "offer", "yaourts", "produits_laitiers", deadline=TODAY, date_kind="dlc"
    )
    await run_jobs(network, local(2026, 12, 1, 12, 0))
    # Limoux (21 km) holds two associations: the nearest is the first by distance then name.
    reached = [user for user in ("carla", "dina", "eve") if network.take_inbox(user)]
    assert len(reached) == 1 and reached[0] in ("carla", "dina")
    assert await steps(network, yoghurts.id) == {"dlc_midday": 1}


async def test_due_steps_are_read_from_their_indexes(network: Network) -> None:
    queries = (
        (stored.UNESCALATED_URGENT, ("2026-12-01", 50), "posts_open_urgent (urgent_since<?)"),
        (
            stored.RING2_UNANSWERED,
            ("2026-12-01", "2026-12-01", 50),
            "posts_open_urgent (urgent_since<?)",
        ),
        (stored.DLC_TODAY, ("2026-12-01", 50), "posts_open_dlc (deadline=?)"),
    )
    async with network.db.transaction() as conn:
        for sql, params, index in queries:
            async with conn.execute("EXPLAIN QUERY PLAN " + sql, params) as cur:
                plan = [row[3] for row in await cur.fetchall()]
            assert f"SEARCH p USING INDEX {index}" in plan, plan
            assert not any(line.startswith("SCAN p") for line in plan), plan


async def test_a_step_is_claimed_once_even_when_the_search_would_find_it_again(
    network: Network,
) -> None:
    """The searches skip posts whose step is recorded; the claim is what holds if two runs
    ever found the same post (the primary key, ON CONFLICT DO NOTHING)."""
    await urgent_network(network)
    need = await placed_post(network, "anne", "need", "riz", "epicerie_seche", urgent=True)
    now = local(2026, 12, 1, 11, 0)
    async with network.db.transaction() as conn:
        assert await stored.claim_step(conn, need.id, escalation.RING2, now)
        assert not await stored.claim_step(conn, need.id, escalation.RING2, now)
        assert await stored.claim_step(conn, need.id, escalation.COORDINATORS, now)
        # And the search skips a post whose step is recorded: nothing is queued.
        notes = escalation.Escalations()
        await escalation.widen_urgent_needs(conn, now, PARIS, escalation.ESCALATE_AFTER, notes)
        assert notes.steps == 0 and notes.notes == []
