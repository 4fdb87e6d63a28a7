"""Telegram through python-telegram-bot: updates in, HTML messages with buttons out.

The adapter holds a PTB `Bot` (one pooled HTTP client); it never subclasses it. Every piece of
text is escaped here, so user input can never break Telegram's HTML parsing.

Receiving: our polling loop (or the webhook route, `feed`) hands each update to the intake,
which commits it to the inbox, and only then may the next `getUpdates` acknowledge it: a crash
can never lose an update Telegram believes delivered. Updates are fetched raw and read one by
one, so one update we cannot read is stored as failed and skipped instead of blocking the rest.
Sending: `send` is called by the sender loop only; this adapter never answers anyone by itself.

Files (`Outgoing.attachment`): a photo goes by `sendPhoto`, a document by `sendDocument` with its
file name, both uploaded (multipart), the text as the caption and the buttons under the file.
A caption holds 1,024 characters: a longer text goes first, as messages of its own, and the
file last, with the title as a short caption. The file is the row's last call on purpose:
`sendPhoto` succeeding ends the row (`Sent`), so no retry of that row can send it again; a
retry after the file failed (429, 5xx) may repeat the text before it, as it may repeat the
first parts of any long text. (Only an answer lost on the wire, or a crash mid-send, can repeat
the file itself, like any message: bounded by the sender's ambiguous attempts.)
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.channels.base import (
    Pacing,
    Rejected,
    RetryLater,
    SendResult,
    Sent,
    StartupError,
    Unreachable,
)
from bot.web import BodyTooLarge, read_body
from handlers.messages import Address, Attachment, Incoming, Link, Location, Outgoing, split_text
from handlers.texts import MENU, t

log = logging.getLogger(__name__)

CHANNEL = "telegram"
# Telegram: 4096 characters per message after entity parsing; callback_data 1-64 bytes.
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH
# A photo's or a document's caption: 1,024 characters after entity parsing.
MAX_CAPTION = MessageLimit.CAPTION_LENGTH
# The short caption of a file whose text went before it (its title): at most this long.
SHORT_CAPTION = 200
# What `sendPhoto` shows inline; another image type goes as a document.
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
MAX_CALLBACK_BYTES = 64
TRANSIENT_RETRY_SECONDS = 5.0
# Telegram's limits, from the Bot FAQ ("My bot is hitting limits, how do I avoid this?",
# https://core.telegram.org/bots/faq): about 30 messages/s overall, about 1 message/s to one
# chat (short bursts tolerated), 20 messages/min to one group.
TELEGRAM_MESSAGES_PER_SECOND = 30
TELEGRAM_CHAT_PER_SECOND = 1.0
# The burst one private chat tolerates is not documented: 3 is our assumption (the fake's too).
TELEGRAM_CHAT_BURST = 3
TELEGRAM_GROUP_PER_MINUTE = 20
# Replies to a person who writes fast (a burst of messages) go at most this fast to them.
TELEGRAM_REPLIES_PER_SECOND = 3
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

# A send whose answer takes longer than this is given up (the sender retries it, counted).
SEND_READ_TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5.0
# Long polling: Telegram holds each getUpdates open this long when there is nothing new.
POLL_TIMEOUT_SECONDS = 25
POLL_ERROR_PAUSE_SECONDS = 3.0
# Storing updates failed this many times in a row: the database is gone, the loop gives up
# (the process then exits non-zero for its supervisor to see).
MAX_STORE_FAILURES = 20
# Start-up: transient errors are retried with this backoff, up to the configured deadline.
STARTUP_FIRST_BACKOFF_SECONDS = 1.0
STARTUP_MAX_BACKOFF_SECONDS = 8.0
# Sends the sender keeps on the wire at once, plus a few for callback answers.
CONNECTION_POOL_SIZE = 24
# Uploading a file (up to 16 MB, see handlers/messages.py) may take longer than a text.
MEDIA_WRITE_TIMEOUT_SECONDS = 60.0


class JsonRequest(HTTPXRequest):
    """PTB's HTTPX request with a JSON body where the Bot API takes one (every method without a
    file). PTB posts a URL-encoded form, whose encoding quotes each byte of a text in Python,
    for every relay of a broadcast and every long reply: a /aide made 15.2k Python calls, 13.3k
    with JSON (the bare echo bot: 12.0k; docs/benchmarks.md, stop 22). A JSON body is encoded
    in C. Files still go as multipart, through PTB's own path."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is None or request_data.contains_files or self._client.is_closed:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        defaults = self._client.timeout
        timeout = httpx.Timeout(
            connect=_given(connect_timeout, defaults.connect),
            read=_given(read_timeout, defaults.read),
            write=_given(write_timeout, defaults.write),
            pool=_given(pool_timeout, defaults.pool),
        )
        body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        try:
            res = await self._client.request(
                method=method,
                url=url,
                headers={"User-Agent": self.USER_AGENT, "Content-Type": "application/json"},
                timeout=timeout,
                content=body,
            )
        except httpx.PoolTimeout as err:
            raise TimedOut("Pool timeout: the request was not sent") from err
        except httpx.TimeoutException as err:
            raise TimedOut from err
        except httpx.HTTPError as err:
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return res.status_code, res.content


