"""The whole loop on Telegram, through python-telegram-bot's real HTTP stack and a local fake
Bot API server: three people of three associations, a stranger, hostile text, a restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import Boucle
from bot.clock import ManualClock
from bot.settings import Settings
from handlers.messages import Incoming
from storage import outbox
from storage.db import Database
from tests.conftest import START
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegramAPI, SentMessage
from tests.network import invite_three

ALICE, BOB, CARLA, MALLORY = 111, 222, 333, 666
GROUP = -1001234


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        fake.user(ALICE, "Alice", "alice_ba")
        fake.user(BOB, "Bob", "bob_restos")
        fake.user(CARLA, "Carla")
        fake.user(MALLORY, "Mallory")
        yield fake


def settings_for(api: FakeTelegramAPI, db_path: Path) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        boucle_group_chat_id=GROUP,
        _env_file=None,  # type: ignore[call-arg]
    )


async def make_invites(db_path: Path) -> dict[str, str]:
    return await invite_three(db_path, ("alice", "bob", "carla"), START)


@pytest.fixture
async def running(
    api: FakeTelegramAPI, tmp_path: Path
) -> AsyncIterator[tuple[Boucle, dict[str, str]]]:
    db_path = tmp_path / "boucle.db"
    codes = await make_invites(db_path)
    app = await Boucle.create(settings_for(api, db_path), ManualClock(START))
    await app.start()
    yield app, codes
    await app.stop()


async def last_text(api: FakeTelegramAPI, chat: int, count: int) -> SentMessage:
    return (await api.wait_for_messages(chat, count))[count - 1]


async def join_all(api: FakeTelegramAPI, codes: dict[str, str]) -> None:
    api.send_text(ALICE, f"/start {codes['alice']}")
    api.send_text(BOB, f"/start {codes['bob']}")
    api.send_text(CARLA, f"/start {codes['carla']}")
    for chat in (ALICE, BOB, CARLA):
        welcome = await last_text(api, chat, 1)
        assert "Bienvenue" in welcome.plain_text


async def test_whole_loop_three_associations(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    _, codes = running
    assert api.calls_to("setMyCommands"), "the French command menu is set at start"
    await join_all(api, codes)

    api.send_text(ALICE, "/don 30 kg de pommes à Carcassonne, à prendre demain")
    confirmation = await last_text(api, ALICE, 2)
    assert "#1" in confirmation.plain_text and "30 kg" in confirmation.plain_text
    relay_bob = await last_text(api, BOB, 2)
    await last_text(api, CARLA, 2)
    assert "pommes" in relay_bob.plain_text and relay_bob.parse_mode == "HTML"
    assert relay_bob.data_for("Je prends") == "/prendre 1"
    group = await last_text(api, GROUP, 1)
    assert "#1" in group.plain_text

    # Carla takes part by command, Bob takes the rest with the button.
    api.send_text(CARLA, "/prendre 1 10 kg")
    carla_ok = await last_text(api, CARLA, 3)
    assert "Il reste 20 kg" in carla_ok.plain_text and "@alice_ba" in carla_ok.plain_text
    assert "Carla" in (await last_text(api, ALICE, 3)).plain_text
    api.press_button(BOB, relay_bob, relay_bob.data_for("Je prends"))
    bob_ok = await last_text(api, BOB, 3)
    assert "C'est noté" in bob_ok.plain_text and "20 kg" in bob_ok.plain_text
    await api.wait_for(lambda: len(api.callback_answers) == 1, what="callback answered")
    assert "@bob_restos" in (await last_text(api, ALICE, 4)).plain_text

    # Taking it again gets a clear answer.
    api.send_text(CARLA, "/prendre 1")
    assert "déjà pris l'annonce #1" in (await last_text(api, CARLA, 4)).plain_text

    # Done, by the two claimers.
    api.send_text(BOB, "/fait 1")
    assert "20 kg" in (await last_text(api, BOB, 4)).plain_text
    api.send_text(CARLA, "/fait 1 10 kg")
    await last_text(api, CARLA, 5)
    await api.wait_for_messages(ALICE, 6)

    # A need, helped then cancelled by its author.
    api.send_text(BOB, "/besoin 12 kg de café pour vendredi")
    await last_text(api, BOB, 5)
    relay = await last_text(api, CARLA, 6)
    assert relay.data_for("Je peux aider") == "/prendre 2"
    api.press_button(CARLA, relay, "/prendre 2")
    await last_text(api, CARLA, 7)
    # Bob's news of Carla's help goes through the outbox: wait for it before he cancels.
    await last_text(api, BOB, 6)
    api.send_text(BOB, "/annuler 2")
    assert "retirée" in (await last_text(api, BOB, 7)).plain_text
    assert "retirée par son auteur" in (await last_text(api, CARLA, 8)).plain_text

    assert api.duplicates() == {}
    # Every method goes as a JSON body, encoded in C, not as PTB's form (each byte of a long
    # text quoted in Python); buttons arrive all the same (pressed above).
    bodies = {media for method, media in api.content_types}
    assert bodies == {"application/json"}, bodies
    # issue 12 (cpu22): a sent row keeps the id Telegram gave its message (read from
    # sendMessage's answer without building PTB's Message).
    app, _ = running
    async with app.db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT platform_message_id FROM outbox WHERE external_id = ? AND state = 'sent'",
            (str(ALICE),),
        )
    assert sorted(row[0] for row in rows) == sorted(
        str(message.message_id) for message in api.messages_to(ALICE)
    )


async def test_stranger_is_refused_and_nothing_relayed(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    _, codes = running
    await join_all(api, codes)
    api.send_text(MALLORY, "/don 500 kg de pommes")
    refusal = await last_text(api, MALLORY, 1)
    assert "code d'invitation" in refusal.plain_text
    await asyncio.sleep(0.3)
    assert len(api.messages_to(ALICE)) == 1 and len(api.messages_to(GROUP)) == 0


async def test_hostile_text_is_escaped(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    """User text inside formatted messages is escaped: the fake answers 400 to bad HTML."""
    _, codes = running
    api.user(CARLA, '<b>Zoé</b> & "Co" 🍝')
    await join_all(api, codes)
    api.send_text(ALICE, "/don 4 cagettes de tomates <script>alert(1)</script> & 🍅 à Trèbes")
    await last_text(api, ALICE, 2)
    relay = await last_text(api, CARLA, 2)
    api.press_button(CARLA, relay, "/prendre 1")
    await last_text(api, CARLA, 3)
    news = await last_text(api, ALICE, 3)
    assert '<b>Zoé</b> & "Co" 🍝' in news.plain_text
    assert "&lt;b&gt;" in news.text
    api.send_text(ALICE, "<i>bonjour</i> & <<>> 'salut'")
    assert "pas compris" in (await last_text(api, ALICE, 4)).plain_text


async def test_sticker_and_long_message(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    _, codes = running
    await join_all(api, codes)
    api.send_sticker(ALICE)
    assert "texte" in (await last_text(api, ALICE, 2)).plain_text
    api.send_text(ALICE, "besoin " + "de riz " * 800)
    assert "trop long" in (await last_text(api, ALICE, 3)).plain_text


def relays_on_the_wire(api: FakeTelegramAPI) -> int:
    return sum("Don #1 ·" in str(call.get("text", "")) for call in api.calls_to("sendMessage"))


async def test_restart_in_the_middle_loses_nothing(api: FakeTelegramAPI, tmp_path: Path) -> None:
    db_path = tmp_path / "boucle.db"
    codes = await make_invites(db_path)
    first = await Boucle.create(settings_for(api, db_path), ManualClock(START))
    await first.start()
    await join_all(api, codes)
    # The three relays are on the wire, unanswered, when the process stops.
    api.hold_chats(BOB, CARLA, GROUP)
    api.send_text(ALICE, "/don 4 cagettes de tomates à Trèbes")
    await api.wait_for(lambda: relays_on_the_wire(api) == 3, what="relays in flight")
    await first.stop(seconds=0)  # no grace: as if the process were killed
    db = await Database.open(db_path)
    async with db.transaction() as conn:
        in_flight = (await outbox.count_by_state(conn)).get("in_flight", 0)
    await db.close()
    assert in_flight == 3
    assert len(api.messages_to(CARLA)) == 1  # only her welcome: the relay is not delivered
    api.release_chats()  # the platform did deliver what was on the wire: those may repeat
    second = await Boucle.create(settings_for(api, db_path), ManualClock(START))
    await second.start()
    try:
        relay = await last_text(api, BOB, 2)
        assert "tomates" in relay.plain_text
        await last_text(api, CARLA, 2)
        api.press_button(BOB, relay, "/prendre 1")
        await api.wait_for(
            lambda: any("C'est noté" in m.plain_text for m in api.messages_to(BOB)),
            what="Bob's claim confirmed",
        )
        # Only what was in flight at the stop may arrive twice.
        assert second.sender.stats.requeued_after_crash == 3
        assert sum(api.duplicates().values()) <= in_flight
    finally:
        await second.stop()


async def test_redelivered_update_is_processed_once(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    _, codes = running
    await join_all(api, codes)
    update_id = api.send_text(ALICE, "/don 4 cagettes de tomates à Trèbes")
    await last_text(api, ALICE, 2)
    original = next(u for u in api.updates if u["update_id"] == update_id)
    api.inject_raw(original)  # Telegram sends the same update again
    api.send_text(ALICE, "/mes")
    await last_text(api, ALICE, 3)
    assert len(api.messages_to(ALICE)) == 3
    assert len(api.messages_to(BOB)) == 2


async def test_update_not_stored_is_not_acknowledged(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    """If storing an update fails, Telegram is not told we have it: it comes again, once."""
    app, codes = running
    await join_all(api, codes)
    assert app.telegram is not None
    app.telegram.error_pause = 0.01
    real_take = app.intake.take
    failures = 0

    async def failing_once(incoming: Incoming) -> bool:
        nonlocal failures
        if "tomates" in incoming.text and failures == 0:
            failures += 1
            raise OSError("disk full")
        return await real_take(incoming)

    app.telegram._take = failing_once
    update_id = api.send_text(ALICE, "/don 4 cagettes de tomates à Trèbes")
    assert "#1" in (await last_text(api, ALICE, 2)).plain_text
    assert api.deliveries[update_id] == 2  # served again because it was not acknowledged
    await last_text(api, BOB, 2)
    assert len(api.messages_to(BOB)) == 2


async def test_one_chat_is_answered_in_order_under_concurrent_load(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    app, codes = running
    await join_all(api, codes)
    process = app.intake._process

    async def first_one_slow(incoming: Incoming) -> object:
        if incoming.text.startswith("/besoin 7 kg"):
            await asyncio.sleep(0.3)  # a slow parse, a busy database: later ones must wait
        return await process(incoming)

    app.intake._process = first_one_slow
    amounts = [7, 3, 11, 5, 2, 9]
    for amount in amounts:
        api.send_text(ALICE, f"/besoin {amount} kg de riz")
        api.send_text(BOB, "/liste")
        api.send_text(CARLA, "/aide")
    replies = (await api.wait_for_messages(ALICE, 1 + len(amounts), timeout=15))[1:]
    confirmations = [m.plain_text for m in replies if "publiée" in m.plain_text]
    assert len(confirmations) == len(amounts)
    # Each answer is to the message it follows, in the order they were written.
    for number, (amount, text) in enumerate(zip(amounts, confirmations, strict=True), 1):
        assert f"#{number}" in text and f"{amount} kg" in text, text


# ----------------------------------------------------------------------------- reachability


def link_to(message: SentMessage, text: str) -> str | None:
    """The URL of the text link whose text contains `text`, as the reader's app shows it."""
    encoded = message.plain_text.encode("utf-16-le")
    for entity in message.entities:
        start, length = entity["offset"] * 2, entity["length"] * 2
        if entity["type"] == "text_link" and text in encoded[start : start + length].decode(
            "utf-16-le"
        ):
            return str(entity["url"])
    return None


