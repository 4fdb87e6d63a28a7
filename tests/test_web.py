"""The web app, through httpx's ASGI transport: Twilio signatures (made with twilio's own
`RequestValidator`), forged/unsigned/replayed requests, body limits, status callbacks, the
Telegram webhook's secret and the health check."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from twilio.request_validator import RequestValidator

from bot.channels.telegram import webhook_route
from bot.channels.whatsapp import WhatsAppChannel
from bot.channels.whatsapp.webhooks import TwilioWebhooks
from bot.clock import ManualClock
from bot.delivery import Sender
from bot.dispatch import Dispatcher
from bot.intake import Intake
from bot.web import MAX_BODY_BYTES, Web, WebServer
from handlers.context import NetworkConfig
from handlers.messages import Outgoing
from handlers.understanding import Gazetteer
from storage import deliveries, members, outbox, statuses
from storage.db import Database
from storage.outbox import PRIORITY_NOTIFICATION, QueuedMessage
from tests.fakes.twilio_api import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    SENDER,
    FakeTwilioAPI,
    inbound_form,
    new_sid,
    signature,
)

PUBLIC = "https://boucle.example.org"
NUMBER = "+33611111111"
SECRET = "s3cret-token_for-telegram"


@dataclass
class FakeTelegram:
    """Stands for TelegramChannel in the webhook route: records what it is fed."""

    fed: list[dict[str, Any]] = field(default_factory=list)
    state: str = "running"

    async def feed(self, data: dict[str, Any]) -> None:
        self.fed.append(data)


@dataclass
class Setup:
    web: Web
    client: httpx.AsyncClient
    twilio: FakeTwilioAPI
    telegram: FakeTelegram
    db: Database
    sender: Sender

    def sign(self, path: str, form: list[tuple[str, str]], token: str = AUTH_TOKEN) -> str:
        return signature(token, f"{PUBLIC}{path}", form)

    async def post(
        self, path: str, form: list[tuple[str, str]], signature: str | None = None
    ) -> httpx.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        signature = self.sign(path, form) if signature is None else signature
        if signature:
            headers["X-Twilio-Signature"] = signature
        return await self.client.post(path, content=urlencode(form), headers=headers)


@pytest.fixture
async def setup(db: Database, clock: ManualClock, gazetteer: Gazetteer) -> AsyncIterator[Setup]:
    dispatcher = Dispatcher(db, clock, gazetteer, NetworkConfig())
    intake = Intake(dispatcher.accept, dispatcher.process)
    async with FakeTwilioAPI() as twilio:

        async def last_inbound(external_id: str) -> Any:
            async with db.transaction() as conn:
                return await statuses.last_inbound_at(conn, "whatsapp", external_id)

        whatsapp = WhatsAppChannel.build(
            ACCOUNT_SID,
            AUTH_TOKEN,
            SENDER,
            twilio.base_url,
            f"{PUBLIC}/whatsapp/status",
            {"alert": "HXalert"},
            last_inbound,
            clock.now,
        )
        telegram = FakeTelegram()
        twilio_hooks = TwilioWebhooks(intake, db, clock, PUBLIC, AUTH_TOKEN)
        web = Web(
            db,
            {"whatsapp": whatsapp, "telegram": telegram},
            [*twilio_hooks.routes(), webhook_route(telegram, SECRET)],
            workers=[twilio_hooks.worker],
            intake=intake,
        )
        web.start()
        transport = httpx.ASGITransport(app=web.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://10.0.0.5:8080"
        ) as client:
            yield Setup(
                web, client, twilio, telegram, db, Sender(db, {"whatsapp": whatsapp}, clock)
            )
        await web.stop()
        await whatsapp.close()


async def count(db: Database, sql: str) -> int:
    async with db.transaction() as conn, conn.execute(sql) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def test_signed_message_is_stored_and_answered_with_empty_twiml(setup: Setup) -> None:
    response = await setup.post("/whatsapp", inbound_form(NUMBER, "bonjour", "SM1"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.endswith("<Response></Response>")
    await setup.web.idle()
    assert await count(setup.db, "SELECT COUNT(*) FROM inbox WHERE state = 'processed'") == 1
    # A stranger: the reply (how to join) is queued for them, on WhatsApp.
    assert await count(setup.db, "SELECT COUNT(*) FROM outbox WHERE channel = 'whatsapp'") == 1


@pytest.mark.parametrize(
    "case", ["unsigned", "wrong_token", "internal_url", "tampered_body", "garbage"]
)
async def test_bad_signatures_are_refused_and_nothing_stored(
    setup: Setup, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    form = inbound_form(NUMBER, "besoin secret 10 kg", "SM2")
    signature = {
        "unsigned": "",
        "wrong_token": setup.sign("/whatsapp", form, token="not-the-token"),
        # Signed for the address the process sees, not the public URL Twilio called.
        "internal_url": RequestValidator(AUTH_TOKEN).compute_signature(
            "http://10.0.0.5:8080/whatsapp", dict(form)
        ),
        "tampered_body": setup.sign("/whatsapp", inbound_form(NUMBER, "bonjour", "SM2")),
        "garbage": "bm90IGEgc2lnbmF0dXJl",
    }[case]
    with caplog.at_level(logging.WARNING, logger="bot.web"):
        response = await setup.post("/whatsapp", form, signature=signature)
    assert response.status_code == 403
    await setup.web.idle()
    assert await count(setup.db, "SELECT COUNT(*) FROM inbox") == 0
    assert any("refused" in r.getMessage() for r in caplog.records)
    assert "secret" not in caplog.text, "the body is never logged"


async def test_repeated_keys_are_all_signed(setup: Setup) -> None:
    form = [*inbound_form(NUMBER, "bonjour", "SM3"), ("Extra", "b"), ("Extra", "a")]
    assert (await setup.post("/whatsapp", form)).status_code == 200
    # A signature over only one of the repeated values does not pass.
    partial = setup.sign("/whatsapp", [p for p in form if p != ("Extra", "a")])
    other = [*inbound_form(NUMBER, "bonjour", "SM4"), ("Extra", "b"), ("Extra", "a")]
    assert (await setup.post("/whatsapp", other, signature=partial)).status_code == 403


async def test_redelivered_message_sid_is_acknowledged_once(setup: Setup) -> None:
    form = inbound_form(NUMBER, "bonjour", "SMreplayed")
    for _ in range(3):
        assert (await setup.post("/whatsapp", form)).status_code == 200
    await setup.web.idle()
    assert await count(setup.db, "SELECT COUNT(*) FROM inbox") == 1
    assert await count(setup.db, "SELECT COUNT(*) FROM outbox") == 1, "one reply only"


async def test_oversized_body_is_refused(setup: Setup) -> None:
    form = inbound_form(NUMBER, "x" * (MAX_BODY_BYTES + 10), "SM5")
    assert (await setup.post("/whatsapp", form)).status_code == 413
    assert await count(setup.db, "SELECT COUNT(*) FROM inbox") == 0


async def sent_row(
    db: Database, clock: ManualClock, sid: str, member_id: int | None, template: str = "alert"
) -> int:
    async with db.transaction() as conn:
        await outbox.enqueue(
            conn,
            [
                QueuedMessage(
                    "whatsapp",
                    NUMBER,
                    member_id,
                    Outgoing(text="news", template=template).to_json(),
                    PRIORITY_NOTIFICATION,
                )
            ],
            clock.now(),
        )
        [head] = await deliveries.due_heads(conn, "whatsapp", clock.now(), 10)
        row = await deliveries.mark_in_flight(conn, head.id)
        assert row is not None
        await outbox.mark_sent(conn, row.id, sid, clock.now())
    return row.id


async def state_of(db: Database, row_id: int) -> tuple[str, str | None]:
    async with (
        db.transaction() as conn,
        conn.execute("SELECT state, delivery_status FROM outbox WHERE id = ?", (row_id,)) as cur,
    ):
        row = await cur.fetchone()
    assert row is not None
    return row[0], row[1]


async def member(db: Database, clock: ManualClock) -> int:
    async with db.transaction() as conn:
        association = await members.ensure_association(conn, "Asso", "Carcassonne", clock.now())
        created = await members.create_member(conn, association.id, "Awa", "member", clock.now())
        await members.add_identity(conn, created.id, "whatsapp", NUMBER, NUMBER, clock.now())
    return created.id


def status_form(sid: str, status: str, code: int | None = None) -> list[tuple[str, str]]:
    form = [("MessageSid", sid), ("MessageStatus", status), ("AccountSid", ACCOUNT_SID)]
    return [*form, ("ErrorCode", str(code))] if code else form


async def test_status_callbacks_update_delivery_state(setup: Setup, clock: ManualClock) -> None:
    sid = new_sid("SM")
    row_id = await sent_row(setup.db, clock, sid, None)
    for status in ("sent", "delivered", "sent", "read"):
        assert (await setup.post("/whatsapp/status", status_form(sid, status))).status_code == 200
    await setup.web.idle()
    assert await state_of(setup.db, row_id) == ("sent", "read"), "never moves backwards"
    unsigned = await setup.post("/whatsapp/status", status_form(sid, "failed", 30003), "")
    assert unsigned.status_code == 403
    # Unknown message ids are acknowledged and ignored.
    assert (await setup.post("/whatsapp/status", status_form("SMnope", "read"))).status_code == 200


async def test_failed_status_is_retried_then_member_unreachable(
    setup: Setup, clock: ManualClock
) -> None:
    member_id = await member(setup.db, clock)
    sid = new_sid("SM")
    row_id = await sent_row(setup.db, clock, sid, member_id)
    await setup.post("/whatsapp/status", status_form(sid, "undelivered", 30003))
    await setup.web.idle()
    assert (await state_of(setup.db, row_id))[0] == "queued", "sent again later"
    # Two more sends, both undelivered: the policy gives up and marks the member.
    for _ in range(2):
        async with setup.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = 'sent', attempts = attempts + 1,"
                " platform_message_id = ? WHERE id = ?",
                (sid := new_sid("SM"), row_id),
            )
        await setup.post("/whatsapp/status", status_form(sid, "failed", 30003))
        await setup.web.idle()
    assert (await state_of(setup.db, row_id))[0] == "failed"
    async with setup.db.transaction() as conn:
        found = await members.member_by_id(conn, member_id)
    assert found is not None and found.status == "unreachable"


async def test_failed_status_for_unsubscribed_number_marks_unreachable_at_once(
    setup: Setup, clock: ManualClock
) -> None:
    member_id = await member(setup.db, clock)
    sid = new_sid("SM")
    row_id = await sent_row(setup.db, clock, sid, member_id)
    await setup.post("/whatsapp/status", status_form(sid, "failed", 21610))
    await setup.web.idle()
    assert (await state_of(setup.db, row_id))[0] == "failed"


async def test_63016_status_sends_the_template_or_holds(setup: Setup, clock: ManualClock) -> None:
    sid = new_sid("SM")
    row_id = await sent_row(setup.db, clock, sid, None)  # an alert: the template exists
    await setup.post("/whatsapp/status", status_form(sid, "failed", 63016))
    await setup.web.idle()
    # Back in the outbox, not sent from the callback: the sender sends it as the template.
    assert await state_of(setup.db, row_id) == ("queued", None)
    assert setup.twilio.messages_to(NUMBER) == []
    await setup.sender.deliver_all_due()
    [template] = setup.twilio.messages_to(NUMBER)
    assert template.content_sid == "HXalert"
    assert await state_of(setup.db, row_id) == ("sent", None)
    # The template too fails with 63016 (say it was not approved): wait for the person.
    await setup.post("/whatsapp/status", status_form(template.sid, "failed", 63016))
    await setup.web.idle()
    await setup.sender.deliver_all_due()
    # No second template (no loop): held, released when the person writes.
    assert len(setup.twilio.messages_to(NUMBER)) == 1
    assert await state_of(setup.db, row_id) == ("held", None)
    plain_sid = new_sid("SM")
    plain_id = await sent_row(setup.db, clock, plain_sid, None, template="")
    await setup.post("/whatsapp/status", status_form(plain_sid, "failed", 63016))
    await setup.web.idle()
    await setup.sender.deliver_all_due()
    assert await state_of(setup.db, plain_id) == ("held", None), "no template for a plain one"


async def test_telegram_webhook_needs_its_secret(setup: Setup) -> None:
    update = {"update_id": 7, "message": {"message_id": 1}}
    missing = await setup.client.post("/telegram", json=update)
    wrong = await setup.client.post(
        "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
    )
    assert missing.status_code == wrong.status_code == 403
    assert setup.telegram.fed == []
    right = await setup.client.post(
        "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert right.status_code == 200 and setup.telegram.fed == [update]
    bad = await setup.client.post(
        "/telegram", content=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert bad.status_code == 400


async def test_healthz(setup: Setup) -> None:
    response = await setup.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "channels": {"whatsapp": "running", "telegram": "running"},
        "loops": {},
    }
    setup.telegram.state = "stopped"
    response = await setup.client.get("/healthz")
    assert response.status_code == 503 and response.json()["channels"]["telegram"] == "stopped"


async def test_healthz_is_unhealthy_when_a_loop_died(setup: Setup) -> None:
    setup.web.loop_states = lambda: {"sender-telegram": "failed"}
    response = await setup.client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["loops"] == {"sender-telegram": "failed"}


async def test_healthz_reports_an_unreachable_database(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken() -> Any:
        raise OSError("disk gone")

    monkeypatch.setattr(setup.db, "ping", broken)
    response = await setup.client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error: OSError"


async def test_a_port_in_use_is_a_clear_error_not_an_exit(db: Database) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        server = WebServer(Web(db, {}, []), "127.0.0.1", taken.getsockname()[1])
        with pytest.raises(OSError, match="in use"):
            await server.start()  # uvicorn alone would call sys.exit and stop the event loop
        await server.stop()
    finally:
        taken.close()