def _given(value: object, default: float | None) -> float | None:
    """A timeout PTB passed, or the client's own when it passed none (its `DefaultValue`)."""
    return default if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value  # type: ignore[return-value]


Take = Callable[[Incoming], Awaitable[bool]]
RejectUnreadable = Callable[[str, str, str], Awaitable[bool]]
# Whether an address belongs to a member (the button answer in the group depends on it).
IsMember = Callable[[Address], Awaitable[bool]]


def is_group(external_id: str) -> bool:
    """Telegram group and supergroup ids are negative."""
    return external_id.startswith("-")


TELEGRAM_PACING = Pacing(
    per_second=TELEGRAM_MESSAGES_PER_SECOND,
    chat_per_second=TELEGRAM_CHAT_PER_SECOND,
    chat_burst=TELEGRAM_CHAT_BURST,
    group_per_minute=TELEGRAM_GROUP_PER_MINUTE,
    reply_per_second=TELEGRAM_REPLIES_PER_SECOND,
    is_group=is_group,
)


def plain_body(message: Outgoing) -> str:
    """The message's text as written, with its photo links (before escaping)."""
    # Photos travel as links on Telegram (Telegram shows them with a preview tap away).
    photos = [t("fr", "photo_link", url=url) for url in message.media_urls]
    return "\n".join([message.text, *photos]) if message.text else "\n".join(photos)


def render_html(message: Outgoing) -> list[str]:
    """The message as Telegram HTML, split under the limit at line boundaries, never mid-tag."""
    body = html.escape(plain_body(message), quote=False)
    chunks = split_text(body, MAX_TEXT - 200) if body else [""]
    # Links are added after the split, so that no tag is ever cut.
    chunks = [with_links(chunk, message.links) for chunk in chunks]
    if message.title:
        title = f"<b>{html.escape(message.title, quote=False)}</b>"
        chunks[0] = f"{title}\n{chunks[0]}" if chunks[0] else title
    # An escape sequence must not be cut: split_text cuts on spaces/newlines, and escaping
    # adds no whitespace, so every chunk holds whole entities.
    return chunks


# What a link may open: web pages and Telegram's own links (tg://user?id= mentions a person
# without an @username: Telegram only honours it inside a link, not as bare text).
LINK_SCHEMES = ("https://", "http://", "tg://")


def with_links(chunk: str, links: tuple[Link, ...]) -> str:
    """`chunk` (escaped HTML) with the first occurrence of each link's text made a link."""
    spans: list[tuple[int, int, str]] = []
    for link in links:
        if not link.text or not link.url.startswith(LINK_SCHEMES):
            continue
        escaped = html.escape(link.text, quote=False)
        start = chunk.find(escaped)
        end = start + len(escaped)
        if start < 0 or any(start < e and s < end for s, e, _ in spans):
            continue
        spans.append((start, end, link.url))
    out: list[str] = []
    at = 0
    for start, end, url in sorted(spans):
        href = html.escape(url, quote=True)
        out += [chunk[at:start], f'<a href="{href}">', chunk[start:end], "</a>"]
        at = end
    out.append(chunk[at:])
    return "".join(out)


def caption_length(message: Outgoing) -> int:
    """What Telegram counts of the message as a caption: its text after entity parsing (the
    title, the body), in UTF-16 code units (an emoji counts two: never under-counted)."""
    visible = "\n".join(part for part in (message.title, plain_body(message)) if part)
    return len(visible.encode("utf-16-le")) // 2


