"""`/export` end to end on Telegram (issue 13): python-telegram-bot's real HTTP stack against
the local fake Bot API. A coordinator asks, the reply carries the spreadsheet.

The fake Bot API receives the spreadsheet as python-telegram-bot uploads it (sendDocument,
multipart), with the caption; the file is read back with openpyxl."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import Boucle
from bot.clock import ManualClock
from storage import members
from storage.db import Database
from tests.conftest import START
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.test_telegram_loop import settings_for

ALICE, BOB = 111, 222


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        fake.user(ALICE, "Alice", "alice_ba")
        fake.user(BOB, "Bob", "bob_restos")
        yield fake


async def coordinator_and_member(db_path: Path) -> tuple[str, str]:
    db = await Database.open(db_path)
    async with db.transaction() as conn:
        banque = await members.ensure_association(
            conn, "Banque Alimentaire de l'Aude", "Carcassonne", START
        )
        restos = await members.ensure_association(
            conn, "Restos du Cœur Narbonne", "Narbonne", START
        )
        alice = await members.create_invite(conn, banque.id, "coordinator", START)
        bob = await members.create_invite(conn, restos.id, "member", START)
    await db.close()
    return alice, bob


async def test_export_sends_the_spreadsheet(api: FakeTelegramAPI, tmp_path: Path) -> None:
    db_path = tmp_path / "boucle.db"
    alice_code, bob_code = await coordinator_and_member(db_path)
    app = await Boucle.create(settings_for(api, db_path), ManualClock(START))
    await app.start()
    try:
        api.send_text(ALICE, f"/start {alice_code}")
        api.send_text(BOB, f"/start {bob_code}")
        await api.wait_for_messages(ALICE, 1)
        await api.wait_for_messages(BOB, 1)
        api.send_text(ALICE, "/don 30 kg de pommes à Carcassonne")
        await api.wait_for_messages(BOB, 2)  # the relay
        api.send_text(BOB, "/prendre 1")
        await api.wait_for_messages(BOB, 3)
        api.send_text(BOB, "/fait 1 25 kg")
        await api.wait_for_messages(BOB, 4)
        api.send_text(ALICE, "/export 01/12/2026-31/12/2026")
        wanted = "📄 Transferts du 01/12/2026 au 31/12/2026"
        await api.wait_for(
            lambda: any(m.plain_text.startswith(wanted) for m in api.messages_to(ALICE)),
            what="the export's caption",
        )
        (sent,) = [m for m in api.messages_to(ALICE) if m.plain_text.startswith(wanted)]
    finally:
        await app.stop()
    assert sent.plain_text.startswith(
        f"{wanted} — Banque Alimentaire de l'Aude : 1 transfert(s), 25 kg (équivalent)."
    )
    # The spreadsheet arrived as a document, through python-telegram-bot's upload.
    assert sent.method == "sendDocument" and sent.upload is not None
    assert sent.upload.filename == "boucle-transferts-banque-alimentaire-de-l-aude-2026-12.xlsx"
    sheet = load_workbook(io.BytesIO(sent.upload.content))["Transferts"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1:] == (
        "Banque Alimentaire de l'Aude",
        "Restos du Cœur Narbonne",
        "pommes",
        "fruits et légumes",
        25,
        "kg",
        25,
        1,
        1,
    )