async def test_both_sides_of_a_claim_reach_each_other_in_one_tap(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    """Carla has no @username: Alice still opens a chat with her in one tap (a mention link);
    Carla opens Alice's with her t.me link. Names with markup stay escaped inside the link."""
    _, codes = running
    api.user(CARLA, '<b>Carla</b> & "Co"')
    await join_all(api, codes)
    api.send_text(ALICE, "/don 30 kg de pommes à Carcassonne")
    await last_text(api, ALICE, 2)
    await last_text(api, CARLA, 2)  # the relay: Carla takes what she saw (a reply may leave
    # before the relays of the post it answers: they are queued behind it)
    api.send_text(CARLA, "/prendre 1 10 kg")
    confirmation = await last_text(api, CARLA, 3)
    assert link_to(confirmation, "@alice_ba") == "https://t.me/alice_ba"
    news = await last_text(api, ALICE, 3)
    assert link_to(news, '<b>Carla</b> & "Co"') == f"tg://user?id={CARLA}"


# ----------------------------------------------------------------------------- the group


async def test_a_command_typed_in_the_group_is_answered_in_private(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    """`/prendre 1` or `/prendre@bot 1` typed in the network's group acts as in private and
    the answer goes to the person's private chat; commands to another bot, and chatter, are
    left alone."""
    _, codes = running
    await join_all(api, codes)
    api.send_text(ALICE, "/don 30 kg de pommes à Carcassonne")
    await last_text(api, ALICE, 2)
    await last_text(api, GROUP, 1)
    api.send_text(CARLA, "/prendre@autre_bot 1", chat_id=GROUP)
    api.send_text(CARLA, "je prends le 1", chat_id=GROUP)
    api.send_text(CARLA, f"/prendre@{BOT_USERNAME} 1 10 kg", chat_id=GROUP)
    api.send_text(BOB, "/prendre 1 5 kg", chat_id=GROUP)
    carla = await last_text(api, CARLA, 3)
    assert "C'est noté" in carla.plain_text and "10 kg" in carla.plain_text
    bob = await last_text(api, BOB, 3)
    assert "C'est noté" in bob.plain_text and "5 kg" in bob.plain_text
    await last_text(api, ALICE, 4)  # told of both claims, nothing more
    await asyncio.sleep(0.3)
    assert len(api.messages_to(ALICE)) == 4 and len(api.messages_to(CARLA)) == 3
    assert len(api.messages_to(GROUP)) == 1  # nothing answered in the group


async def test_a_stranger_in_the_group_gets_a_short_answer(
    api: FakeTelegramAPI, running: tuple[Boucle, dict[str, str]]
) -> None:
    """Mallory never wrote to the bot (it may not write to her first): a typed command is
    answered in the group, a button press by a notice on her screen. A member's press in the
    group is told the answer is in private, and gets it there."""
    _, codes = running
    await join_all(api, codes)
    api.send_text(ALICE, "/don 30 kg de pommes à Carcassonne")
    relay = await last_text(api, GROUP, 1)
    api.press_button(MALLORY, relay, "/prendre 1")
    await api.wait_for(lambda: len(api.callback_answers) == 1, what="Mallory's press answered")
    notice = api.callback_answers[0].text or ""
    assert "code" in notice and f"@{BOT_USERNAME}" in notice
    api.send_text(MALLORY, "/prendre 1", chat_id=GROUP)
    answer = await last_text(api, GROUP, 2)
    assert "Mallory" in answer.plain_text and "/start CODE" in answer.plain_text
    api.press_button(BOB, relay, "/prendre 1")
    await api.wait_for(lambda: len(api.callback_answers) == 2, what="Bob's press answered")
    assert "en privé" in (api.callback_answers[1].text or "")
    assert "C'est noté" in (await last_text(api, BOB, 3)).plain_text
    await asyncio.sleep(0.3)
    assert api.messages_to(MALLORY) == []  # nothing tried in private
    assert len(api.messages_to(GROUP)) == 2
