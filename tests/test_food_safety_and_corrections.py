"""Issue 3's chat side: one question when it matters, food-safety dates, corrections."""

from __future__ import annotations

from dataclasses import replace

from storage import posts
from tests.network import Network


async def members_of_two(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    network.take_inbox("alice")
    network.take_inbox("bob")


async def test_offer_past_ddm_is_accepted_with_a_note(network: Network) -> None:
    await members_of_two(network)
    replies = await network.say("bob", "/don 24 boîtes de lait infantile, DDM 25/11")
    assert "#1" in replies[0] and "DDM" in replies[0] and "reste possible" in replies[0]


async def test_date_that_is_not_a_date_is_questioned_not_guessed(network: Network) -> None:
    await members_of_two(network)
    replies = await network.say("alice", "/besoin 10 kg de riz pour le 31/02")
    assert "31/02" in replies[0] and "n'existe pas" in replies[0]
    async with network.db.transaction() as conn:
        assert await posts.post_by_id(conn, 1) is None
    replies = await network.say("alice", "le 28/02")
    assert "#1" in replies[0] and "28 févr." in replies[0]


async def test_what_question_then_dlc_question_at_most_once_each(network: Network) -> None:
    await members_of_two(network)
    first = await network.say("bob", "/don 30 kg")
    assert "Qu'est-ce qui" in first[0]
    second = await network.say("bob", "des yaourts")
    assert "DLC" in second[0]
    third = await network.say("bob", "jeudi")
    assert "#1" in third[0] and "jeu. 3 déc." in third[0]


async def test_answer_without_date_repeats_the_question(network: Network) -> None:
    await members_of_two(network)
    await network.say("bob", "/don 40 yaourts")
    assert "DLC" in (await network.say("bob", "je sais pas"))[0]
    assert "j'oublie" in (await network.say("bob", "annuler"))[0]


async def test_correction_changes_only_given_fields(network: Network) -> None:
    await members_of_two(network)
    await network.say("alice", "/besoin 30 kg de riz pour vendredi à Carcassonne")
    replies = await network.say("alice", "corriger 1 à Narbonne")  # the WhatsApp way, no slash
    assert "Narbonne" in replies[0] and "30 kg" in replies[0] and "ven. 4 déc." in replies[0]
    replies = await network.say("alice", "/corriger 1 pour jeudi")
    assert "jeu. 3 déc." in replies[0] and "Narbonne" in replies[0]
    assert "rien trouvé" in (await network.say("alice", "/corriger 1 blabla"))[0]
    assert "Usage" in (await network.say("alice", "/corriger 1"))[0]
    assert "/corriger 12 40 kg" in (await network.say("alice", "/corriger"))[0]
    assert "passée" in (await network.say("alice", "/corriger 1 pour le 3/10/2025"))[0]


async def test_photo_sent_before_the_question_stays_with_the_post(network: Network) -> None:
    await members_of_two(network)
    photo = "https://example.invalid/yaourts.jpg"
    first = replace(network.incoming("bob", "/don 40 yaourts"), media_urls=(photo,))
    assert "DLC" in (await network.dispatcher.handle(first))[0].text
    assert "#1" in (await network.say("bob", "vendredi"))[0]
    async with network.db.transaction() as conn:
        post = await posts.post_by_id(conn, 1)
    assert post is not None and post.media_urls == (photo,)
