"""Telegram through python-telegram-bot: updates in, HTML messages with buttons out.

The adapter holds a PTB `Application`; it never subclasses it. Every piece of text is escaped
here, so user input can never break Telegram's HTML parsing.

Updates are stored before Telegram is told we have them. PTB's own updater acknowledges a
batch (the next `getUpdates` offset) while the batch may still wait in its queue, so a crash
there would lose messages; our polling loop (and the webhook route) first commits each update
to the inbox (`accept`), then lets the application process it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.base import Rejected, RetryLater, SendResult, Sent, Unreachable
from handlers.messages import Address, Incoming, Location, Outgoing, split_text
from handlers.texts import MENU, t

log = logging.getLogger(__name__)

CHANNEL = "telegram"
# Telegram: 4096 characters per message after entity parsing; callback_data 1-64 bytes.
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH
MAX_CALLBACK_BYTES = 64
TRANSIENT_RETRY_SECONDS = 5.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

Accept = Callable[[Incoming], Awaitable[bool]]
Process = Callable[[Incoming], Awaitable[list[Outgoing]]]
# Long polling: Telegram holds each getUpdates open this long when there is nothing new.
POLL_TIMEOUT_SECONDS = 25
POLL_ERROR_PAUSE_SECONDS = 3.0


def render_html(message: Outgoing) -> list[str]:
    """The message as Telegram HTML, split under the limit at line boundaries, never mid-tag."""
    # Photos travel as links on Telegram (Telegram shows them with a preview tap away).
    photos = [t("fr", "photo_link", url=url) for url in message.media_urls]
    text = "\n".join([message.text, *photos]) if message.text else "\n".join(photos)
    body = html.escape(text, quote=False)
    chunks = split_text(body, MAX_TEXT - 200) if body else [""]
    if message.title:
        title = f"<b>{html.escape(message.title, quote=False)}</b>"
        chunks[0] = f"{title}\n{chunks[0]}" if chunks[0] else title
    # An escape sequence must not be cut: split_text cuts on spaces/newlines, and escaping
    # adds no whitespace, so every chunk holds whole entities.
    return chunks


def keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    buttons = [
        InlineKeyboardButton(choice.label, callback_data=choice.command)
        for choice in message.choices
        if 0 < len(choice.command.encode("utf-8")) <= MAX_CALLBACK_BYTES
    ]
    return InlineKeyboardMarkup([buttons]) if buttons else None


def incoming_from_update(update: Update, now: datetime) -> Incoming | None:
    """Translate an update; None for what the bot ignores (edits, channel posts, group chatter)."""
    if update.callback_query is not None:
        query = update.callback_query
        user = query.from_user
        return Incoming(
            address=Address(CHANNEL, str(user.id)),
            message_id=f"u{update.update_id}",
            text=query.data or "",
            received_at=now,
            display_name=user.full_name,
            contact=_contact(user.username, user.full_name),
            is_button=True,
        )
    message = update.message
    if message is None or message.from_user is None or message.chat.type != "private":
        return None
    user = message.from_user
    text = message.text or message.caption or ""
    location = (
        Location(message.location.latitude, message.location.longitude)
        if message.location
        else None
    )
    return Incoming(
        address=Address(CHANNEL, str(message.chat.id)),
        message_id=f"u{update.update_id}",
        text=text,
        received_at=message.date.astimezone(UTC) if message.date else now,
        display_name=user.full_name,
        contact=_contact(user.username, user.full_name),
        unsupported=message.text is None and location is None,
        location=location,
    )


def _contact(username: str | None, full_name: str) -> str:
    return f"@{username} (Telegram)" if username else f"{full_name} (Telegram, sans @pseudo)"


def result_of_error(error: TelegramError) -> SendResult:
    if isinstance(error, RetryAfter):
        retry = error.retry_after
        seconds = retry.total_seconds() if isinstance(retry, timedelta) else float(retry)
        return RetryLater(seconds, str(error), rate_limited=True)
    if isinstance(error, Forbidden):
        return Unreachable(error.message)
    if isinstance(error, BadRequest):
        if "chat not found" in error.message.lower():
            return Unreachable(error.message)
        return Rejected(error.message)
    if isinstance(error, TimedOut | NetworkError):
        return RetryLater(TRANSIENT_RETRY_SECONDS, str(error))
    return RetryLater(TRANSIENT_RETRY_SECONDS, str(error))


class TelegramChannel:
    name = CHANNEL

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        accept: Accept,
        process: Process,
        clock_now: Callable[[], datetime],
    ) -> None:
        self.application = application
        self._accept = accept
        self._process = process
        self._now = clock_now
        self._polling: asyncio.Task[None] | None = None
        self.error_pause = POLL_ERROR_PAUSE_SECONDS
        application.add_handler(TypeHandler(Update, self._on_update))

    @classmethod
    def build(
        cls,
        token: str,
        base_url: str,
        accept: Accept,
        process: Process,
        clock_now: Callable[[], datetime],
    ) -> TelegramChannel:
        """Updates come from our polling loop or our web server (`feed`): no PTB updater."""
        application = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(base_url.replace("/bot", "/file/bot"))
            .concurrent_updates(8)
            .updater(None)
            .build()
        )
        return cls(application, accept, process, clock_now)

    async def set_webhook(self, url: str, secret_token: str | None) -> None:
        await self.application.bot.set_webhook(url, secret_token=secret_token)

    async def feed(self, data: dict[str, object]) -> None:
        """A webhook update: stored when this returns (answer Telegram after), processed later."""
        await self.receive(Update.de_json(data, self.application.bot))

    async def receive(self, update: Update) -> None:
        """Store the update's message (a redelivery is recognised), then queue its processing."""
        incoming = incoming_from_update(update, self._now())
        if incoming is not None and await self._accept(incoming):
            await self.application.update_queue.put(update)

    async def _poll(self) -> None:
        offset: int | None = None
        while True:
            try:
                updates = await self.application.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=Update.ALL_TYPES
                )
            except TelegramError as error:  # network, 5xx, 429, conflict: wait and ask again
                log.warning("getUpdates failed (%s); trying again", error)
                await asyncio.sleep(self.error_pause)
                continue
            for update in updates:
                try:
                    await self.receive(update)
                except Exception:  # not stored: do not acknowledge it, Telegram sends it again
                    log.exception("could not store update %s; asking again", update.update_id)
                    await asyncio.sleep(self.error_pause)
                    break
                # Only now may the next getUpdates acknowledge it.
                offset = update.update_id + 1

    @property
    def state(self) -> str:
        return "running" if self.application.running else "stopped"

    @property
    def bot_username(self) -> str | None:
        try:
            username: str = self.application.bot.username
        except RuntimeError:
            return None
        return username

    async def start(self, polling: bool = True) -> None:
        await self.application.initialize()
        await self.application.bot.set_my_commands(
            [BotCommand(name, description) for name, description in MENU["fr"]]
        )
        await self.application.start()
        if polling:
            await self.application.bot.delete_webhook(drop_pending_updates=False)
            self._polling = asyncio.create_task(self._poll(), name="telegram-polling")

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _on_update(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError:
                log.warning("could not answer callback query %s", update.callback_query.id)
        incoming = incoming_from_update(update, self._now())
        if incoming is None:
            return
        for reply in await self._process(incoming):
            result = await self.send(incoming.address.external_id, reply)
            if not isinstance(result, Sent):
                log.warning("direct reply to %s not sent: %s", incoming.address, result)

    def parts(self, message: Outgoing) -> int:
        """How many Telegram messages `message` becomes (the sender paces each one)."""
        return len(render_html(message))

    async def send(self, external_id: str, message: Outgoing) -> SendResult:
        chunks = render_html(message)
        markup = keyboard(message)
        sent: Message | None = None
        try:
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                sent = await self.application.bot.send_message(
                    chat_id=int(external_id),
                    text=chunk,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if last else None,
                    link_preview_options=NO_PREVIEW,
                )
        except TelegramError as error:
            return result_of_error(error)
        return Sent(str(sent.message_id) if sent else "")
