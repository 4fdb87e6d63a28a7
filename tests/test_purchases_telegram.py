"""End to end on Telegram (python-telegram-bot's real HTTP stack, the local fake Bot API): a
group purchase is opened in one line and announced with the button; another association's
coordinator orders with one tap; at the deadline the scheduler settles it and the messages
arrive, once (issue 14)."""

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
from tests.scheduled import local

CAROLE, LINA, NORA = 101, 303, 202
GROUP = -1009876
PEOPLE = {
    CAROLE: ("Banque Alimentaire de l'Aude", "Carcassonne"),
    LINA: ("Épicerie solidaire de Limoux", "Limoux"),
    NORA: ("Restos du Cœur Narbonne", "Narbonne"),  # 53 km: not concerned
}
LINE = "/achat riz, sac de 25 kg, 18,50 €, Metro Carcassonne, minimum 40 sacs, avant le 15/12"


async def make_network(db_path: Path) -> dict[int, str]:
    db = await Database.open(db_path)
    codes: dict[int, str] = {}
    async with db.transaction() as conn:
        for chat, (name, commune) in PEOPLE.items():
            latitude, longitude = PLACES[commune]
            association = await members.ensure_association(
                conn, name, commune, START, latitude, longitude
            )
            codes[chat] = await members.create_invite(conn, association.id, "coordinator", START)
    await db.close()
    return codes


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        for chat, (_, commune) in PEOPLE.items():
            fake.user(chat, commune)
        yield fake


@pytest.fixture
async def running(
    api: FakeTelegramAPI, tmp_path: Path
) -> AsyncIterator[tuple[Boucle, ManualClock, dict[int, str]]]:
    db_path = tmp_path / "boucle.db"
    codes = await make_network(db_path)
    settings = Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        boucle_group_chat_id=GROUP,
        _env_file=None,  # type: ignore[call-arg]
    )
    clock = ManualClock(START)
    app = await Boucle.create(settings, clock)
    await app.start()
    yield app, clock, codes
    await app.stop()


async def message_with(api: FakeTelegramAPI, chat: int, words: str) -> SentMessage:
    """The first message to `chat` that contains `words`, once it came."""

    def found() -> list[SentMessage]:
        return [m for m in api.messages_to(chat) if words in m.plain_text]

    await api.wait_for(lambda: bool(found()), what=f"{words!r} to {chat}")
    return found()[0]


def count_with(api: FakeTelegramAPI, chat: int, words: str) -> int:
    return sum(words in m.plain_text for m in api.messages_to(chat))


async def test_one_purchase_from_the_line_to_the_shares(
    api: FakeTelegramAPI, running: tuple[Boucle, ManualClock, dict[int, str]]
) -> None:
    app, clock, codes = running
    for chat, code in codes.items():
        api.send_text(chat, f"/start {code}")
        await message_with(api, chat, "Bienvenue")

    api.send_text(CAROLE, LINE)
    check = await message_with(api, CAROLE, "Vérifiez l'achat groupé")
    assert "Prix : 18,50 € par sac de 25 kg" in check.plain_text
    api.press_button(CAROLE, check, check.data_for("Annoncer"))
    await message_with(api, CAROLE, "Achat groupé #1 annoncé : envoyé à 1 association(s)")

    announce = await message_with(api, LINA, "Achat groupé #1")
    assert "Metro Carcassonne" in announce.plain_text
    assert announce.data_for("Commander") == "/commande 1"
    await message_with(api, GROUP, "Achat groupé #1")
    api.press_button(LINA, announce, "/commande 1")
    await message_with(api, LINA, "Combien pour Épicerie solidaire de Limoux ?")
    api.send_text(LINA, "40")
    done = await message_with(api, LINA, "40 sacs de 25 kg à l'achat groupé #1")
    assert "740,00 €" in done.plain_text and "Le minimum est atteint" in done.plain_text
    await message_with(api, CAROLE, "le minimum est atteint !")

    clock.set(local(2026, 12, 15, 18, 0))
    assert app.scheduler is not None
    await app.scheduler.run_due_jobs()
    share = await message_with(api, LINA, "Achat groupé #1 conclu")
    assert "40 sacs de 25 kg × 18,50 € = 740,00 €" in share.plain_text
    recap = await message_with(api, CAROLE, "Votre achat groupé #1 est conclu")
    assert "40 sacs pour 740,00 € au total" in recap.plain_text
    await message_with(api, CAROLE, "le détail des commandes")

    await app.scheduler.run_due_jobs()  # a second wake-up: nothing more
    await asyncio.sleep(0.3)
    assert count_with(api, LINA, "conclu") == 1 and count_with(api, CAROLE, "conclu") == 1
    assert count_with(api, NORA, "Achat groupé") == 0
    assert api.duplicates() == {}
