"""Issue 10, item 1: free text read as a post is published at once only when surely read;
otherwise its writer sees the reading with « ✅ Publier / ✏️ Corriger / ✖ Annuler » and nothing
reaches anyone until they answer. A slash command publishes at once; a question never goes out.

Alice (Banque Alimentaire de l'Aude) writes; Bob (Restos du Cœur Narbonne) and Carol (Épicerie
solidaire de Limoux) receive a relay if and only if something was published.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.channels.telegram import keyboard
from bot.channels.terminal import render_plain
from bot.channels.whatsapp import render_whatsapp
from bot.clock import ManualClock
from handlers import confirmation, freetext
from handlers.messages import Choice, Outgoing
from handlers.understanding import Understanding
from storage import drafts, members, posts
from storage.models import Post
from tests.network import Network

# Read as a post by the current rule, but not surely (the direction is guessed, « il reste »).
UNSURE = "il reste 20 kg de pommes"
# Read as a post, but phrased as a question.
QUESTION = "on aurait besoin de riz ?"
# Surely read: a clear cue and known goods.
SURE = "on donne 20 kg de pommes"
CONFIRM_TITLE = "Avant de publier"
NUMBERED = ("1 ✅ Publier", "2 ✏️ Corriger", "3 ✖ Annuler")
NOTHING_PUBLISHED = "rien n'a été publié"


async def three(network: Network) -> None:
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    await network.join("carol", "Épicerie solidaire de Limoux", "Limoux")
    for person in ("alice", "bob", "carol"):
        network.take_inbox(person)


async def all_posts(network: Network) -> list[Post]:
    async with network.db.transaction() as conn:
        found = [await posts.post_by_id(conn, post_id) for post_id in range(1, 10)]
    return [post for post in found if post is not None]


async def draft_question(network: Network, user: str) -> str | None:
    async with network.db.transaction() as conn:
        member = await members.member_by_address(conn, "test", user)
        assert member is not None
        draft = await drafts.draft_of(conn, member.id)
    return draft.question if draft else None


def nothing_relayed(network: Network) -> bool:
    return network.take_inbox("bob") == [] and network.take_inbox("carol") == []


def reads_as(monkeypatch: pytest.MonkeyPatch, understood: Understanding) -> None:
    """The next free text is read as `understood`, whatever the parser's confidence rule."""
    monkeypatch.setattr(freetext, "understand", lambda *args, **kwargs: understood)


async def confirmation_shown(network: Network, text: str) -> str:
    replies = await network.say("alice", text)
    assert len(replies) == 1, replies
    assert CONFIRM_TITLE in replies[0]
    assert nothing_relayed(network)
    assert await all_posts(network) == []
    return replies[0]


# ------------------------------------------------------------------ when it is asked