def file_plan(message: Outgoing) -> tuple[list[str], str | None]:
    """How a message with a file goes: the text messages sent before the file (none when the
    text fits in the caption), then the file's caption (HTML; None: no caption)."""
    if caption_length(message) <= MAX_CAPTION:
        caption = "\n".join(render_html(message))
        return [], caption or None
    short = message.title[:SHORT_CAPTION]
    return render_html(message), f"<b>{html.escape(short, quote=False)}</b>" if short else None


def upload_of(attachment: Attachment) -> InputFile:
    """The file as python-telegram-bot uploads it (multipart), with its name and type."""
    upload = InputFile(attachment.data, filename=attachment.filename)
    upload.mimetype = attachment.mime or upload.mimetype
    return upload


def photo_refused(error: BadRequest) -> bool:
    """Telegram could not take the file as a photo (dimensions, format): a document will do."""
    message = error.message.upper()
    return "PHOTO" in message or "IMAGE_PROCESS_FAILED" in message


def keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    buttons = [
        InlineKeyboardButton(choice.label, callback_data=choice.command)
        for choice in message.choices
        if 0 < len(choice.command.encode("utf-8")) <= MAX_CALLBACK_BYTES
    ]
    return InlineKeyboardMarkup([buttons]) if buttons else None


def incoming_from_update(
    update: Update, now: datetime, group_id: int | None = None, bot_username: str | None = None
) -> Incoming | None:
    """Translate an update; None for what the bot ignores (edits, channel posts, group chatter).

    In the network's group (`group_id`), a command typed to this bot (`/prendre 3`,
    `/prendre@boucle_bot 3`) is taken as if written in private, from the person's own address:
    the answer goes to them in private. Plain chatter there is people talking to each other."""
    if update.callback_query is not None:
        query = update.callback_query
        user = query.from_user
        chat = query.message.chat if query.message is not None else None
        return Incoming(
            address=Address(CHANNEL, str(user.id)),
            # Identified by what Telegram keeps unique, not by `update_id`, which restarts
            # after a token change or a long silence (a new message must not look redelivered).
            message_id=f"c{query.id}",
            text=query.data or "",
            received_at=now,
            display_name=user.full_name,
            contact=_contact(user.username, user.full_name),
            contact_link=_contact_link(user.id, user.username),
            is_button=True,
            in_group=chat is not None and chat.type != "private",
        )
    message = update.message
    if message is None or message.from_user is None:
        return None
    in_group = message.chat.type != "private"
    if in_group and not _command_for_us(message, group_id, bot_username):
        return None
    user = message.from_user
    text = message.text or message.caption or ""
    location = (
        Location(message.location.latitude, message.location.longitude)
        if message.location
        else None
    )
    return Incoming(
        # A private chat's id is the person's id: the group's messages come from there too.
        address=Address(CHANNEL, str(user.id)),
        message_id=f"m{message.chat.id}:{message.message_id}",
        text=text,
        received_at=message.date.astimezone(UTC) if message.date else now,
        display_name=user.full_name,
        contact=_contact(user.username, user.full_name),
        contact_link=_contact_link(user.id, user.username),
        unsupported=message.text is None and location is None,
        location=location,
        in_group=in_group,
    )


def _command_for_us(message: Message, group_id: int | None, bot_username: str | None) -> bool:
    """A group message the bot takes: in the network's group, a command to this bot."""
    if group_id is None or message.chat.id != group_id or not message.text:
        return False
    if not message.text.startswith("/"):
        return False
    words = message.text[1:].split(maxsplit=1)
    name, at, target = (words[0] if words else "").partition("@")
    if not name:
        return False
    # `/prendre@autre_bot 3` is for another bot of the group.
    return not at or (bot_username is not None and target.lower() == bot_username.lower())


def _contact(username: str | None, full_name: str) -> str:
    return f"@{username} (Telegram)" if username else f"{full_name} (Telegram, sans @pseudo)"


def _contact_link(user_id: int, username: str | None) -> str:
    """One tap to a chat with them: t.me for an @username; without one, Telegram's mention
    link by id (honoured inside a link: `render_html` makes the contact one)."""
    return f"https://t.me/{username}" if username else f"tg://user?id={user_id}"


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
    return RetryLater(TRANSIENT_RETRY_SECONDS, type(error).__name__, ambiguous=maybe_sent(error))


