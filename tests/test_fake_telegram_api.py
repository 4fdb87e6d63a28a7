"""Tests of the fake Telegram Bot API, driven through the real python-telegram-bot stack."""

from __future__ import annotations

import asyncio
import datetime as dtm
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.fakes.telegram_api import FakeTelegramAPI, HTMLParseError, parse_html

# PTB 22 warns (PTBDeprecationWarning, an error under filterwarnings=error) whenever a duration
# such as RetryAfter.retry_after is read as an int; opting in to timedelta silences it. Belongs in
# tests/conftest.py; set here (read at call time by PTB) until it is.
os.environ.setdefault("PTB_TIMEDELTA", "1")

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Oui", callback_data="yes"),
            InlineKeyboardButton("Non", callback_data="no"),
        ]
    ]
)


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeTelegramAPI) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


def build_app(api: FakeTelegramAPI) -> Application[Any, Any, Any, Any, Any, Any]:
    return (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )


@asynccontextmanager
async def polling(app: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    """Run `app` with long polling, and stop it cleanly whatever happens inside."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


# ------------------------------------------------------------------ basic methods


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "boucle_test_bot", True)


async def test_send_message_html_is_parsed_and_recorded(api: FakeTelegramAPI, bot: Bot) -> None:
    message = await bot.send_message(
        42, "<b>Bonjour</b> &lt;Alice&gt; &amp; co", parse_mode="HTML", reply_markup=KEYBOARD
    )
    assert message.text == "Bonjour <Alice> & co"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 7)]
    assert message.reply_markup == KEYBOARD
    assert message.chat.id == 42 and message.chat.type == "private"

    [sent] = api.messages_to(42)
    assert sent.text == "<b>Bonjour</b> &lt;Alice&gt; &amp; co"
    assert sent.plain_text == "Bonjour <Alice> & co"
    assert sent.parse_mode == "HTML"
    assert sent.message_id == message.message_id
    assert sent.button_data == ["yes", "no"]
    assert sent.data_for("Non") == "no"
    assert api.calls_to("sendMessage")[0]["chat_id"] == 42

    await bot.send_message(42, "123")  # a form value that looks like JSON stays text
    assert api.messages_to(42)[-1].text == "123"


@pytest.mark.parametrize(
    "text",
    [
        "a <br> b",  # unsupported tag
        "1 < 2",  # unescaped <
        "Tom & Jerry",  # unescaped &
        "a > b",  # unescaped >
        "<b>bold",  # unclosed
        "<b><i>x</b></i>",  # badly nested
        '<span class="x">y</span>',  # span without tg-spoiler
    ],
)
async def test_bad_html_is_rejected(api: FakeTelegramAPI, bot: Bot, text: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(42, text, parse_mode="HTML")
    assert api.sent == []


def test_parse_html_entities() -> None:
    text = (
        '<a href="https://x.org/?a=1&amp;b=2">lien</a> <tg-spoiler>s</tg-spoiler> '
        '<pre><code class="language-python">p</code></pre> 😀<i>é</i>'
    )
    plain, entities = parse_html(text)
    assert plain == "lien s p 😀é"
    assert entities == [
        {"type": "text_link", "url": "https://x.org/?a=1&b=2", "offset": 0, "length": 4},
        {"type": "spoiler", "offset": 5, "length": 1},
        {"type": "pre", "language": "python", "offset": 7, "length": 1},
        {"type": "italic", "offset": 11, "length": 1},  # the emoji counts 2 UTF-16 units
    ]
    with pytest.raises(HTMLParseError, match="byte offset 6"):
        parse_html("été <x>")


async def test_length_is_checked_after_parsing(api: FakeTelegramAPI, bot: Bot) -> None:
    await bot.send_message(42, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(42, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(42, "<b> </b>", parse_mode="HTML")


async def test_callback_data_limit(bot: Bot) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(42, "hi", reply_markup=too_long)
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 32)]])
    await bot.send_message(42, "hi", reply_markup=ok)


async def test_blocked_user_is_forbidden(api: FakeTelegramAPI, bot: Bot) -> None:
    api.blocked_users.add(42)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(42, "hi")
    await bot.send_message(43, "hi")


async def test_injected_failures(api: FakeTelegramAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(42, "hi")
    assert retry.value.retry_after == dtm.timedelta(seconds=3)

    api.fail_next("sendMessage", 500, "Internal Server Error", count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error") as error:
            await bot.send_message(42, "hi")
        assert type(error.value) is NetworkError
    await bot.send_message(42, "hi")  # the failures are used up
    assert len(api.sent) == 1
    assert len(api.calls_to("sendMessage")) == 4  # failed calls are recorded too


async def test_delay_times_out_but_still_sends(api: FakeTelegramAPI) -> None:
    request = HTTPXRequest(read_timeout=0.1)
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        api.delay_next("sendMessage", 0.3)
        with pytest.raises(TimedOut):
            await bot.send_message(42, "hi")
        await bot.send_message(42, "hi")  # the naive retry
        await api.wait_for_messages(42, 2)
    assert api.duplicates() == {(42, "hi"): 1}


async def test_failures_and_delays_for_one_chat(api: FakeTelegramAPI) -> None:
    request = HTTPXRequest(read_timeout=0.1)
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        api.fail_next("sendMessage", 502, chat_id=42)
        await bot.send_message(43, "other chat")  # not for 42: goes through
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(42, "hi")
        api.delay_next("sendMessage", 0.3, chat_id=42)
        await bot.send_message(43, "not delayed")
        with pytest.raises(TimedOut):
            await bot.send_message(42, "late")
        await api.wait_for_messages(42, 1)  # executed late all the same
    assert [m.text for m in api.messages_to(43)] == ["other chat", "not delayed"]
    assert [m.text for m in api.messages_to(42)] == ["late"]


async def test_held_sends_are_executed_or_dropped_on_release(
    api: FakeTelegramAPI, bot: Bot
) -> None:
    api.hold_chats(42)
    first = asyncio.create_task(bot.send_message(42, "executed"))
    await api.wait_for(lambda: len(api.calls_to("sendMessage")) == 1, what="held call")
    api.release_chats()
    await first
    api.hold_chats(42)
    second = asyncio.create_task(bot.send_message(42, "dropped"))
    await api.wait_for(lambda: len(api.calls_to("sendMessage")) == 2, what="held call")
    assert not second.done()
    api.release_chats(execute=False)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await second
    assert [m.text for m in api.messages_to(42)] == ["executed"]
    assert [params["text"] for _, params in api.dropped] == ["dropped"]


async def test_unknown_method_is_404(api: FakeTelegramAPI, bot: Bot) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{api.base_url}{api.token}/frobnicate", data={"a": "1"})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("frobnicate")
    assert [name for name, _ in api.calls[-2:]] == ["frobnicate", "frobnicate"]


async def test_json_bodies_are_accepted(api: FakeTelegramAPI) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{api.base_url}{api.token}/sendMessage", json={"chat_id": 7, "text": "123"}
        )
    assert response.json()["result"]["text"] == "123"
    assert api.sent[0].text == "123"


async def test_commands_and_webhook(api: FakeTelegramAPI, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Commencer"), ("aide", "Aide")])
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Commencer"),
        ("aide", "Aide"),
    ]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Start!", "x")])

    await bot.set_webhook("https://example.org/telegram")
    assert (await bot.get_webhook_info()).url == "https://example.org/telegram"
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


async def test_edits_and_callback_answers(api: FakeTelegramAPI, bot: Bot) -> None:
    message = await bot.send_message(42, "Choisir ?", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Choisir ?", 42, message.message_id, reply_markup=KEYBOARD)
    await bot.edit_message_text("Choisi : oui", 42, message.message_id)
    [sent] = api.sent
    assert (sent.text, sent.reply_markup, sent.edit_count) == ("Choisi : oui", None, 1)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", 42, 999)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("12345")


async def test_photos_and_files(api: FakeTelegramAPI, bot: Bot) -> None:
    await bot.send_photo(42, b"\x89PNG-bytes", caption="<i>carte</i>", parse_mode="HTML")
    [sent] = api.sent
    assert sent.method == "sendPhoto" and sent.plain_text == "carte"
    assert not isinstance(sent.photo, str) and sent.photo is not None
    assert sent.photo.content == b"\x89PNG-bytes"

    api.send_photo(42, caption="mon frigo", content=b"jpeg!")
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.caption == "mon frigo"
    file = await bot.get_file(update.message.photo[-1].file_id)
    assert await file.download_as_bytearray() == bytearray(b"jpeg!")


async def test_wait_for_messages_reports_what_was_received(api: FakeTelegramAPI, bot: Bot) -> None:
    await bot.send_message(42, "un")
    with pytest.raises(AssertionError, match=r"got 1: \['un'\]"):
        await api.wait_for_messages(42, 2, timeout=0.05)


# ------------------------------------------------------------------ updates


async def test_long_poll_returns_early_and_offset_confirms(api: FakeTelegramAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    update_id = api.send_text(42, "/start@boucle_test_bot now")
    [update] = await poll
    assert time.monotonic() - started < 1
    assert update.update_id == update_id
    assert update.message is not None and update.message.text == "/start@boucle_test_bot now"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start@boucle_test_bot")

    assert [u.update_id for u in await bot.get_updates()] == [update_id]  # not confirmed yet
    assert await bot.get_updates(offset=update_id + 1) == ()  # confirmed: dropped
    assert api.pending_updates == []
    assert api.deliveries[update_id] == 2

    ids = [api.send_sticker(42), api.send_location(42, 48.85, 2.35)]
    updates = await bot.get_updates(limit=1)
    assert [u.update_id for u in updates] == ids[:1]


async def test_application_receives_text_and_button(api: FakeTelegramAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("Avez-vous faim ?", reply_markup=KEYBOARD)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.effective_user is not None
        await update.message.reply_html(f"<b>{update.effective_user.first_name}</b> : ok")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Noté")
        await query.edit_message_text(f"Réponse : {query.data}")

    app = build_app(api)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    alice = api.user(42, "Alice", "alice")

    async with polling(app):
        ids = [alice.send_text("/start")]
        [menu] = await api.wait_for_messages(42, 1)
        assert menu.plain_text == "Avez-vous faim ?"

        ids.append(alice.press_button(menu, menu.data_for("Oui")))
        await api.wait_for(lambda: menu.edit_count == 1 and len(api.callback_answers) == 1)
        assert menu.plain_text == "Réponse : yes" and menu.reply_markup is None
        assert (api.callback_answers[0].text, api.callback_answers[0].data) == ("Noté", "yes")

        ids.append(alice.send_text("bonjour"))
        messages = await api.wait_for_messages(42, 2)
        assert messages[1].plain_text == "Alice : ok"
        await api.wait_for(lambda: not api.pending_updates, what="updates confirmed")

    assert all(api.deliveries[update_id] == 1 for update_id in ids), api.deliveries
    assert api.pending_updates == []
    assert api.duplicates() == {}


# ------------------------------------------------------------------ flood limits


async def test_flood_limits() -> None:
    limits = FakeTelegramAPI(
        enforce_limits=True, global_per_second=6, per_chat_burst=2, per_group_per_minute=3
    )
    async with limits as api, Bot(api.token, base_url=api.base_url) as bot:
        await bot.send_message(1, "a")
        await bot.send_message(1, "b")
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(1, "c")
        assert retry.value.retry_after == dtm.timedelta(seconds=2)

        for _ in range(3):
            await bot.send_message(-100, "g")
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(-100, "g")  # 20/min in groups, here 3
        assert retry.value.retry_after == dtm.timedelta(seconds=60)

        await bot.send_message(2, "x")  # 6th success within the second
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(3, "x")  # global limit
        assert retry.value.retry_after == dtm.timedelta(seconds=1)
        assert api.rate_limited_count == 3
        assert len(api.sent) == 6
        assert api.duplicates() == {(-100, "g"): 2}
