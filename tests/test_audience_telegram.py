"""End to end on Telegram (python-telegram-bot's real HTTP stack, the local fake Bot API): a
post reaches exactly the chats of the associations within reach, and the group."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import Boucle
from bot.clock import ManualClock
from bot.settings import Settings
from storage import members
from storage.db import Database
from tests.aude import PLACES
from tests.conftest import START
from tests.fakes.telegram_api import FakeTelegramAPI, SentMessage

CAROLE, NORA, LINA, BASILE = 101, 202, 303, 404
GROUP = -1009876
# Where each one's association is, and whether it is placed before the bot starts (as the
# CLI does) or by a location pin sent in the chat.
PEOPLE = {
    CAROLE: ("Banque Alimentaire de l'Aude", "Carcassonne", True),
    NORA: ("Restos du Cœur Narbonne", "Narbonne", True),
    LINA: ("Épicerie solidaire de Limoux", "Limoux", True),
    BASILE: ("Secours populaire Béziers", "Béziers", False),
}


async def make_network(db_path: Path) -> dict[int, str]:
    db = await Database.open(db_path)
    codes: dict[int, str] = {}
    async with db.transaction() as conn:
        for chat, (name, commune, placed) in PEOPLE.items():
            latitude, longitude = PLACES[commune] if placed else (None, None)
            association = await members.ensure_association(
                conn, name, commune, START, latitude, longitude
            )
            codes[chat] = await members.create_invite(conn, association.id, "coordinator", START)
    await db.close()
    return codes


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        for chat, (_, commune, _) in PEOPLE.items():
            fake.user(chat, commune)
        yield fake


@pytest.fixture
async def running(api: FakeTelegramAPI, tmp_path: Path) -> AsyncIterator[dict[int, str]]:
    db_path = tmp_path / "boucle.db"
    codes = await make_network(db_path)
    settings = Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        boucle_group_chat_id=GROUP,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await Boucle.create(settings, ManualClock(START))
    await app.start()
    yield codes
    await app.stop()


async def nth(api: FakeTelegramAPI, chat: int, count: int) -> SentMessage:
    return (await api.wait_for_messages(chat, count))[count - 1]


def counts(api: FakeTelegramAPI) -> dict[int, int]:
    return {chat: len(api.messages_to(chat)) for chat in (*PEOPLE, GROUP)}


async def test_a_post_reaches_exactly_the_chats_within_reach(
    api: FakeTelegramAPI, running: dict[int, str]
) -> None:
    for chat, code in running.items():
        api.send_text(chat, f"/start {code}")
        assert "Bienvenue" in (await nth(api, chat, 1)).plain_text
    api.send_location(BASILE, *PLACES["Béziers"])
    assert "Position enregistrée" in (await nth(api, BASILE, 2)).plain_text

    api.send_text(CAROLE, "/don 30 kg de pommes")
    confirmation = await nth(api, CAROLE, 2)
    assert "Envoyée à 1 association(s) proche(s) (dans un rayon de 30 km)" in (
        confirmation.plain_text
    )
    relay = await nth(api, LINA, 2)
    assert "pommes" in relay.plain_text and relay.data_for("Je prends") == "/prendre 1"
    assert "#1" in (await nth(api, GROUP, 1)).plain_text

    # Narbonne's need reaches Béziers (25 km, placed by its pin), not Carcassonne (53 km).
    api.send_text(NORA, "/besoin 12 kg de café")
    assert "Envoyée à 1 association(s)" in (await nth(api, NORA, 2)).plain_text
    help_offer = await nth(api, BASILE, 3)
    assert help_offer.data_for("Je peux aider") == "/prendre 2"
    await nth(api, GROUP, 2)

    # Everything queued went out with the messages waited for: nothing else arrives.
    await asyncio.sleep(0.3)
    assert counts(api) == {CAROLE: 2, NORA: 2, LINA: 2, BASILE: 3, GROUP: 2}
    assert api.duplicates() == {}
