"""Claiming, partial claims, closing and withdrawing; exactly one winner under concurrency."""

from __future__ import annotations

import asyncio

from storage import posts
from tests.network import Network


async def three_associations(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    await network.join("carla", "Épicerie solidaire de Limoux", "Limoux")
    for user in ("alice", "bob", "carla"):
        network.take_inbox(user)


async def test_partial_claim_leaves_the_rest_open(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne, à prendre demain")
    replies = await network.say("bob", "/prendre 1 10 kg")
    assert "10 kg" in replies[0] and "Il reste 20 kg" in replies[0]
    assert "@alice" in replies[0]  # the claimer gets the author's contact
    author_news = network.take_inbox("alice")
    assert any("Bob" in m and "@bob" in m and "10 kg" in m for m in author_news)
    replies = await network.say("carla", "/prendre 1")
    assert "la totalité" not in replies[0] and "20 kg" in replies[0]
    assert "Votre association a déjà pris" in (await network.say("bob", "/prendre 1"))[0]


async def test_claim_more_than_remaining_is_refused(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    replies = await network.say("bob", "/prendre 1 50 kg")
    assert "Il ne reste que 30 kg" in replies[0] and "/prendre 1 30 kg" in replies[0]
    replies = await network.say("bob", "/prendre 1 -5")
    assert "nombre positif" in replies[0]
    replies = await network.say("bob", "/prendre 1 3 palettes")
    assert "comptée en kg" in replies[0] and "/prendre 1 5 kg" in replies[0]
    await network.say("alice", "/don 6 cagettes de tomates à Trèbes")
    replies = await network.say("bob", "/prendre 2 3 kg")
    assert "comptée en cagettes" in replies[0] and "/prendre 2 5 cagettes" in replies[0]
    assert "C'est noté" in (await network.say("bob", "/prendre 2 5 cagettes"))[0]


async def test_taken_post_gets_clear_answer(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 4 cagettes de tomates à Trèbes")
    await network.say("bob", "/prendre 1")
    replies = await network.say("carla", "/prendre 1")
    assert "n'est plus ouverte (déjà prise)" in replies[0]


async def test_bad_post_numbers(network: Network) -> None:
    await three_associations(network)
    assert "n'existe pas" in (await network.say("bob", "/prendre 99"))[0]
    assert "numéro de l'annonce" in (await network.say("bob", "/prendre"))[0]
    assert "Usage" in (await network.say("bob", "/prendre douze"))[0]
    await network.say("alice", "/don 4 cagettes de tomates à Trèbes")
    assert "votre association" in (await network.say("alice", "/prendre 1"))[0]


async def test_twenty_concurrent_claims_on_the_last_unit_one_wins(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude")
    users = [f"user{i}" for i in range(20)]
    for index, user in enumerate(users):
        await network.join(user, f"Association {index}", "Narbonne")
    await network.say("alice", "/don 1 palette de conserves à Carcassonne")
    incomings = [network.incoming(user, "/prendre 1") for user in users]
    results = await asyncio.gather(*(network.dispatcher.handle(i) for i in incomings))
    texts = [r[0].text for r in results]
    winners = [text for text in texts if "C'est noté" in text]
    assert len(winners) == 1
    assert sum("n'est plus ouverte" in text for text in texts) == 19
    async with network.db.transaction() as conn:
        claims = await posts.active_claims_of_post(conn, 1)
        post = await posts.post_by_id(conn, 1)
    assert len(claims) == 1 and post is not None and post.status == "taken"


async def test_done_records_quantity_and_closes(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1")
    network.take_inbox("alice")
    replies = await network.say("bob", "/fait 1 28 kg")
    assert "28 kg" in replies[0]
    assert any("récupérée" in m for m in network.take_inbox("alice"))
    async with network.db.transaction() as conn:
        post = await posts.post_by_id(conn, 1)
        async with conn.execute(
            "SELECT quantity FROM events WHERE kind = 'completed' AND post_id = 1"
        ) as cur:
            row = await cur.fetchone()
    assert row is not None and row[0] == 28
    assert post is not None and post.status == "open"  # 2 kg were not collected: still there
    assert "votre association" in (await network.say("carla", "/fait 1"))[0]


async def test_author_closes_post(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/besoin 20 kg de riz pour vendredi")
    await network.say("bob", "/prendre 1")
    replies = await network.say("alice", "/fait 1")
    assert "clôturée" in replies[0]
    assert any("clôturé" in m for m in network.take_inbox("bob"))
    async with network.db.transaction() as conn:
        post = await posts.post_by_id(conn, 1)
    assert post is not None and post.status == "done"


async def test_cancel_post_tells_claimers_and_cancel_claim_reopens(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    await network.say("bob", "/prendre 1")
    network.take_inbox("alice")
    replies = await network.say("bob", "/annuler 1")
    assert "de nouveau disponible" in replies[0]
    assert any("ne prend plus" in m for m in network.take_inbox("alice"))
    await network.say("carla", "/prendre 1 10 kg")
    network.take_inbox("carla")
    assert "retirée" in (await network.say("alice", "/annuler 1"))[0]
    assert any("retirée par son auteur" in m for m in network.take_inbox("carla"))
    assert "ne pouvez annuler" in (await network.say("bob", "/annuler 1"))[0]


async def test_cancel_not_allowed_for_others(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 30 kg de pommes à Carcassonne")
    assert "ne pouvez annuler" in (await network.say("bob", "/annuler 1"))[0]


async def test_button_press_claims_like_the_command(network: Network) -> None:
    await three_associations(network)
    await network.say("alice", "/don 4 cagettes de tomates à Trèbes")
    relay = network.last_outgoing("bob")
    assert relay.choices and relay.choices[0].label == "Je prends"
    replies = await network.say("bob", relay.choices[0].command, button=True)
    assert "C'est noté" in replies[0]