def maybe_sent(error: TelegramError) -> bool:
    """True when the request may have reached Telegram although no answer was read: the
    connection dropped or the answer timed out after the request was written. A refused
    connection, a full pool or an HTTP error status mean it was not executed."""
    cause = error.__cause__
    if isinstance(cause, httpx.ReadTimeout | httpx.RemoteProtocolError | httpx.ReadError):
        return True
    return isinstance(error, TimedOut) and cause is None


class TelegramChannel:
    name = CHANNEL
    pacing = TELEGRAM_PACING

    def __init__(
        self,
        bot: Bot,
        take: Take,
        reject_unreadable: RejectUnreadable,
        clock_now: Callable[[], datetime],
        group_chat_id: int | None = None,
        is_member: IsMember | None = None,
    ) -> None:
        self.bot = bot
        self._take = take
        self._reject = reject_unreadable
        self._now = clock_now
        self.group_chat_id = group_chat_id
        self._is_member = is_member
        self._polling: asyncio.Task[None] | None = None
        self._connected = False
        self._webhook = False
        self._answers: set[asyncio.Task[None]] = set()
        self.error_pause = POLL_ERROR_PAUSE_SECONDS
        self.unreadable = 0

    @classmethod
    def build(
        cls,
        token: str,
        base_url: str,
        take: Take,
        reject_unreadable: RejectUnreadable,
        clock_now: Callable[[], datetime],
        group_chat_id: int | None = None,
        is_member: IsMember | None = None,
    ) -> TelegramChannel:
        bot = Bot(
            token,
            base_url=base_url,
            base_file_url=base_url.replace("/bot", "/file/bot"),
            request=JsonRequest(
                connection_pool_size=CONNECTION_POOL_SIZE,
                read_timeout=SEND_READ_TIMEOUT_SECONDS,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                media_write_timeout=MEDIA_WRITE_TIMEOUT_SECONDS,
            ),
            get_updates_request=JsonRequest(
                connection_pool_size=1, connect_timeout=CONNECT_TIMEOUT_SECONDS
            ),
        )
        return cls(bot, take, reject_unreadable, clock_now, group_chat_id, is_member)

    # ------------------------------------------------------------------ lifecycle

    async def connect(
        self, give_up_after: float, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        """Reach Telegram (getMe) and set the command menu. Transient failures are retried
        with backoff for `give_up_after` seconds; then, or at once for a refused token,
        `StartupError` with one line to read."""
        deadline = time.monotonic() + give_up_after
        delay = STARTUP_FIRST_BACKOFF_SECONDS
        while True:
            try:
                await self.bot.initialize()
                break
            except InvalidToken:
                raise StartupError(
                    "Telegram refuse le jeton TELEGRAM_BOT_TOKEN : vérifiez-le auprès de "
                    "@BotFather (Telegram rejected the bot token)."
                ) from None
            except (NetworkError, TimedOut, RetryAfter) as error:
                if time.monotonic() + delay > deadline:
                    raise StartupError(
                        f"Telegram injoignable depuis {give_up_after:.0f} s "
                        f"({type(error).__name__}) : vérifiez le réseau ou TELEGRAM_BASE_URL "
                        "(Telegram unreachable)."
                    ) from None
                log.warning(
                    "Telegram unreachable (%s); trying again in %.0f s", type(error).__name__, delay
                )
                await sleep(delay)
                delay = min(delay * 2, STARTUP_MAX_BACKOFF_SECONDS)
        self._connected = True
        try:
            await self.bot.set_my_commands(
                [BotCommand(name, description) for name, description in MENU["fr"]]
            )
        except TelegramError as error:  # the menu is a convenience: run without it
            log.warning("could not set the command menu (%s)", type(error).__name__)

    def start_polling(self) -> asyncio.Task[None]:
        self._polling = asyncio.create_task(self._poll(), name="telegram-polling")
        return self._polling

    async def set_webhook(self, url: str, secret_token: str | None) -> None:
        await self.bot.set_webhook(url, secret_token=secret_token)
        self._webhook = True

    @property
    def polling(self) -> asyncio.Task[None] | None:
        return self._polling

    @property
    def state(self) -> str:
        if not self._connected:
            return "stopped"
        if self._polling is not None and self._polling.done():
            return "failed"
        return "running"

    @property
    def bot_username(self) -> str | None:
        try:
            username: str = self.bot.username
        except RuntimeError:
            return None
        return username

    async def stop_receiving(self) -> None:
        """No more getUpdates (a long poll in progress is abandoned: what it would have
        returned is not acknowledged, so Telegram keeps it for the next start)."""
        if self._polling is not None and not self._polling.done():
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling

    async def stop(self) -> None:
        await self.stop_receiving()
        for task in list(self._answers):
            task.cancel()
        if self._connected:
            self._connected = False
            with contextlib.suppress(Exception):
                await self.bot.shutdown()

    # ------------------------------------------------------------------ receiving

    async def feed(self, data: dict[str, Any]) -> None:
        """A webhook update: stored when this returns (answer Telegram after)."""
        await self.receive_raw(data)

    async def receive_raw(self, raw: dict[str, Any]) -> None:
        """Read one update and hand its message to the intake (stored when this returns).
        An update we cannot read is stored as failed and skipped; a storage failure raises
        (the update must then not be acknowledged)."""
        try:
            update = Update.de_json(raw, self.bot)
            incoming = incoming_from_update(
                update, self._now(), self.group_chat_id, self.bot_username
            )
        except Exception:
            self.unreadable += 1
            update_id = raw.get("update_id")
            log.warning("unreadable Telegram update %s stored as failed and skipped", update_id)
            await self._reject(CHANNEL, f"u{update_id}", json.dumps(raw, default=str)[:20_000])
            return
        if update.callback_query is not None:
            group_presser = incoming.address if incoming and incoming.in_group else None
            self._answer_button(update.callback_query.id, group_presser)
        if incoming is not None:
            await self._take(incoming)

    def _answer_button(self, query_id: str, in_group_from: Address | None = None) -> None:
        """Stop the button's spinner at once (not a message: the answer goes by the outbox).

        A press in the group also shows a short notice on the presser's screen: a member is
        told the answer is in their private chat; someone the bot does not know, how to join
        (the bot may not write first to a person, so a private message could not reach them)."""

        async def answer() -> None:
            text: str | None = None
            if in_group_from is not None:
                bot = f"@{self.bot_username}" if self.bot_username else "Boucle"
                known = self._is_member is not None and await self._is_member(in_group_from)
                key = "group_button_member" if known else "group_button_stranger"
                text = t("fr", key, bot=bot)
            try:
                await self.bot.answer_callback_query(query_id, text=text)
            except TelegramError:
                log.info("could not answer callback query %s", query_id)

        task = asyncio.create_task(answer())
        self._answers.add(task)
        task.add_done_callback(self._answers.discard)

    async def _poll(self) -> None:
        offset: int | None = None
        store_failures = 0
        while True:
            try:
                raw_updates = await self._get_updates(offset)
            except InvalidToken:
                log.error("Telegram rejects the bot token: polling stops")
                raise
            except TelegramError as error:  # network, 5xx, 429, conflict: wait and ask again
                log.warning("getUpdates failed (%s); trying again", type(error).__name__)
                await asyncio.sleep(self.error_pause)
                continue
            for raw in raw_updates:
                try:
                    await self.receive_raw(raw)
                except Exception:  # not stored: do not acknowledge it, Telegram sends it again
                    store_failures += 1
                    log.exception("could not store update %s; asking again", raw.get("update_id"))
                    if store_failures >= MAX_STORE_FAILURES:
                        raise
                    await asyncio.sleep(self.error_pause)
                    break
                store_failures = 0
                # Only now may the next getUpdates acknowledge it.
                update_id = raw.get("update_id")
                if isinstance(update_id, int):
                    offset = update_id + 1

    async def _get_updates(self, offset: int | None) -> list[dict[str, Any]]:
        """The raw updates (read one by one by `receive_raw`). The Bot API's method names are
        case-insensitive; the lower-case name keeps PTB from steering us to `get_updates`,
        which reads a whole batch at once and fails on it whole."""
        try:
            result = await self.bot.do_api_request(
                "getupdates",
                api_kwargs={
                    "offset": offset,
                    "timeout": POLL_TIMEOUT_SECONDS,
                    "allowed_updates": ["message", "callback_query"],
                },
                read_timeout=POLL_TIMEOUT_SECONDS + SEND_READ_TIMEOUT_SECONDS,
            )
        except EndPointNotFound:
            # getUpdates exists: once the bot is initialised, `do_api_request` reports a token
            # Telegram refuses (401, revoked by @BotFather) as EndPointNotFound. Name it for
            # what it is, so that `_poll` stops (and the process exits non-zero) instead of
            # retrying a dead token for ever with /healthz still "ok".
            raise InvalidToken("Telegram rejected the bot token (getUpdates)") from None
        if not isinstance(result, list):
            return []
        return [raw for raw in result if isinstance(raw, dict)]

    # ------------------------------------------------------------------ sending

    def parts(self, message: Outgoing) -> int:
        """How many Telegram messages `message` becomes (the sender paces each one)."""
        if message.attachment is not None:
            before, _ = file_plan(message)
            return len(before) + 1
        return len(render_html(message))

    async def send(self, external_id: str, message: Outgoing) -> SendResult:
        if message.attachment is not None:
            return await self._send_with_file(external_id, message, message.attachment)
        chunks = render_html(message)
        markup = keyboard(message)
        sent = ""
        try:
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                sent = await self._send_text(int(external_id), chunk, markup if last else None)
        except TelegramError as error:
            return result_of_error(error)
        return Sent(sent)

    async def _send_text(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> str:
        """One sendMessage (the body PTB's `send_message` sends); the sent message's id. Its
        answer is read for that id only: `send_message` built a whole `Message` from it (its
        chat, sender, entities) that nothing read, 3.6 % of the CPU of a /aide in py-spy (issue
        12, cpu22). The lower-case name, as for getupdates, keeps PTB from steering us to
        `send_message` (the Bot API's names are case-insensitive)."""
        body: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "link_preview_options": NO_PREVIEW,
            "parse_mode": ParseMode.HTML,
        }
        if markup is not None:
            body["reply_markup"] = markup
        try:
            result = await self.bot.do_api_request("sendmessage", api_kwargs=body)
        except EndPointNotFound as error:
            # A token Telegram refuses, once the bot is initialised: `send_message` raised
            # the InvalidToken behind it, which `result_of_error` names.
            cause = error.__cause__
            if isinstance(cause, InvalidToken):
                raise cause from cause.__cause__  # the same error, its own cause kept
            raise
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""

    async def _send_with_file(
        self, external_id: str, message: Outgoing, attachment: Attachment
    ) -> SendResult:
        """The text that does not fit in a caption first, then the file, last (see the
        module's docstring: a retry never sends the file again)."""
        chat_id = int(external_id)
        before, caption = file_plan(message)
        markup = keyboard(message)
        try:
            for chunk in before:
                await self.bot.send_message(
                    chat_id=chat_id,
                    text=chunk,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                )
            sent = await self._send_file(chat_id, attachment, caption, markup)
        except TelegramError as error:
            return result_of_error(error)
        return Sent(str(sent.message_id))

    async def _send_file(
        self,
        chat_id: int,
        attachment: Attachment,
        caption: str | None,
        markup: InlineKeyboardMarkup | None,
    ) -> Message:
        parse_mode = ParseMode.HTML if caption else None
        if attachment.kind == "photo" and attachment.mime in PHOTO_TYPES:
            try:
                return await self.bot.send_photo(
                    chat_id=chat_id,
                    photo=upload_of(attachment),
                    caption=caption,
                    parse_mode=parse_mode,
                    reply_markup=markup,
                )
            except BadRequest as error:
                if not photo_refused(error):
                    raise
                # Refused as a photo, not sent: the same file goes as a document.
                log.warning("Telegram refused a photo (%s): sent as a document", error.message)
        return await self.bot.send_document(
            chat_id=chat_id,
            document=upload_of(attachment),
            caption=caption,
            parse_mode=parse_mode,
            reply_markup=markup,
        )


# ----------------------------------------------------------------------------- webhook mode

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Feed(Protocol):
    async def feed(self, data: dict[str, Any]) -> None: ...


def webhook_route(channel: Feed, secret: str) -> Route:
    """`POST /telegram`: Telegram's updates, checked against the webhook's secret token. The
    update is stored when `feed` returns; if storing fails, the error answer makes Telegram
    send it again."""

    async def update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("refused a Telegram update without the right secret token")
            return Response(status_code=403)
        try:
            data = json.loads(await read_body(request))
        except BodyTooLarge:
            return Response(status_code=413)
        except ValueError:
            return Response(status_code=400)
        if not isinstance(data, dict):
            return Response(status_code=400)
        await channel.feed(data)
        return Response()

    return Route("/telegram", update, methods=["POST"])
