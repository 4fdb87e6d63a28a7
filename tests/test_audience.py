"""Who a post reaches (issue 11): associations within reach of its place whose interests match,
urgent needs one ring further, cold goods to those that keep them cold; the author is told."""

from __future__ import annotations

import pytest

from handlers.audience import audience_of
from storage import members, posts, profiles
from tests.aude import PEOPLE, PLACES, aude_and_herault, place, receivers
from tests.network import Network


async def last_post_id(network: Network) -> int:
    async with network.db.transaction() as conn, conn.execute("SELECT MAX(id) FROM posts") as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def test_an_offer_reaches_exactly_the_associations_within_reach(network: Network) -> None:
    await aude_and_herault(network)
    await network.join("louis", PEOPLE["lina"][0])  # a second volunteer in Limoux
    network.take_inbox("lina")
    [reply] = await network.say("carole", "/don 20 kg de pâtes")
    # Limoux is 21 km away; Castelnaudary (34), Narbonne (53) and the Hérault are beyond 30 km.
    assert receivers(network) == {"lina"}
    assert len(network.take_inbox("louis")) == 1
    assert "Envoyée à 1 association(s) proche(s) (dans un rayon de 30 km)" in reply
    # The network's group still sees every post.
    assert len(network.take_inbox("group")) == 1
    post_id = await last_post_id(network)
    async with network.db.transaction() as conn:
        post = await posts.post_by_id(conn, post_id)
    assert post is not None and post.point == PLACES["Carcassonne"]


async def test_the_larger_of_the_two_radii_counts(network: Network) -> None:
    await aude_and_herault(network, nora={"reach_km": 60.0})
    await network.say("carole", "/don 20 kg de pâtes")
    # Narbonne travels 60 km: Carcassonne, 53 km away, is within its reach.
    assert receivers(network) == {"lina", "nora"}
    [reply] = await network.say("nora", "/don 10 kg de riz")
    # Nora's 60 km reach her own posts too: Béziers (25) and Carcassonne (53), not Limoux (65).
    assert receivers(network) == {"basile", "carole"}
    assert "Envoyée à 2 association(s) proche(s) (dans un rayon de 60 km)" in reply


async def test_an_urgent_need_reaches_one_ring_further(network: Network) -> None:
    await aude_and_herault(network)
    [reply] = await network.say("carole", "/besoin urgent 20 kg de riz")
    # Twice as far: 60 km. Béziers (72) and Montpellier (131) are still beyond.
    assert receivers(network) == {"lina", "cassandre", "nora"}
    assert "dans un rayon de 60 km" in reply
    # An urgent offer is for those who can come soon: it stays in the ordinary ring.
    await network.say("carole", "/don urgent 20 kg de pâtes")
    assert receivers(network) == {"lina"}


async def test_cold_goods_go_to_those_that_keep_them_cold_unless_none_near(
    network: Network,
) -> None:
    await aude_and_herault(network, cassandre={"reach_km": 40.0, "cold_vehicle": True})
    await network.say("carole", "/don 30 yaourts DLC 05/12")
    assert receivers(network) == {"cassandre"}
    # Dry goods go to everyone within reach, cold keepers or not.
    await network.say("carole", "/don 20 kg de pâtes")
    assert receivers(network) == {"lina", "cassandre"}
    # Nobody near Narbonne keeps cold: the yoghurts go to all within reach rather than none.
    await network.say("nora", "/don 30 yaourts DLC 05/12")
    assert receivers(network) == {"basile"}


async def test_interests_offers_go_to_takers_needs_to_givers(network: Network) -> None:
    await aude_and_herault(
        network,
        lina={"takes": frozenset({"produits_laitiers"}), "gives": frozenset({"bebe"})},
        cassandre={"reach_km": 40.0, "gives": frozenset({"epicerie_seche"})},
    )
    await network.say("carole", "/don 20 kg de pâtes")
    assert receivers(network) == {"cassandre"}  # Limoux takes dairy only
    await network.say("carole", "/besoin 10 kg de café")
    assert receivers(network) == {"cassandre"}  # Limoux gives baby goods only
    await network.say("carole", "/don 30 yaourts DLC 05/12")
    assert receivers(network) == {"lina", "cassandre"}


