"""Issue 9, item 6: a pending question (« Qu'est-ce qui est à donner exactement ? ») knows its
place. It expires; a command, a claim, a thank-you, a greeting, a question or emojis are never
taken as its answer (they are handled as what they are and the question stays, with a one-line
reminder); an answer without what was asked is asked once more, then the draft is dropped with
a note. Nothing is ever relayed to other associations in these cases.

Alice (Banque Alimentaire de l'Aude) is asked what she offers; Bob (Restos du Cœur Narbonne)
has an offer #1 and a need #2 open; Carol (Épicerie solidaire de Limoux) only watches: she
receives a relay if and only if something was published.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.settings import Settings
from storage import drafts, members, posts
from tests.network import Network

# The draft Alice is asked about becomes post #3 (Bob's are #1 and #2).
DRAFT_POST = 3
STILL_WAITING = "attend toujours"
NOTHING_PUBLISHED = "rien n'a été publié"


async def alice_is_asked(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    await network.join("carol", "Épicerie solidaire de Limoux", "Limoux")
    await network.say("bob", "/don 10 kg de pommes")
    await network.say("bob", "/besoin 20 kg de riz pour vendredi")
    asked = await network.say("alice", "/don 30 kg")
    assert "Qu'est-ce qui est à donner exactement" in asked[0]
    for person in ("alice", "bob", "carol"):
        network.take_inbox(person)


async def published(network: Network, post_id: int = DRAFT_POST) -> bool:
    async with network.db.transaction() as conn:
        return await posts.post_by_id(conn, post_id) is not None


async def has_draft(network: Network, user: str) -> bool:
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
        assert member is not None
        return await drafts.draft_of(conn, member.id) is not None


async def assert_nothing_relayed(network: Network) -> None:
    assert not await published(network)
    assert network.take_inbox("carol") == []
    assert not any(f"#{DRAFT_POST}" in message for message in network.take_inbox("bob"))


# ------------------------------------------------------------------ expiry


async def test_answer_within_the_time_completes_the_post(
    network: Network, clock: ManualClock
) -> None:
    await alice_is_asked(network)
    clock.advance(timedelta(minutes=29))
    replies = await network.say("alice", "des pâtes")
    assert f"#{DRAFT_POST} publiée" in replies[0]
    assert any("pâtes" in message for message in network.take_inbox("carol"))


async def test_an_expired_question_captures_nothing(network: Network, clock: ManualClock) -> None:
    await alice_is_asked(network)
    clock.advance(timedelta(minutes=31))
    replies = await network.say("alice", "des pâtes")
    # Read as a new message (« des pâtes » alone is not a post), and Alice is told why.
    assert NOTHING_PUBLISHED in "\n".join(replies)
    await assert_nothing_relayed(network)
    assert not await has_draft(network, "alice")


async def test_nine_days_later_merci_is_a_thank_you(network: Network, clock: ManualClock) -> None:
    await alice_is_asked(network)
    clock.advance(timedelta(days=9))
    replies = await network.say("alice", "merci")
    assert "plaisir" in "\n".join(replies)
    await assert_nothing_relayed(network)


# ------------------------------------------------------------------ not answers

COMMANDS = ["/liste", "/aide", "liste", "/mes", "/langue fr"]
CLAIMS = ["je prends le 1", "Je prends le 1 !", "on prend le n°1", "prendre 1", "/prendre 1"]
HELPS = ["je peux aider pour le 2", "on peut aider pour le 2", "je m'occupe du 2"]
THANKS = ["merci", "merci beaucoup 🙏", "super merci", "Merci !", "mrc", "merci bcp"]
GREETINGS = ["bonjour", "salut à tous", "Bonjour 🙂", "coucou", "bonjour à tous !"]
# A question mark is never an answer, even after goods: « des yaourts ? » could be a question.
QUESTIONS = [
    "comment on fait ?",
    "c'est quoi le 1 ?",
    "pourquoi ?",
    "où ça ?",
    "des yaourts ?",
    "qu'est-ce qu'il y a comme dons ?",
]
EMOJIS = ["👍", "🙏🙏", "😊 !", "👌🏽", "...", "?"]


@pytest.mark.parametrize("text", COMMANDS)
async def test_a_command_is_handled_and_the_question_stays(network: Network, text: str) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", text)
    assert STILL_WAITING in replies[-1]
    await assert_nothing_relayed(network)
    assert f"#{DRAFT_POST} publiée" in (await network.say("alice", "des pâtes"))[0]


@pytest.mark.parametrize("text", CLAIMS)
async def test_a_claim_is_made_not_published(network: Network, text: str) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", text)
    assert "C'est noté" in replies[0] and "#1" in replies[0]
    assert STILL_WAITING in replies[-1]
    await assert_nothing_relayed(network)
    assert f"#{DRAFT_POST} publiée" in (await network.say("alice", "des pâtes"))[0]


@pytest.mark.parametrize("text", HELPS)
async def test_an_offer_of_help_is_made_not_published(network: Network, text: str) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", text)
    assert "C'est noté" in replies[0] and "#2" in replies[0]
    assert STILL_WAITING in replies[-1]
    await assert_nothing_relayed(network)


@pytest.mark.parametrize("text", THANKS)
async def test_thanks_are_answered_not_published(network: Network, text: str) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", text)
    assert "plaisir" in replies[0]
    assert STILL_WAITING in replies[-1]
    await assert_nothing_relayed(network)
    assert f"#{DRAFT_POST} publiée" in (await network.say("alice", "des pâtes"))[0]


@pytest.mark.parametrize("text", GREETINGS)
async def test_greetings_are_answered_not_published(network: Network, text: str) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", text)
    assert replies[0].startswith("Bonjour")
    assert STILL_WAITING in replies[-1]
    await assert_nothing_relayed(network)
    assert f"#{DRAFT_POST} publiée" in (await network.say("alice", "des pâtes"))[0]


@pytest.mark.parametrize("text", QUESTIONS)
async def test_questions_are_answered_or_redirected_not_published(
    network: Network, text: str
) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", text)
    # Answered (the help, the list, the post asked about) or pointed to /aide.
    assert any(sign in "\n".join(replies) for sign in ("/aide", "#1", "les commandes"))
    assert STILL_WAITING in replies[-1]
    await assert_nothing_relayed(network)
    assert f"#{DRAFT_POST} publiée" in (await network.say("alice", "des pâtes"))[0]


@pytest.mark.parametrize("text", EMOJIS)
async def test_emojis_and_signs_alone_are_not_an_answer(network: Network, text: str) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", text)
    assert STILL_WAITING in replies[-1]
    await assert_nothing_relayed(network)


async def test_c_est_quoi_le_1_shows_post_1(network: Network) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", "c'est quoi le 1 ?")
    assert "#1" in replies[0] and "pommes" in replies[0]


async def test_annuler_still_drops_the_question(network: Network) -> None:
    await alice_is_asked(network)
    assert "j'oublie" in (await network.say("alice", "annuler"))[0]
    assert not await has_draft(network, "alice")


async def test_a_new_post_replaces_the_question(network: Network) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", "/don 20 kg de pâtes")
    assert f"#{DRAFT_POST} publiée" in replies[0]
    assert not await has_draft(network, "alice")
    assert STILL_WAITING not in "\n".join(replies)


# ------------------------------------------------------------------ answers

GOOD_WHAT_ANSWERS = [
    "des pâtes",
    "Des conserves de légumes",
    "riz et pâtes",
    "des jouets pour enfants",
    "bonjour, des pâtes",
]


@pytest.mark.parametrize("text", GOOD_WHAT_ANSWERS)
async def test_a_good_answer_completes_the_post(network: Network, text: str) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", text)
    if "DLC" in replies[0]:  # cold goods: the next question, then the post
        replies = await network.say("alice", "vendredi")
    assert f"#{DRAFT_POST} publiée" in replies[0]
    assert any(f"#{DRAFT_POST}" in message for message in network.take_inbox("carol"))


WRONG_WHAT_ANSWERS = [
    ("ok", "oui"),
    ("je sais pas", "des trucs"),
    ("12", "plein de choses"),
    ("d'accord", "euh"),
]


@pytest.mark.parametrize(("first", "second"), WRONG_WHAT_ANSWERS)
async def test_a_wrong_answer_twice_drops_the_draft_with_a_note(
    network: Network, first: str, second: str
) -> None:
    await alice_is_asked(network)
    again = await network.say("alice", first)
    assert "Qu'est-ce qui est à donner exactement" in again[-1]
    await assert_nothing_relayed(network)
    dropped = await network.say("alice", second)
    assert NOTHING_PUBLISHED in dropped[0] and "/don" in dropped[0]
    await assert_nothing_relayed(network)
    assert not await has_draft(network, "alice")
    # The next message is read afresh, not as an answer.
    await network.say("alice", "des pâtes")
    await assert_nothing_relayed(network)


@pytest.mark.parametrize(("first", "second"), [("bientôt", "je sais pas"), ("ok", "aucune")])
async def test_a_dlc_question_is_asked_twice_at_most(
    network: Network, first: str, second: str
) -> None:
    await alice_is_asked(network)
    assert "DLC" in (await network.say("alice", "des yaourts"))[0]
    assert "DLC" in (await network.say("alice", first))[-1]
    dropped = await network.say("alice", second)
    assert NOTHING_PUBLISHED in dropped[0]
    await assert_nothing_relayed(network)
    assert not await has_draft(network, "alice")


async def test_a_good_answer_after_one_wrong_one_still_publishes(network: Network) -> None:
    await alice_is_asked(network)
    await network.say("alice", "ok")
    replies = await network.say("alice", "des pâtes")
    assert f"#{DRAFT_POST} publiée" in replies[0]


# ------------------------------------------------------------------ held out
# Written before any code of this change, and never used to tune the classifier: a check that
# it generalises beyond the phrasings above. (text, expected) with expected one of
# "kept" (not an answer: handled, the question waits), "published", "asked_again".
HELD_OUT = [
    ("mille mercis !", "kept"),
    ("Merci à vous 😊", "kept"),
    ("Bonsoir tout le monde", "kept"),
    ("hello !", "kept"),
    ("c'est où le dépôt ?", "kept"),
    ("quelqu'un peut m'expliquer ?", "kept"),
    ("👍🏻👍🏻", "kept"),
    ("je veux bien prendre le 1", "kept"),
    ("on peut récupérer le 1", "kept"),
    ("une dizaine de cartons de biscuits", "published"),
    ("des légumes du jardin", "published"),
    # Failed on the first run (« idée » was published): the negation rule in `names_goods`
    # came after, so this one is no longer strictly held out. The 12 others passed first time.
    ("aucune idée", "asked_again"),
    ("oui oui", "asked_again"),
]


@pytest.mark.parametrize(("text", "expected"), HELD_OUT)
async def test_held_out_phrasings(network: Network, text: str, expected: str) -> None:
    await alice_is_asked(network)
    replies = await network.say("alice", text)
    if expected == "published":
        assert f"#{DRAFT_POST} publiée" in replies[0]
        return
    await assert_nothing_relayed(network)
    if expected == "kept":
        assert STILL_WAITING in replies[-1]
    else:
        assert "Qu'est-ce qui est à donner exactement" in replies[-1]
    assert await has_draft(network, "alice")


async def test_the_waiting_time_is_a_setting(
    network: Network, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOUCLE_QUESTION_MINUTES", "5")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    network.dispatcher.config = settings.network_config()
    await alice_is_asked(network)
    clock.advance(timedelta(minutes=6))
    replies = await network.say("alice", "des pâtes")
    assert NOTHING_PUBLISHED in "\n".join(replies)
    await assert_nothing_relayed(network)