class TestUnsureFreeText:
    async def test_shows_the_reading_and_publishes_nothing(self, network: Network) -> None:
        await three(network)
        shown = await confirmation_shown(network, UNSURE)
        assert "Don · pommes — 20 kg — Carcassonne" in shown
        assert "besoin ou don" in shown  # what was guessed, in a few words
        assert all(line in shown for line in NUMBERED)
        assert await draft_question(network, "alice") == confirmation.QUESTION_CONFIRM

    async def test_an_understanding_below_certain_is_confirmed(
        self, network: Network, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await three(network)
        reads_as(
            monkeypatch, Understanding("need", what="riz", quantity=30, unit="kg", confidence=0.79)
        )
        shown = await confirmation_shown(network, "ce que vous voulez")
        assert "Besoin · riz — 30 kg" in shown

    async def test_certain_free_text_is_published_at_once(self, network: Network) -> None:
        await three(network)
        replies = await network.say("alice", SURE)
        assert "#1 publiée" in replies[0]
        assert CONFIRM_TITLE not in replies[0]
        assert any("pommes" in message for message in network.take_inbox("bob"))

    async def test_exactly_certain_is_published(
        self, network: Network, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await three(network)
        reads_as(monkeypatch, Understanding("need", what="riz", confidence=0.8))
        replies = await network.say("alice", "ce que vous voulez")
        assert "#1 publiée" in replies[0]

    async def test_a_slash_command_is_published_at_once(self, network: Network) -> None:
        await three(network)
        replies = await network.say("alice", "/don il reste 20 kg de pommes ?")
        assert "#1 publiée" in replies[0]
        assert network.take_inbox("carol") != []


class TestQuestionsAreNeverPublished:
    async def test_a_question_read_as_a_post_is_confirmed(self, network: Network) -> None:
        await three(network)
        shown = await confirmation_shown(network, QUESTION)
        assert "/aide" in shown

    async def test_even_when_the_confidence_is_high(
        self, network: Network, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await three(network)
        reads_as(
            monkeypatch,
            Understanding("need", what="moment", confidence=0.95, guessed=("question",)),
        )
        await confirmation_shown(network, "Pouvez-vous me rappeler les besoins du moment ?")


# ------------------------------------------------------------------ the three answers


class TestPublish:
    @pytest.mark.parametrize("answer", ["1", "oui", "OK", "publier", "✅ Publier", "1."])
    async def test_the_answer_publishes_and_relays(self, network: Network, answer: str) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        replies = await network.say("alice", answer)
        assert "#1 publiée" in replies[0]
        assert any("pommes" in message for message in network.take_inbox("carol"))
        [post] = await all_posts(network)
        assert post.original_text == UNSURE
        assert await draft_question(network, "alice") is None

    async def test_the_button_publishes(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        publish = network.last_outgoing("alice").choices[0]
        replies = await network.say("alice", publish.command, button=True)
        assert "#1 publiée" in replies[0]
        assert network.take_inbox("bob") != []

    async def test_a_question_confirmed_is_published_as_confirmed(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, QUESTION)
        replies = await network.say("alice", "1")
        assert "#1 publiée" in replies[0]

    async def test_photos_of_the_first_message_go_with_the_post(self, network: Network) -> None:
        await three(network)
        incoming = network.incoming("alice", UNSURE)
        photo = "https://example.org/pommes.jpg"
        await network.dispatcher.handle(
            type(incoming)(**{**incoming.__dict__, "media_urls": (photo,)})
        )
        await network.say("alice", "1")
        [post] = await all_posts(network)
        assert post.media_urls == (photo,)


class TestCancel:
    @pytest.mark.parametrize("answer", ["3", "non", "annuler", "✖ Annuler"])
    async def test_drops_and_says_nothing_was_published(
        self, network: Network, answer: str
    ) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        replies = await network.say("alice", answer)
        assert NOTHING_PUBLISHED in replies[0].lower()
        assert await draft_question(network, "alice") is None
        assert await all_posts(network) == []
        assert nothing_relayed(network)

    async def test_the_button_drops(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        drop = network.last_outgoing("alice").choices[2]
        replies = await network.say("alice", drop.command, button=True)
        assert NOTHING_PUBLISHED in replies[0].lower()
        assert await all_posts(network) == []


class TestRewrite:
    async def test_the_new_text_is_published_when_certain(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        asked = await network.say("alice", "2")
        assert "Réécrivez l'annonce" in asked[0] and "/besoin" in asked[0]
        assert nothing_relayed(network)
        replies = await network.say("alice", SURE)
        assert "#1 publiée" in replies[0]
        [post] = await all_posts(network)
        assert post.original_text == SURE
        assert post.kind == "offer"

    async def test_a_command_after_corriger_publishes(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        await network.say("alice", "corriger")
        replies = await network.say("alice", "/besoin 20 kg de pommes")
        assert "#1 publiée" in replies[0]
        [post] = await all_posts(network)
        assert post.kind == "need"
        assert await draft_question(network, "alice") is None

    async def test_a_new_text_still_unsure_is_confirmed_again(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        await network.say("alice", "2")
        shown = await confirmation_shown(network, "il reste 30 kg de poires")
        assert "poires — 30 kg" in shown
        await network.say("alice", "1")
        [post] = await all_posts(network)
        assert post.original_text == "il reste 30 kg de poires"

    async def test_photos_of_the_first_message_go_with_the_rewritten_post(
        self, network: Network
    ) -> None:
        await three(network)
        incoming = network.incoming("alice", UNSURE)
        photo = "https://example.org/pommes.jpg"
        await network.dispatcher.handle(
            type(incoming)(**{**incoming.__dict__, "media_urls": (photo,)})
        )
        await network.say("alice", "2")
        await network.say("alice", SURE)
        [post] = await all_posts(network)
        assert post.media_urls == (photo,)

    async def test_something_else_meanwhile_keeps_the_rewrite_waiting(
        self, network: Network
    ) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        await network.say("alice", "2")
        replies = await network.say("alice", "merci")
        assert "attend toujours" in replies[-1]
        assert await draft_question(network, "alice") == confirmation.QUESTION_REWRITE


# ------------------------------------------------------------------ its place among questions


class TestPendingConfirmation:
    async def test_expires_like_other_questions(self, network: Network, clock: ManualClock) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        clock.advance(timedelta(minutes=31))
        replies = await network.say("alice", "1")
        assert NOTHING_PUBLISHED in "\n".join(replies)
        assert await all_posts(network) == []
        assert nothing_relayed(network)

    async def test_an_expired_button_publishes_nothing(
        self, network: Network, clock: ManualClock
    ) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        publish = network.last_outgoing("alice").choices[0]
        clock.advance(timedelta(minutes=31))
        replies = await network.say("alice", publish.command, button=True)
        assert NOTHING_PUBLISHED in "\n".join(replies)
        assert await all_posts(network) == []

    async def test_a_command_in_between_runs_and_the_confirmation_is_reminded(
        self, network: Network
    ) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        replies = await network.say("alice", "/liste")
        assert "attend toujours" in replies[-1] and "1 = publier" in replies[-1]
        replies = await network.say("alice", "1")
        assert "#1 publiée" in replies[0]

    async def test_a_new_unsure_post_replaces_it(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        await confirmation_shown(network, "il reste 30 kg de poires")
        await network.say("alice", "1")
        [post] = await all_posts(network)
        assert post.what == "poires"

    async def test_a_new_certain_post_replaces_it(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        replies = await network.say("alice", "on donne 30 kg de poires")
        assert "#1 publiée" in replies[0]
        assert await draft_question(network, "alice") is None
        assert [post.what for post in await all_posts(network)] == ["poires"]

    async def test_a_posting_command_replaces_it(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        await network.say("alice", "/besoin 30 kg de riz")
        assert await draft_question(network, "alice") is None
        assert [post.what for post in await all_posts(network)] == ["riz"]

    async def test_a_button_of_a_replaced_confirmation_does_nothing(self, network: Network) -> None:
        await three(network)
        await confirmation_shown(network, UNSURE)
        old_publish = network.last_outgoing("alice").choices[0]
        await confirmation_shown(network, "il reste 30 kg de poires")
        replies = await network.say("alice", old_publish.command, button=True)
        assert "remplacée" in replies[0]
        assert await all_posts(network) == []
        assert await draft_question(network, "alice") == confirmation.QUESTION_CONFIRM

    async def test_a_digit_without_a_confirmation_keeps_its_meaning(self, network: Network) -> None:
        await three(network)
        replies = await network.say("alice", "1")
        assert CONFIRM_TITLE not in replies[0]
        assert "#1 publiée" not in replies[0]
        assert await all_posts(network) == []

    async def test_a_publish_button_with_nothing_waiting_says_so(self, network: Network) -> None:
        await three(network)
        replies = await network.say("alice", "/publier", button=True)
        assert "Aucune annonce n'attend" in replies[0]

    async def test_a_publish_button_while_the_one_question_waits_recalls_it(
        self, network: Network
    ) -> None:
        await three(network)
        await network.say("alice", "/don 30 kg")
        replies = await network.say("alice", "/publier", button=True)
        assert "Aucune annonce n'attend" in replies[0] and "attend toujours" in replies[0]
        assert await draft_question(network, "alice") == "what"
        assert await all_posts(network) == []


class TestWithTheOneQuestion:
    """The confirmation comes first (is it a post at all?), then the one missing thing."""

    async def test_confirmed_then_asked_what_then_published(
        self, network: Network, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await three(network)
        reads_as(
            monkeypatch,
            Understanding("offer", missing=("what",), confidence=0.5, guessed=("intent", "what")),
        )
        shown = await confirmation_shown(network, "on a des trucs en trop")
        assert "quoi ? (à préciser)" in shown
        monkeypatch.undo()
        asked = await network.say("alice", "1")
        assert "Qu'est-ce qui est à donner exactement" in asked[0]
        assert nothing_relayed(network)
        replies = await network.say("alice", "des pâtes")
        assert "#1 publiée" in replies[0]
        assert any("pâtes" in message for message in network.take_inbox("carol"))

    async def test_a_past_dlc_is_refused_before_the_confirmation(
        self, network: Network, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
    ) -> None:
        await three(network)
        yesterday = clock.now().date() - timedelta(days=1)
        reads_as(
            monkeypatch,
            Understanding(
                "offer",
                what="yaourts",
                category="produits_laitiers",
                cold_chain=True,
                deadline=yesterday,
                date_kind="dlc",
                confidence=0.5,
                guessed=("intent",),
            ),
        )
        replies = await network.say("alice", "yaourts DLC hier")
        assert CONFIRM_TITLE not in replies[0]
        assert await draft_question(network, "alice") is None


class TestAnswerOf:
    @pytest.mark.parametrize(
        ("text", "action"),
        [
            ("1", "publish"),
            (" 1 ", "publish"),
            ("Oui", "publish"),
            ("ok !", "publish"),
            ("✅ Publier", "publish"),
            ("2", "rewrite"),
            ("Corriger", "rewrite"),
            ("✏️ Corriger", "rewrite"),
            ("3", "drop"),
            ("Non", "drop"),
            ("annuler.", "drop"),
            ("✖ Annuler", "drop"),
            ("laisse tomber", "drop"),
        ],
    )
    def test_answers(self, text: str, action: str) -> None:
        assert confirmation.answer_of(text) == action

    @pytest.mark.parametrize("text", ["4", "12", "oui 20 kg de pommes", "merci", "", "👍"])
    def test_not_answers(self, text: str) -> None:
        assert confirmation.answer_of(text) is None


def test_the_choices_carry_their_token_and_reply_through_the_outbox() -> None:
    """A button names its confirmation; the typed reply survives the outbox's JSON."""
    message = Outgoing("x", choices=confirmation.choices("fr", "abc123"))
    again = Outgoing.from_json(message.to_json())
    assert [choice.command for choice in again.choices] == [
        "/publier abc123",
        "/reecrire abc123",
        "/abandonner abc123",
    ]
    assert [choice.reply for choice in again.choices] == ["1", "2", "3"]


def test_rows_queued_before_replies_existed_still_read() -> None:
    old = '{"text": "x", "choices": [["Je prends", "/prendre 1"]]}'
    assert Outgoing.from_json(old).choices[0].reply == ""


class TestRendering:
    """Buttons on Telegram; numbered lines on WhatsApp and in the terminal."""

    def message(self) -> Outgoing:
        return Outgoing(
            "Don · pommes", title="Avant de publier", choices=confirmation.choices("fr", "t0")
        )

    def test_whatsapp_numbers_the_choices(self) -> None:
        [body] = render_whatsapp(self.message())
        assert body.endswith("1 ✅ Publier\n2 ✏️ Corriger\n3 ✖ Annuler")
        assert "répondez" not in body

    def test_the_terminal_numbers_them_too(self) -> None:
        assert render_plain(self.message()).endswith(
            "  1 ✅ Publier\n  2 ✏️ Corriger\n  3 ✖ Annuler"
        )

    def test_telegram_shows_buttons_carrying_the_commands(self) -> None:
        markup = keyboard(self.message())
        assert markup is not None
        [row] = markup.inline_keyboard
        assert [(b.text, b.callback_data) for b in row] == [
            ("✅ Publier", "/publier t0"),
            ("✏️ Corriger", "/reecrire t0"),
            ("✖ Annuler", "/abandonner t0"),
        ]

    def test_other_choices_keep_their_keyword_line(self) -> None:
        [body] = render_whatsapp(Outgoing("x", choices=(Choice("Je prends", "/prendre 3"),)))
        assert "répondez PRENDRE 3" in body


async def test_listing_needs_alone_keeps_the_confirmation_waiting(network: Network) -> None:
    # « /besoins » alone only lists: the post waiting for « ✅ Publier » is still there.
    await network.join("alice", "Banque Alimentaire de l'Aude", "Carcassonne")
    await network.join("bob", "Restos du Cœur Narbonne", "Narbonne")
    network.take_inbox("bob")
    shown = await network.say("alice", "on a du rab de <pommes> & 🍎, 10 kg, qui veut ?")
    assert "Publier" in shown[0]
    listed = await network.say("alice", "/besoins")
    assert "1 = publier" in listed[-1]  # the confirmation is recalled, not dropped
    published = await network.say("alice", "1")
    assert "#1" in published[0]
    relayed = network.take_inbox("bob")
    assert relayed and "<pommes> & 🍎" in relayed[0]
