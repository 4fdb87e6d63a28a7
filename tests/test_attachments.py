"""Files sent with messages (issues 13 and 15: a chart with /bilan, exports), end to end.

Stored once in the database however many rows carry them, read back by the sender, delivered
by each channel: Telegram through python-telegram-bot's real HTTP stack against the fake Bot
API (multipart uploads), WhatsApp as a signed link Twilio fetches from the bot's own web server,
the terminal as a file beside its database. No user command makes a file yet: a test-only
command is put in the dispatcher's table (`file_command`), or rows are queued directly.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from io import StringIO
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from telegram import Bot
from telegram.error import BadRequest
from telegram.request import HTTPXRequest

from bot.app import Boucle
from bot.channels.base import RecordingChannel
from bot.channels.telegram import MAX_CAPTION, TelegramChannel
from bot.channels.terminal import TerminalChannel
from bot.channels.whatsapp import MAX_BODY, whatsapp_calls
from bot.clock import ManualClock
from bot.delivery import DeliveryPolicy, Sender
from bot.file_links import FileLinks, ascii_name, disposition
from bot.settings import Settings
from handlers.commands import Command, command_key
from handlers.context import Context, Effects, Notification, ToAssociation
from handlers.messages import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    AttachmentTooLarge,
    Choice,
    Outgoing,
    attachment_fits,
)
from storage import deliveries, files, members, outbox, retention
from storage.db import Database, fetch_all, fetch_one
from storage.outbox import PRIORITY_NOTIFICATION, QueuedMessage
from storage.timefmt import to_db
from tests.conftest import START
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilioAPI
from tests.network import Network, invite_three

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
PDF = b"%PDF-1.4\n" + b"rapport " * 500 + b"\n%%EOF\n"
CSV = "date;association;kg\n2026-03-01;Restos du Cœur;120\n".encode()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chart(data: bytes = PNG) -> Attachment:
    return Attachment("photo", "bilan-mars.png", "image/png", data)


def export(data: bytes = CSV, name: str = "export été.csv", mime: str = "text/csv") -> Attachment:
    return Attachment("document", name, mime, data)


def row(chat: str | int, message: Outgoing, channel: str = "telegram") -> QueuedMessage:
    return QueuedMessage(channel, str(chat), None, message.to_json(), PRIORITY_NOTIFICATION)


async def enqueue(db: Database, clock: ManualClock, rows: list[QueuedMessage]) -> None:
    async with db.transaction() as conn:
        await outbox.enqueue(conn, rows, clock.now())


async def scalar(db: Database, sql: str, *params: object) -> int:
    async with db.read() as conn:
        found = await fetch_one(conn, sql, params)
    assert found is not None
    return int(found[0])


async def states(db: Database) -> dict[str, int]:
    async with db.transaction() as conn:
        return await outbox.count_by_state(conn)


# ------------------------------------------------------------------ the type and its limits


def test_the_payload_keeps_the_bytes_until_stored_and_old_rows_still_decode() -> None:
    message = Outgoing("Le bilan", title="Mars", attachment=chart())
    assert Outgoing.from_json(message.to_json()) == message
    # A row queued before files were stored apart: the bytes inline, base64.
    old = {
        "text": "Export",
        "attachment": {
            "kind": "document",
            "filename": "export.csv",
            "mime": "text/csv",
            "data": base64.b64encode(CSV).decode("ascii"),
        },
    }
    decoded = Outgoing.from_json(json.dumps(old))
    assert decoded.attachment == Attachment("document", "export.csv", "text/csv", CSV)
    # A stored file: its id, the bytes read back later.
    stored = replace(chart(b""), file_id=7)
    assert Outgoing.from_json(Outgoing("x", attachment=stored).to_json()).attachment == stored


def test_files_over_the_limits_are_refused_in_code() -> None:
    limit = MAX_ATTACHMENT_BYTES["photo"]
    assert attachment_fits("photo", limit) and not attachment_fits("photo", limit + 1)
    assert attachment_fits("document", MAX_ATTACHMENT_BYTES["document"])
    assert not attachment_fits("document", 0) and not attachment_fits("video", 1)
    Outgoing("ok", attachment=chart(b"\x89PNG" + b"\0" * (limit - 4))).to_json()
    with pytest.raises(AttachmentTooLarge) as refused:
        Outgoing("trop", attachment=chart(b"\x89PNG" + b"\0" * (limit - 3))).to_json()
    assert (refused.value.size, refused.value.limit) == (limit + 1, limit)
    with pytest.raises(ValueError, match="empty"):
        Outgoing("vide", attachment=chart(b"")).to_json()


# ------------------------------------------------------------------ storage


async def test_a_file_is_stored_once_and_the_rows_keep_only_its_id(
    db: Database, clock: ManualClock
) -> None:
    message = Outgoing("Le bilan de mars", attachment=chart())
    english = replace(message, text="March report", lang="en")
    await enqueue(db, clock, [row(chat, message) for chat in range(1, 6)] + [row(9, english)])
    await enqueue(db, clock, [row(10, message), row(11, Outgoing("no file"))])
    assert await scalar(db, "SELECT COUNT(*) FROM files") == 1
    assert await scalar(db, "SELECT size FROM files") == len(PNG)
    async with db.read() as conn:
        bodies = [
            r[0]
            for r in await fetch_all(
                conn, "SELECT payload FROM outbox UNION ALL SELECT body FROM payloads"
            )
        ]
    assert all(len(body) < 500 for body in bodies), "the bytes stay out of the rows"
    assert base64.b64encode(PNG).decode()[:40] not in "".join(bodies)
    # Who references it: the shared payload of the five, and the two rows with their own.
    assert await scalar(db, "SELECT COUNT(*) FROM payloads WHERE file_id IS NOT NULL") == 1
    assert await scalar(db, "SELECT COUNT(*) FROM outbox WHERE file_id IS NOT NULL") == 2
    # The sender reads the bytes back.
    channel = RecordingChannel("telegram")
    sender = Sender(db, {"telegram": channel}, clock)
    assert await sender.deliver_all_due() == 8
    received = {chat: m.attachment for chat, m in channel.sent if m.attachment is not None}
    assert len(received) == 7 and all(a.data == PNG for a in received.values())
    assert all(a.filename == "bilan-mars.png" for a in received.values())


async def test_a_row_queued_with_the_bytes_inline_is_still_sent(
    db: Database, clock: ManualClock
) -> None:
    """Rows queued before migration 0023 carry the bytes in their payload."""
    payload = Outgoing("Export", attachment=export()).to_json()
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO outbox (channel, external_id, payload, priority, next_attempt_at,"
            " created_at) VALUES ('telegram', '42', ?, 1, ?, ?)",
            (payload, to_db(clock.now()), to_db(clock.now())),
        )
    channel = RecordingChannel("telegram")
    await Sender(db, {"telegram": channel}, clock).deliver_all_due()
    [(_, sent)] = channel.sent
    assert sent.attachment == export()


async def test_a_row_whose_file_is_gone_fails_without_stopping_the_sender(
    db: Database, clock: ManualClock
) -> None:
    await enqueue(db, clock, [row(1, Outgoing("a", attachment=chart())), row(2, Outgoing("b"))])
    async with db.transaction() as conn:
        await conn.execute("PRAGMA foreign_keys = OFF")  # what no code path can do
    async with db.transaction() as conn:
        await conn.execute("UPDATE outbox SET file_id = NULL")
        await conn.execute("DELETE FROM files")
    async with db.transaction() as conn:
        await conn.execute("PRAGMA foreign_keys = ON")
    channel = RecordingChannel("telegram")
    await Sender(db, {"telegram": channel}, clock).deliver_all_due()
    assert await states(db) == {"failed": 1, "sent": 1}
    assert [chat for chat, _ in channel.sent] == ["2"]


async def test_files_no_row_references_are_purged_with_the_outbox(
    db: Database, clock: ManualClock
) -> None:
    await enqueue(db, clock, [row(chat, Outgoing("bilan", attachment=chart())) for chat in (1, 2)])
    await enqueue(db, clock, [row(3, Outgoing("export", attachment=export()))])
    await enqueue(db, clock, [row(4, Outgoing("pdf", attachment=export(PDF, "r.pdf")))])
    async with db.transaction() as conn:
        # Sent long ago: the chart's two rows and the CSV's; the PDF's row is still queued.
        await conn.execute(
            "UPDATE outbox SET state = 'sent', sent_at = created_at WHERE external_id != '4'"
        )
    later = clock.now() + timedelta(days=31)
    counts = await retention.purge_expired(db, later, timedelta(days=30))
    assert (counts.outbox, counts.payloads, counts.files) == (3, 1, 2)
    async with db.read() as conn:
        left = [r[0] for r in await fetch_all(conn, "SELECT filename FROM files")]
    assert left == ["r.pdf"], "the file of a row still queued stays"
    # Once that row is gone too, its file goes.
    async with db.transaction() as conn:
        await conn.execute("UPDATE outbox SET state = 'sent', sent_at = created_at")
    assert (await retention.purge_expired(db, later, timedelta(days=30))).files == 1
    assert await scalar(db, "SELECT COUNT(*) FROM files") == 0


async def test_the_orphan_files_query_walks_indexes(db: Database) -> None:
    async with db.read() as conn:
        plan = " | ".join(
            str(r[3])
            for r in await fetch_all(conn, "EXPLAIN QUERY PLAN " + files.ORPHAN_FILES, ("x", 1))
        )
    assert "SEARCH f USING COVERING INDEX files_created" in plan, plan
    assert "USING COVERING INDEX outbox_file" in plan, plan
    assert "USING COVERING INDEX payloads_file" in plan, plan
    assert "SCAN o" not in plan and "SCAN p" not in plan, plan


# ------------------------------------------------------------------ through the dispatcher


@dataclass
class Reply:
    """What the test-only command answers (no user command makes a file yet)."""

    message: Outgoing
    to_association: bool = False
    # The languages the notification was rendered in, one entry per rendering.
    rendered: list[str] = field(default_factory=list)


def file_command(commands: dict[str, Command], reply: Reply) -> None:
    """`/fichiertest`: answers `reply.message` (and sends it to the writer's association)."""

    def render(lang: str) -> Outgoing:
        reply.rendered.append(lang)
        return reply.message

    async def handler(ctx: Context, args: str) -> Effects:
        effects = Effects.reply(reply.message)
        if reply.to_association and ctx.member is not None:
            association = ctx.member.association_id
            effects.notifications.append(Notification(ToAssociation(association), render))
        return effects

    commands[command_key("fichiertest")] = Command("fichiertest", handler, rule="aide")


async def test_a_file_to_a_whole_association_is_stored_once(network: Network) -> None:
    for user in ("anne", "bea", "chloe", "dina"):
        await network.join(user, "Banque Alimentaire de l'Aude")
    reply = Reply(Outgoing("Le bilan", attachment=chart()), to_association=True)
    file_command(network.dispatcher.commands, reply)
    await network.say("anne", "/fichiertest")
    got = {who for who, m in network.channel.sent if m.attachment and m.attachment.data == PNG}
    assert got == {"anne", "bea", "chloe", "dina"}
    assert await scalar(network.db, "SELECT COUNT(*) FROM files") == 1
    assert reply.rendered == ["fr"], "encoded once for the three others, not once each"


async def test_a_file_over_the_limit_is_answered_in_words(network: Network) -> None:
    await network.join("anne", "Banque Alimentaire de l'Aude")
    big = b"\x89PNG" + b"\0" * MAX_ATTACHMENT_BYTES["photo"]
    file_command(network.dispatcher.commands, Reply(Outgoing("Le bilan", attachment=chart(big))))
    [answer] = await network.say("anne", "/fichiertest")
    assert "trop lourd" in answer and "au plus 5 Mo" in answer
    assert await scalar(network.db, "SELECT COUNT(*) FROM files") == 0


# ------------------------------------------------------------------ Telegram


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(enforce_limits=True) as fake:
        yield fake


@pytest.fixture
async def telegram(api: FakeTelegramAPI, clock: ManualClock) -> AsyncIterator[TelegramChannel]:
    bot = Bot(api.token, base_url=api.base_url, request=HTTPXRequest(read_timeout=2))

    async def no_take(_: object) -> bool:
        return False

    async def no_reject(*_: str) -> bool:
        return False

    channel = TelegramChannel(bot, no_take, no_reject, clock.now)
    await bot.initialize()
    yield channel
    await bot.shutdown()


@dataclass
class FakeTime:
    now: float = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def telegram_sender(
    db: Database, telegram: TelegramChannel, clock: ManualClock
) -> tuple[Sender, FakeTime]:
    """A sender whose pacing runs on a fake monotonic clock (sleeping advances it)."""
    time = FakeTime()
    sender = Sender(
        db,
        {"telegram": telegram},
        clock,
        DeliveryPolicy(),
        monotonic=time.monotonic,
        sleep=time.sleep,
    )
    return sender, time


async def deliver(db: Database, telegram: TelegramChannel, clock: ManualClock) -> Sender:
    sender, _ = telegram_sender(db, telegram, clock)
    await sender.deliver_all_due()
    return sender


async def test_telegram_photo_and_document_arrive_with_their_bytes_name_and_caption(
    db: Database, clock: ManualClock, api: FakeTelegramAPI, telegram: TelegramChannel
) -> None:
    choices = (Choice("👍 Merci", "/aide"),)
    photo = Outgoing("Total : 1 200 kg <record>", title="Bilan de mars", attachment=chart())
    sheet = Outgoing(
        "Les dons du mois", attachment=export(b"PK\x03\x04xlsx", "dons mars.xlsx", XLSX)
    )
    await enqueue(db, clock, [row(42, replace(photo, choices=choices)), row(43, sheet)])
    await deliver(db, telegram, clock)
    assert await states(db) == {"sent": 2}

    [sent_photo] = api.messages_to(42)
    assert sent_photo.method == "sendPhoto" and sent_photo.upload is not None
    assert sent_photo.upload.content == PNG
    assert sent_photo.upload.filename == "bilan-mars.png"
    assert sent_photo.plain_text == "Bilan de mars\nTotal : 1 200 kg <record>"
    assert sent_photo.parse_mode == "HTML"
    assert sent_photo.button_data == ["/aide"], "the buttons are on the file"

    [sent_sheet] = api.messages_to(43)
    assert sent_sheet.method == "sendDocument" and sent_sheet.upload is not None
    assert sent_sheet.upload.content == b"PK\x03\x04xlsx"
    assert sent_sheet.upload.filename == "dons mars.xlsx"
    assert sent_sheet.upload.content_type == XLSX
    assert sent_sheet.plain_text == "Les dons du mois"


async def test_telegram_long_text_goes_first_and_the_file_once_with_a_short_caption(
    db: Database, clock: ManualClock, api: FakeTelegramAPI, telegram: TelegramChannel
) -> None:
    text = "\n".join(f"Ligne {n} : 100 kg de pommes pour l'épicerie" for n in range(60))
    assert len(text) > MAX_CAPTION
    message = Outgoing(text, title="Bilan", choices=(Choice("OK", "/aide"),), attachment=chart())
    assert telegram.parts(message) == 2
    await enqueue(db, clock, [row(42, message)])
    # The file fails once (429): the retry sends the text again, the file once.
    api.fail_next("sendPhoto", 429, retry_after=1)
    sender, time = telegram_sender(db, telegram, clock)
    await sender.deliver_all_due()
    assert await states(db) == {"queued": 1}
    clock.advance(timedelta(seconds=1))
    time.now += 60
    await sender.deliver_all_due()
    assert await states(db) == {"sent": 1}
    sent = api.messages_to(42)
    assert [m.method for m in sent] == ["sendMessage", "sendMessage", "sendPhoto"]
    assert len(api.calls_to("sendPhoto")) == 2, "one refused (429), one sent"
    assert sent[0].plain_text.startswith("Bilan\nLigne 0") and sent[0].button_data == []
    assert sent[2].plain_text == "Bilan" and sent[2].button_data == ["/aide"]
    assert sent[2].upload is not None and sent[2].upload.content == PNG


async def test_telegram_429_on_a_photo_is_retried_and_the_file_arrives_once(
    db: Database, clock: ManualClock, api: FakeTelegramAPI, telegram: TelegramChannel
) -> None:
    await enqueue(db, clock, [row(42, Outgoing("Le bilan", attachment=chart()))])
    api.fail_next("sendPhoto", 429, retry_after=3)
    sender, time = telegram_sender(db, telegram, clock)
    await sender.deliver_all_due()
    assert sender.stats.rate_limited == 1 and await states(db) == {"queued": 1}
    clock.advance(timedelta(seconds=3))
    time.now += 3
    await sender.deliver_all_due()
    assert await states(db) == {"sent": 1}
    async with db.transaction() as conn:
        assert [o for _, o in await deliveries.attempts_of(conn, 1)] == ["rate_limited", "sent"]
    [photo] = api.messages_to(42)
    assert photo.upload is not None and photo.upload.content == PNG
    assert api.duplicates() == {}


async def test_telegram_errors_on_files_classify_like_text(
    db: Database, clock: ManualClock, api: FakeTelegramAPI, telegram: TelegramChannel
) -> None:
    member = await member_on_telegram(db, clock, 44)
    await enqueue(
        db,
        clock,
        [
            row(42, Outgoing("a", attachment=chart())),
            row(43, Outgoing("b", attachment=export())),
            QueuedMessage("telegram", "44", member, Outgoing("c", attachment=chart()).to_json(), 1),
        ],
    )
    api.fail_next("sendPhoto", 400, "Bad Request: wrong remote file identifier", chat_id=42)
    api.fail_next("sendDocument", 500, chat_id=43)
    api.blocked_users.add(44)
    sender = await deliver(db, telegram, clock)
    async with db.read() as conn:
        found = {
            r[0]: (r[1], r[2])
            for r in await fetch_all(conn, "SELECT external_id, state, last_error FROM outbox")
        }
    assert found["42"] == ("failed", "Wrong remote file identifier"), "400: refused for good"
    assert found["43"][0] == "queued", "5xx: retried later"
    assert found["44"] == ("failed", "unreachable: Forbidden: bot was blocked by the user")
    assert sender.stats.unreachable == 1


async def member_on_telegram(db: Database, clock: ManualClock, chat: int) -> int:
    async with db.transaction() as conn:
        association = await members.ensure_association(conn, "Resto", "Narbonne", clock.now())
        member = await members.create_member(conn, association.id, "M", "member", clock.now())
        await members.add_identity(conn, member.id, "telegram", str(chat), "", clock.now())
    return member.id


async def test_telegram_an_image_it_cannot_show_goes_as_a_document(
    db: Database, clock: ManualClock, api: FakeTelegramAPI, telegram: TelegramChannel
) -> None:
    not_an_image = chart(b"this is no image")
    svg = Attachment("photo", "carte.svg", "image/svg+xml", b"<svg/>")
    await enqueue(db, clock, [row(42, Outgoing("a", attachment=not_an_image))])
    await enqueue(db, clock, [row(43, Outgoing("b", attachment=svg))])
    await deliver(db, telegram, clock)
    assert await states(db) == {"sent": 2}
    assert len(api.calls_to("sendPhoto")) == 1, "refused as a photo (IMAGE_PROCESS_FAILED)"
    [document] = api.messages_to(42)
    assert document.method == "sendDocument" and document.upload is not None
    assert document.upload.content == b"this is no image"
    assert [m.method for m in api.messages_to(43)] == ["sendDocument"], "never tried as a photo"


async def test_telegram_file_queued_before_a_restart_is_sent_after_it(
    api: FakeTelegramAPI, tmp_path: Path
) -> None:
    db_path = tmp_path / "boucle.db"
    clock = ManualClock(START)
    first = await Database.open(db_path)
    await enqueue(first, clock, [row(42, Outgoing("Le bilan", attachment=chart()))])
    await first.close()  # the process stops before sending

    settings = telegram_settings(api, db_path)
    app = await Boucle.create(settings, clock)
    await app.start()
    try:
        [photo] = await api.wait_for_messages(42, 1)
    finally:
        await app.stop()
    assert photo.upload is not None and photo.upload.content == PNG
    assert photo.plain_text == "Le bilan"


async def test_telegram_whole_loop_a_reply_with_a_chart(
    api: FakeTelegramAPI, tmp_path: Path
) -> None:
    """A member writes, the handler answers with a chart: through the dispatcher, the outbox,
    the sender and python-telegram-bot, the fake Bot API gets the exact upload."""
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("alice", "bob", "carla"), START)
    app = await Boucle.create(telegram_settings(api, db_path), ManualClock(START))
    reply = Reply(Outgoing("Total : 120 kg", title="Bilan", choices=(Choice("OK", "/aide"),)))
    reply.message = replace(reply.message, attachment=chart())
    file_command(app.dispatcher.commands, reply)
    await app.start()
    try:
        api.send_text(111, f"/start {codes['alice']}")
        await api.wait_for_messages(111, 1)
        api.send_text(111, "/fichiertest")
        [_, photo] = await api.wait_for_messages(111, 2)
    finally:
        await app.stop()
    assert photo.method == "sendPhoto" and photo.upload is not None
    assert (photo.upload.content, photo.upload.filename) == (PNG, "bilan-mars.png")
    assert photo.plain_text == "Bilan\nTotal : 120 kg" and photo.button_data == ["/aide"]