async def test_a_post_naming_another_commune_is_measured_from_it(network: Network) -> None:
    await aude_and_herault(network)
    [reply] = await network.say("carole", "/don 20 kg de pâtes à Narbonne")
    # From Narbonne: Narbonne itself and Béziers (25 km); not Limoux (65), near the author.
    assert receivers(network) == {"nora", "basile"}
    assert "Envoyée à 2 association(s)" in reply
    post_id = await last_post_id(network)
    async with network.db.transaction() as conn:
        post = await posts.post_by_id(conn, post_id)
        assert post is not None and post.point is not None
        assert post.point == pytest.approx(PLACES["Narbonne"], abs=0.01)
        reached = await audience_of(conn, post, 0)
    assert [round(r.distance_km or 0) for r in reached] == [0, 25]


async def test_nobody_within_reach_the_author_is_told_and_the_post_stays_listed(
    network: Network,
) -> None:
    await aude_and_herault(network)
    [reply] = await network.say("manon", "/besoin urgent 20 kg de riz")
    # Even the urgent ring (60 km) stops short of Béziers, 61 km away.
    assert receivers(network) == set()
    assert "Aucune association intéressée n'est à portée (rayon de 60 km)" in reply
    assert "/liste" in reply
    [listing] = await network.say("carole", "/liste")
    assert "riz" in listing


async def test_a_post_whose_place_is_unknown_reaches_everyone(network: Network) -> None:
    await aude_and_herault(network)
    await network.join("ulysse", "Association sans adresse", "Quelque part")
    network.take_inbox("ulysse")
    [reply] = await network.say("ulysse", "/don 20 kg de pâtes")
    assert receivers(network) == set(PEOPLE)
    assert "Envoyée à 6 association(s) : le lieu de l'annonce est inconnu" in reply
    # And an association whose place is unknown is never left out of anyone's audience.
    await network.say("manon", "/don 20 kg de pâtes")
    assert receivers(network) == set()
    assert len(network.take_inbox("ulysse")) == 1


async def test_an_association_nobody_joined_is_not_counted(network: Network) -> None:
    await aude_and_herault(network)
    async with network.db.transaction() as conn:
        empty = await members.ensure_association(
            conn, "Épicerie vide", "Limoux", network.clock.now()
        )
        await profiles.set_profile(
            conn, empty.id, latitude=PLACES["Limoux"][0], longitude=PLACES["Limoux"][1]
        )
    [reply] = await network.say("carole", "/don 20 kg de pâtes")
    assert "Envoyée à 1 association(s)" in reply


async def test_a_relaunch_goes_to_the_same_audience(network: Network) -> None:
    await aude_and_herault(network)
    await network.say("carole", "/don 20 kg de pâtes")
    receivers(network)
    network.clock.advance(network.dispatcher.config.limits.relaunch_interval)
    [reply] = await network.say("carole", f"/relancer {await last_post_id(network)}")
    assert receivers(network) == {"lina"}
    assert "Envoyée à 1 association(s) proche(s)" in reply


async def test_a_second_association_in_the_same_commune_is_reached(network: Network) -> None:
    await aude_and_herault(network)
    await place(network, "carole")  # already there: nothing changes
    async with network.db.transaction() as conn:
        twin = await members.ensure_association(
            conn, "Croix-Rouge Carcassonne", "Carcassonne", network.clock.now()
        )
        lat, lon = PLACES["Carcassonne"]
        await profiles.set_profile(conn, twin.id, latitude=lat, longitude=lon)
    await network.join("tom", "Croix-Rouge Carcassonne")
    network.take_inbox("tom")
    await network.say("carole", "/don 20 kg de pâtes")
    assert receivers(network) == {"lina"}
    assert len(network.take_inbox("tom")) == 1
