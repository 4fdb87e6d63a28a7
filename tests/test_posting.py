"""Posting needs, offers and equipment; relaying them; questions; bad input."""

from __future__ import annotations

from storage import posts
from tests.network import Network


async def two_associations(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("alice2", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    for user in ("alice", "alice2", "bob"):
        network.take_inbox(user)


async def count_posts(network: Network) -> int:
    async with network.db.transaction() as conn, conn.execute("SELECT COUNT(*) FROM posts") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def test_need_is_confirmed_and_relayed_to_other_associations_only(network: Network) -> None:
    await two_associations(network)
    replies = await network.say("alice", "/besoin 30 kg de riz pour vendredi")
    assert "#1" in replies[0]
    assert "30 kg" in replies[0] and "ven. 4 déc." in replies[0]
    assert "Carcassonne" in replies[0]  # no place given: the association's commune
    assert "/annuler 1" in replies[0] and "/corriger 1" in replies[0]
    relayed = network.take_inbox("bob")
    assert len(relayed) == 1 and "#1" in relayed[0] and "riz" in relayed[0]
    assert "Je peux aider" in relayed[0]
    assert network.take_inbox("alice2") == []  # same association: not relayed
    assert network.take_inbox("group")  # the group chat hears about it too


async def test_urgent_post_is_marked_and_goes_first(network: Network) -> None:
    await two_associations(network)
    # Both are queued before the sender runs: the urgent one, posted second, goes out first.
    await network.dispatcher.handle(network.incoming("alice", "/don 10 kg de carottes"))
    await network.dispatcher.handle(network.incoming("alice", "/urgent plus de lait infantile"))
    await network.deliver()
    relayed = network.take_inbox("bob")
    assert "URGENT" in relayed[0] and "lait" in relayed[0]
    assert "URGENT" not in relayed[1] and "carottes" in relayed[1]


async def test_free_text_offer_is_understood(network: Network) -> None:
    await two_associations(network)
    replies = await network.say("bob", "on a 200 yaourts en trop, DLC vendredi, à Narbonne")
    assert "#1" in replies[0] and "200" in replies[0] and "Narbonne" in replies[0]
    relayed = network.take_inbox("alice")
    assert "Je prends" in relayed[0]


async def test_missing_what_asks_one_question_then_publishes(network: Network) -> None:
    await two_associations(network)
    replies = await network.say("alice", "/don")
    assert "?" in replies[0]
    assert await count_posts(network) == 0
    replies = await network.say("alice", "20 kg de pommes")
    assert "#1" in replies[0] and "pommes" in replies[0]


async def test_cold_offer_without_date_asks_for_dlc(network: Network) -> None:
    await two_associations(network)
    replies = await network.say("bob", "/don 40 yaourts")
    assert "DLC" in replies[0]
    assert await count_posts(network) == 0
    replies = await network.say("bob", "vendredi")
    assert "#1" in replies[0] and "ven. 4 déc." in replies[0]


async def test_offer_past_dlc_is_refused(network: Network) -> None:
    await two_associations(network)
    replies = await network.say("bob", "/don 40 yaourts DLC 28/11/2026")
    assert "refusée" in replies[0]
    assert await count_posts(network) == 0


async def test_a_new_post_drops_the_pending_question(network: Network) -> None:
    # Other commands keep it, with a reminder (tests/test_pending_questions.py).
    await two_associations(network)
    await network.say("bob", "/don 40 yaourts")
    await network.say("bob", "/don 10 kg de pâtes")
    replies = await network.say("bob", "vendredi")
    assert "#" not in replies[0]
    assert await count_posts(network) == 1


async def test_hostile_text_is_kept_as_written(network: Network) -> None:
    await two_associations(network)
    text = '/besoin 5 kg de "riz" <b>bio</b> & pâtes 🍝 pour vendredi'
    await network.say("alice", text)
    async with network.db.transaction() as conn:
        post = await posts.post_by_id(conn, 1)
    assert post is not None
    async with (
        network.db.transaction() as conn,
        conn.execute("SELECT original_text FROM posts WHERE id = 1") as cur,
    ):
        row = await cur.fetchone()
    assert row is not None and row[0] == text


async def test_too_long_message_gets_a_short_answer(network: Network) -> None:
    await two_associations(network)
    replies = await network.say("alice", "besoin de riz " + "x" * 5000)
    assert "trop long" in replies[0] and len(replies[0]) < 300
    assert await count_posts(network) == 0


async def test_sticker_or_photo_without_text(network: Network) -> None:
    await two_associations(network)
    incoming = network.incoming("alice", "")
    from dataclasses import replace

    replies = await network.dispatcher.handle(replace(incoming, unsupported=True))
    assert "Je ne lis que le texte" in replies[0].text


async def test_absurd_quantity_and_past_date(network: Network) -> None:
    await two_associations(network)
    assert "beaucoup" in (await network.say("alice", "/besoin 5000000 kg de riz"))[0]
    assert "passée" in (await network.say("alice", "/besoin 5 kg de riz pour le 3/10/2025"))[0]
    assert await count_posts(network) == 0


async def test_unknown_command_and_greeting(network: Network) -> None:
    await two_associations(network)
    assert "/truc" in (await network.say("alice", "/truc"))[0]
    assert "Bonjour" in (await network.say("alice", "Bonjour"))[0]
    assert await count_posts(network) == 0


async def test_list_and_mine(network: Network) -> None:
    await two_associations(network)
    await network.say("alice", "/besoin 30 kg de riz pour vendredi")
    await network.say("bob", "/don 10 kg de pommes à Narbonne")
    listing = (await network.say("bob", "/liste"))[0]
    assert "#1" in listing and "#2" in listing
    needs = (await network.say("bob", "/liste besoins"))[0]
    assert "#1" in needs and "#2" not in needs
    assert "Usage" in (await network.say("bob", "/liste n'importe"))[0]
    await network.say("bob", "/prendre 1")
    mine = (await network.say("bob", "/mes"))[0]
    assert "#2" in mine and "/fait 1" in mine


async def test_correct_changes_only_given_fields(network: Network) -> None:
    await two_associations(network)
    await network.say("alice", "/besoin 30 kg de riz pour vendredi")
    replies = await network.say("alice", "/corriger 1 40 kg")
    assert "40 kg" in replies[0] and "ven. 4 déc." in replies[0]
    assert "Seule" in (await network.say("bob", "/corriger 1 50 kg"))[0]


async def test_help(network: Network) -> None:
    await two_associations(network)
    text = (await network.say("alice", "/aide"))[0]
    assert "/besoin" in text and "/prendre" in text
    # Who receives what is each one's to set: the help names both commands.
    assert "/notifs" in text and "/profil" in text
    await network.say("alice", "/langue en")
    english = (await network.say("alice", "/help"))[0]
    assert "/notifs" in english and "/profil" in english


async def test_goods_without_need_or_offer_get_both_commands_ready(network: Network) -> None:
    await two_associations(network)
    replies = await network.say("alice", "500 g de sel")
    assert "besoin ou un don" in replies[0]
    assert "/besoin 500 g de sel" in replies[0] and "/don 500 g de sel" in replies[0]
    assert await count_posts(network) == 0
    assert "#1" in (await network.say("alice", "/don 500 g de sel"))[0]