def telegram_settings(api: FakeTelegramAPI, db_path: Path) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        _env_file=None,  # type: ignore[call-arg]
    )


# ------------------------------------------------------------------ the fake Bot API itself


async def test_the_fake_bot_api_checks_files_like_telegram(api: FakeTelegramAPI) -> None:
    bot = Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url)
    async with bot:
        sent = await bot.send_document(
            42, b"a;b\n", filename="x.csv", caption="<b>x</b>", parse_mode="HTML"
        )
        assert sent.document is not None and sent.document.file_name == "x.csv"
        assert sent.caption == "x"
        file = await bot.get_file(sent.document.file_id)
        assert await file.download_as_bytearray() == bytearray(b"a;b\n")
        with pytest.raises(BadRequest, match=r"(?i)there is no document in the request"):
            await bot.do_api_request("senddocument", api_kwargs={"chat_id": 42})
        with pytest.raises(BadRequest, match=r"(?i)there is no photo in the request"):
            await bot.do_api_request("sendphoto", api_kwargs={"chat_id": 42})
        with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
            await bot.send_photo(42, PNG, caption="x" * (MAX_CAPTION + 1))
        with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
            await bot.send_document(42, b"", filename="vide.csv")
        with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
            await bot.send_photo(42, b"not an image")
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_photo(42, "no-such-file-id")
    assert [m.method for m in api.sent] == ["sendDocument"]


