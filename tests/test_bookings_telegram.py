"""End to end on Telegram (python-telegram-bot's real HTTP stack, the local fake Bot API): a
resource registered with the guided questions' buttons, booked by another association, the
request accepted with one tap, the borrower told; then its reminders, once, from the scheduler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import Boucle
from bot.clock import ManualClock
from bot.scheduler import Scheduler
from bot.settings import Settings
from storage import members
from storage.db import Database
from tests.aude import PLACES
from tests.conftest import START
from tests.fakes.telegram_api import FakeTelegramAPI, SentMessage
from tests.scheduled import local

NORA, CARLA = 505, 606  # coordinators: Narbonne lends, Limoux borrows
PEOPLE = {
    NORA: ("Restos du Cœur Narbonne", "Narbonne"),
    CARLA: ("Épicerie de Limoux", "Limoux"),
}


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
        fake.user(NORA, "Nora", "nora_restos")
        fake.user(CARLA, "Carla", "carla_limoux")
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
        _env_file=None,  # type: ignore[call-arg]
    )
    clock = ManualClock(START)
    app = await Boucle.create(settings, clock)
    await app.start()
    yield app, clock, codes
    await app.stop()


async def nth(api: FakeTelegramAPI, chat: int, count: int) -> SentMessage:
    return (await api.wait_for_messages(chat, count))[count - 1]


async def test_one_booking_with_approval(
    api: FakeTelegramAPI, running: tuple[Boucle, ManualClock, dict[int, str]]
) -> None:
    app, clock, codes = running
    for chat, code in codes.items():
        api.send_text(chat, f"/start {code}")
        assert "Bienvenue" in (await nth(api, chat, 1)).plain_text

    # Nora registers the truck: the kind with a button, the rest typed or tapped.
    api.send_text(NORA, "/ressource")
    kinds = await nth(api, NORA, 2)
    assert "1/5" in kinds.plain_text
    api.press_button(NORA, kinds, kinds.data_for("véhicule frigo"))
    assert "2/5" in (await nth(api, NORA, 3)).plain_text
    api.send_text(NORA, "Camion frigo Renault 12 m³")
    place = await nth(api, NORA, 4)
    api.press_button(NORA, place, place.data_for("Chez nous"))
    assert "4/5" in (await nth(api, NORA, 5)).plain_text
    api.send_text(NORA, "permis B")
    approval = await nth(api, NORA, 6)
    api.press_button(NORA, approval, approval.data_for("avec notre accord"))
    registered = await nth(api, NORA, 7)
    assert "Ressource n°1 enregistrée : Camion frigo Renault 12 m³" in registered.plain_text
    assert "attend votre accord" in registered.plain_text

    # Carla books it: a request, answered by Nora's tap.
    api.send_text(CARLA, "/reserver 1 jeudi 8h-14h")
    asked = await nth(api, CARLA, 2)
    assert "⏳ Demande envoyée à Restos du Cœur Narbonne" in asked.plain_text
    request = await nth(api, NORA, 8)
    assert "Épicerie de Limoux (Carla) demande Camion frigo Renault 12 m³ (n°1)" in (
        request.plain_text
    )
    assert request.data_for("Accepter") == "/reserver accepter 1"
    assert request.data_for("Refuser") == "/reserver refuser 1"
    api.press_button(NORA, request, request.data_for("Accepter"))
    assert "✅ R1 acceptée" in (await nth(api, NORA, 9)).plain_text
    told = await nth(api, CARLA, 3)
    assert "✅ Restos du Cœur Narbonne a accepté votre réservation R1" in told.plain_text
    assert "@nora_restos" in told.plain_text

    # The day before at 18:00, both sides; a second tick (or a restart) sends nothing more.
    clock.set(local(2026, 12, 2, 18, 0))
    assert app.scheduler is not None
    await app.scheduler.run_due_jobs()
    assert "📅 Rappel, demain" in (await nth(api, CARLA, 4)).plain_text
    assert "📅 Rappel, demain" in (await nth(api, NORA, 10)).plain_text
    again = Scheduler(app.db, clock, "Europe/Paris")
    await again.run_due_jobs()
    await asyncio.sleep(0.3)
    assert len(api.messages_to(CARLA)) == 4 and len(api.messages_to(NORA)) == 10
    assert api.duplicates() == {}