# ------------------------------------------------------------------ WhatsApp

PUBLIC = "https://boucle.example.org"
AWA = "+33611111111"


def links(clock: ManualClock) -> FileLinks:
    return FileLinks(PUBLIC, b"k" * 32, clock.now)


def test_whatsapp_carries_images_and_documents_as_media_and_other_files_as_links(
    clock: ManualClock,
) -> None:
    signed = links(clock)
    image = whatsapp_calls(Outgoing("Le bilan", attachment=replace(chart(), file_id=1)), signed)
    assert [(body, len(media)) for body, media in image] == [("Le bilan", 1)]
    assert image[0][1][0].startswith(f"{PUBLIC}/fichiers/1.")
    pdf = replace(export(PDF, "rapport.pdf", "application/pdf"), file_id=2)
    calls = whatsapp_calls(Outgoing("Le rapport", attachment=pdf), signed)
    assert [(body, len(media)) for body, media in calls] == [("Le rapport", 0), ("", 1)]
    csv = whatsapp_calls(Outgoing("L'export", attachment=replace(export(), file_id=3)), signed)
    [(body, media)] = csv
    assert media == [] and "📎 export été.csv à télécharger : " in body
    assert f"{PUBLIC}/fichiers/3." in body and "7 jours" in body
    # A long text: the image goes with its last part (nothing after the media).
    long = Outgoing("mot " * 500, attachment=replace(chart(), file_id=1))
    parts = whatsapp_calls(long, signed)
    assert len(parts) == 2 and parts[0][1] == [] and len(parts[1][1]) == 1
    assert all(len(body) <= MAX_BODY for body, _ in parts)
    # No file links (no web server): said in words.
    [(body, media)] = whatsapp_calls(Outgoing("x", attachment=chart()), None)
    assert "n'a pas pu être joint" in body and media == []


def test_links_are_signed_and_expire(clock: ManualClock) -> None:
    signed = links(clock)
    token = signed.token_for(5)
    assert signed.file_id_of(token) == 5
    _, expires, signature = token.split(".")
    assert signed.file_id_of(f"6.{expires}.{signature}") is None, "another file"
    assert signed.file_id_of(f"5.{int(expires) + 86400}.{signature}") is None, "a later expiry"
    assert FileLinks(PUBLIC, b"o" * 32, clock.now).file_id_of(token) is None, "another key"
    assert signed.file_id_of("../../etc/passwd") is None
    clock.advance(timedelta(days=7))
    assert signed.file_id_of(token) is None, "expired"
    assert ascii_name("Bilan été 2026 (final).png", 20) == "Bilan-ete-2026-f.png"
    assert disposition("dons.xlsx", True) == 'inline; filename="dons.xlsx"'
    assert disposition("été.csv", False) == (
        "attachment; filename=\"ete.csv\"; filename*=UTF-8''%C3%A9t%C3%A9.csv"
    )


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilioAPI]:
    async with FakeTwilioAPI(public_url=PUBLIC) as fake:
        yield fake


async def test_whatsapp_media_url_serves_the_file_from_the_bots_web_server(
    twilio: FakeTwilioAPI, tmp_path: Path, clock: ManualClock
) -> None:
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("awa", "bob", "carla"), START)
    settings = Settings(
        boucle_db_path=db_path,
        boucle_public_url=PUBLIC,
        boucle_http_port=0,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=SecretStr(AUTH_TOKEN),
        twilio_whatsapp_from=SENDER,
        twilio_api_base_url=twilio.base_url,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await Boucle.create(settings, clock)
    await app.start()
    try:
        assert app.web is not None and app.web.port
        local = f"http://127.0.0.1:{app.web.port}"
        twilio.connect(local)
        reply = Reply(
            Outgoing("Le rapport", attachment=export(PDF, "rapport mars.pdf", "application/pdf"))
        )
        file_command(app.dispatcher.commands, reply)
        await twilio.send_whatsapp(AWA, codes["awa"], name="Awa")
        await twilio.wait_for_messages(AWA, 1)
        await twilio.send_whatsapp(AWA, "/fichiertest")
        [_, text, media] = await twilio.wait_for_messages(AWA, 3)
        assert (text.body, text.media_urls) == ("Le rapport", [])
        [url] = media.media_urls
        assert media.body == "" and url.startswith(f"{PUBLIC}/fichiers/")
        # Twilio fetches it from the bot's own web server.
        await twilio.wait_for(lambda: bool(media.fetched), "Twilio fetching the media")
        [fetched] = media.fetched
        assert fetched.status == 200 and fetched.content == PDF
        assert fetched.content_type == "application/pdf"
        assert fetched.disposition == 'inline; filename="rapport-mars.pdf"'

        async with httpx.AsyncClient() as http:
            again = await http.get(twilio.local(url))
            assert again.status_code == 200 and again.content == PDF
            assert again.headers["x-content-type-options"] == "nosniff"
            head = await http.head(twilio.local(url))
            assert head.status_code == 200 and head.headers["content-type"] == "application/pdf"
            forged = url[:-4] + ("AAAA" if not url.endswith("AAAA") else "BBBB")
            assert (await http.get(twilio.local(forged))).status_code == 404
            assert (await http.get(f"{local}/fichiers/")).status_code == 404, "no listing"
            assert (await http.get(f"{local}/fichiers/1")).status_code == 404

            # A CSV: WhatsApp does not take it as media, the text carries a link.
            reply.message = Outgoing("L'export", attachment=export())
            await twilio.send_whatsapp(AWA, "/fichiertest")
            answer = (await twilio.wait_for_messages(AWA, 4))[3]
            assert answer.media_urls == [] and "à télécharger" in answer.body
            link = next(word for word in answer.body.split() if word.startswith(PUBLIC))
            csv = await http.get(twilio.local(link))
            assert csv.status_code == 200 and csv.content == CSV
            assert csv.headers["content-type"].startswith("text/csv")
            assert csv.headers["content-disposition"].startswith(
                'attachment; filename="export-ete.csv"'
            )

            clock.advance(timedelta(days=8))
            assert (await http.get(twilio.local(url))).status_code == 404, "expired"
    finally:
        await app.stop()


# ------------------------------------------------------------------ terminal


async def test_the_terminal_writes_the_file_beside_its_database(tmp_path: Path) -> None:
    out = StringIO()
    folder = tmp_path / "boucle-fichiers"
    terminal = TerminalChannel(out=out, names={"1": "Camille"}, current="1", files_dir=folder)
    await terminal.send("1", Outgoing("Le bilan de mars", attachment=chart()))
    await terminal.send("1", Outgoing("Encore", attachment=chart()))
    [written] = list(folder.iterdir())
    assert written.read_bytes() == PNG and written.name.startswith("bilan-mars-")
    assert written.suffix == ".png" and (written.stat().st_mode & 0o077) == 0
    printed = out.getvalue()
    assert f"🤖 Le bilan de mars\n📎 fichier : {written}" in printed
    await terminal.send("1", Outgoing("", attachment=export(name="../../évasion.csv")))
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and names[1].startswith("évasion-"), "kept in its folder"
