"""A local fake of the Telegram Bot API, for tests and benchmarks.

The real python-telegram-bot HTTP stack talks to it over loopback HTTP:

    async with FakeTelegramAPI() as api:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        ...
        api.send_text(42, "/start")
        [reply] = await api.wait_for_messages(42, 1)

The server is a Starlette app served by uvicorn on 127.0.0.1 (ephemeral port) inside the
caller's event loop; all state is plain Python touched from that one loop, so tests read and
inject without locks. PTB posts every method as `application/x-www-form-urlencoded` (multipart
when uploading a file) where non-string values are JSON-encoded; JSON bodies are accepted too.
Method names are matched case-insensitively, like the real API.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import math
import re
import socket
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.web import InLoopServer

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "CallbackAnswer",
    "EditRecord",
    "FakeTelegramAPI",
    "FakeUser",
    "HTMLParseError",
    "SentMessage",
    "UploadedFile",
    "parse_html",
]

BOT_ID = 123456
BOT_USERNAME = "boucle_test_bot"
BOT_FIRST_NAME = "Boucle Test"
DEFAULT_TOKEN = f"{BOT_ID}:TEST"

# Limits of the real Bot API (https://core.telegram.org/bots/api#sendmessage and friends).
MAX_TEXT_LENGTH = 4096  # sendMessage text, after entities parsing
MAX_CAPTION_LENGTH = 1024  # media captions, after entities parsing
MAX_CALLBACK_DATA_BYTES = 64  # InlineKeyboardButton.callback_data: 1-64 bytes
# Uploads (https://core.telegram.org/bots/api#sending-files): "10 MB max size for photos, 50 MB
# for other files". Over them Telegram answers 400 for a photo, 413 for a document.
MAX_PHOTO_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_UPLOAD_BYTES = 50 * 1024 * 1024
# What Telegram can process as a photo (sendPhoto), by the file's first bytes.
_IMAGE_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")

# Flood limits from Telegram's Bot FAQ, "My bot is hitting limits, how do I avoid this?"
# (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
# "avoid sending more than one message per second" in a single chat (short bursts are
# tolerated), "not able to send more than 20 messages per minute" in a group, and "not able to
# broadcast more than about 30 messages per second" overall. The burst size is not documented:
# it is our own assumption (N messages allowed in any window of N / per_chat_per_second seconds).
DEFAULT_GLOBAL_PER_SECOND = 30
DEFAULT_PER_CHAT_PER_SECOND = 1.0
DEFAULT_PER_CHAT_BURST = 3
DEFAULT_PER_GROUP_PER_MINUTE = 20

# Methods accepted and answered with `true`, without any effect.
_HARMLESS_METHODS = frozenset(
    {
        "close",
        "logout",
        "sendchataction",
        "setmydescription",
        "setmyshortdescription",
        "setmyname",
        "setchatmenubutton",
    }
)

# Parameters that are plain strings: never JSON-decoded, even if they look like JSON ("123").
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "ip_address",
        "language_code",
        "action",
        "file_id",
        "photo",
        "document",
        "description",
        "short_description",
        "name",
        "emoji",
    }
)

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

_FAKE_JPEG = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"


# --------------------------------------------------------------------------------------------
# Telegram HTML parse mode
# --------------------------------------------------------------------------------------------


class HTMLParseError(ValueError):
    """Text is not valid Telegram HTML; the message is the API's text after "can't parse
    entities: "."""


_TAG_RE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z][A-Za-z0-9_-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)"
    r"\s*(/?)>"
)
_ATTR_RE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

# Tag -> entity type, for the tags Telegram's HTML style supports
# (https://core.telegram.org/bots/api#html-style).
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",  # only with class="tg-spoiler"
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# A run of plain text: up to the next character the parser must look at.
_PLAIN_RUN_RE = re.compile(r"[^<&>]+")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _attributes(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR_RE.finditer(raw):
        value = match.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        attrs[match.group(1).lower()] = html.unescape(value)
    return attrs


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities with UTF-16 offsets), like the real API.

    Stricter than Telegram on one point, on purpose: every `<`, `>` and `&` that is not part of
    a tag or an entity must be escaped (Telegram tolerates a lone `>` or `&`; a bot that relies
    on that is one user message away from a parse error).
    """
    out: list[str] = []
    offset = 0  # UTF-16 code units emitted so far
    # (tag name, byte offset of the tag, entity being built or None, start offset)
    stack: list[tuple[str, int, dict[str, Any] | None, int]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            at = _byte_offset(text, i)
            match = _TAG_RE.match(text, i)
            if match is None:
                raise HTMLParseError(
                    f'Unescaped "<" at byte offset {at}: write "&lt;" or close the tag'
                )
            closing, name, raw_attrs, self_closing = match.groups()
            name = name.lower()
            if closing:
                if raw_attrs.strip() or self_closing:
                    raise HTMLParseError(f'Malformed end tag "{name}" at byte offset {at}')
                if not stack:
                    raise HTMLParseError(f'Unexpected end tag "{name}" at byte offset {at}')
                open_name, _, opened, start = stack.pop()
                if open_name != name:
                    raise HTMLParseError(
                        f'Unmatched end tag at byte offset {at}, expected "</{open_name}>", '
                        f'found "</{name}>"'
                    )
                if opened is not None and offset > start:
                    parent = stack[-1][2] if stack else None
                    if name == "code" and parent is not None and parent["type"] == "pre":
                        # <pre><code class="language-x">: one pre entity with a language.
                        if "language" in opened:
                            parent["language"] = opened["language"]
                    else:
                        if opened["type"] == "code":
                            opened.pop("language", None)  # only meaningful inside <pre>
                        opened["offset"] = start
                        opened["length"] = offset - start
                        entities.append(opened)
            else:
                if name not in _HTML_TAGS:
                    raise HTMLParseError(f'Unsupported start tag "{name}" at byte offset {at}')
                if self_closing:
                    raise HTMLParseError(
                        f'Unsupported self-closing tag "{name}" at byte offset {at}'
                    )
                attrs = _attributes(raw_attrs)
                entity: dict[str, Any] | None = {"type": _HTML_TAGS[name]}
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise HTMLParseError(
                        f'Tag "span" must have class "tg-spoiler" at byte offset {at}'
                    )
                if name == "a":
                    href = attrs.get("href", "")
                    entity = {"type": "text_link", "url": href} if href else None
                elif name == "tg-emoji":
                    emoji_id = attrs.get("emoji-id", "")
                    if not emoji_id.isdigit():
                        raise HTMLParseError(
                            f"Custom emoji entity must contain a valid custom emoji identifier "
                            f"at byte offset {at}"
                        )
                    entity = {"type": "custom_emoji", "custom_emoji_id": emoji_id}
                elif name == "blockquote" and "expandable" in attrs:
                    entity = {"type": "expandable_blockquote"}
                elif name == "code" and attrs.get("class", "").startswith("language-"):
                    entity = {"type": "code", "language": attrs["class"][len("language-") :]}
                stack.append((name, at, entity, offset))
            i = match.end()
            continue
        if char == "&":
            match = _ENTITY_RE.match(text, i)
            if match is None:
                raise HTMLParseError(
                    f'Unescaped "&" at byte offset {_byte_offset(text, i)}: write "&amp;"'
                )
            named, decimal, hexadecimal = match.groups()
            if named:
                decoded = _NAMED_ENTITIES[named]
            else:
                code_point = int(decimal) if decimal else int(hexadecimal, 16)
                if not 0 < code_point <= 0x10FFFF or 0xD800 <= code_point <= 0xDFFF:
                    raise HTMLParseError(
                        f"Invalid character reference at byte offset {_byte_offset(text, i)}"
                    )
                decoded = chr(code_point)
            out.append(decoded)
            offset += _utf16_len(decoded)
            i = match.end()
            continue
        if char == ">":
            raise HTMLParseError(
                f'Unescaped ">" at byte offset {_byte_offset(text, i)}: write "&gt;"'
            )
        # A run of plain text at once, not character by character: the fake's own cost is
        # part of what bench/scale.py measures per message (a long /aide, issue 12).
        run = _PLAIN_RUN_RE.match(text, i)
        assert run is not None
        out.append(run.group())
        offset += _utf16_len(run.group())
        i = run.end()
    if stack:
        raise HTMLParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(out), entities


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """A file the bot uploaded (multipart)."""

    filename: str
    content_type: str
    content: bytes


@dataclass
class SentMessage:
    """A message the bot sent (sendMessage, sendPhoto, sendDocument); edits update it in
    place."""

    chat_id: int
    message_id: int
    text: str  # as the bot sent it (markup included); the caption for a photo, "" if none
    parse_mode: str | None
    reply_markup: dict[str, Any] | None  # parsed JSON
    time: float  # time.monotonic() when the fake recorded it
    method: str = "sendMessage"
    plain_text: str = ""  # after entity parsing, what the user reads
    entities: list[dict[str, Any]] = field(default_factory=list)
    date: int = 0  # Unix time, as in the API
    photo: str | UploadedFile | None = None  # file_id / URL, or the uploaded file
    document: str | UploadedFile | None = None  # likewise, for sendDocument
    edit_count: int = 0
    deleted: bool = False
    params: dict[str, Any] = field(default_factory=dict)  # the decoded request parameters

    @property
    def upload(self) -> UploadedFile | None:
        """The file uploaded with this message (photo or document), None if none was."""
        for sent in (self.photo, self.document):
            if isinstance(sent, UploadedFile):
                return sent
        return None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row after row."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def button_data(self) -> list[str]:
        """callback_data of every inline button that has one, in order."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def data_for(self, label: str) -> str:
        """callback_data of the button whose text contains `label` (first match)."""
        for button in self.buttons:
            if label in button.get("text", "") and "callback_data" in button:
                return str(button["callback_data"])
        raise AssertionError(
            f"no button labelled {label!r} on message {self.message_id}: "
            f"{[b.get('text') for b in self.buttons]}"
        )

    def to_api(self, chat: dict[str, Any]) -> dict[str, Any]:
        """This message as the Bot API's Message object."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": _bot_user(),
            "chat": chat,
            "date": self.date,
        }
        if self.method in ("sendPhoto", "sendDocument"):
            file_id = f"sent-{self.chat_id}-{self.message_id}"
            if self.method == "sendPhoto":
                message["photo"] = _photo_sizes(file_id)
            else:
                upload = self.upload
                message["document"] = {
                    "file_id": file_id,
                    "file_unique_id": f"{file_id}-u",
                    "file_name": upload.filename if upload else "document",
                    "mime_type": upload.content_type if upload else "application/octet-stream",
                    "file_size": len(upload.content) if upload else 0,
                }
            if self.plain_text:
                message["caption"] = self.plain_text
            if self.entities:
                message["caption_entities"] = self.entities
        else:
            message["text"] = self.plain_text
            if self.entities:
                message["entities"] = self.entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        if self.edit_count:
            message["edit_date"] = int(time.time())
        return message


@dataclass
class EditRecord:
    """One successful editMessageText / editMessageReplyMarkup call."""

    method: str
    chat_id: int
    message_id: int
    text: str | None  # new text (editMessageText) or None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    time: float


@dataclass
class CallbackAnswer:
    """One successful answerCallbackQuery call."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    time: float
    user_id: int | None  # who pressed the button
    data: str | None  # the callback_data that was pressed


@dataclass
class FakeUser:
    """A Telegram user, as injected updates show them; its methods act on the fake API."""

    api: FakeTelegramAPI = field(repr=False)
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def private_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    def send_text(self, text: str, *, chat_id: int | None = None) -> int:
        return self.api.send_text(self.id, text, chat_id=chat_id)

    def press_button(self, message: SentMessage, data: str, *, check: bool = True) -> int:
        return self.api.press_button(self.id, message, data, check=check)

    def send_sticker(self, emoji: str = "👍") -> int:
        return self.api.send_sticker(self.id, emoji=emoji)

    def send_photo(self, caption: str | None = None) -> int:
        return self.api.send_photo(self.id, caption)

    def send_location(self, lat: float, lon: float) -> int:
        return self.api.send_location(self.id, lat, lon)


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | None = None  # None: any call to the method


@dataclass
class _Delay:
    seconds: float
    chat_id: int | None = None


@dataclass
class _Gate:
    """Held sends wait for this gate to open; then they are executed, or dropped."""

    opened: asyncio.Event = field(default_factory=asyncio.Event)
    execute: bool = True


class _APIError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


class _Signal:
    """Wake every waiter; waiters re-check their own condition (single event loop)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(seconds, 0))


class _SlidingWindow:
    """At most `limit` events in any `window` seconds of monotonic time."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.times: deque[float] = deque()

    def retry_after(self, now: float) -> float:
        """Seconds to wait before one more event is allowed (0: allowed now)."""
        while self.times and self.times[0] <= now - self.window:
            self.times.popleft()
        if len(self.times) < self.limit:
            return 0.0
        return self.times[len(self.times) - self.limit] + self.window - now


def _bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


def _photo_sizes(file_id: str) -> list[dict[str, Any]]:
    return [
        {
            "file_id": f"{file_id}-s",
            "file_unique_id": f"{file_id}-s-u",
            "width": 90,
            "height": 90,
            "file_size": 1024,
        },
        {
            "file_id": file_id,
            "file_unique_id": f"{file_id}-u",
            "width": 800,
            "height": 800,
            "file_size": len(_FAKE_JPEG),
        },
    ]


class _Server(InLoopServer):
    """The bot's in-loop uvicorn (no signal handling: pytest keeps Ctrl-C), stopping faster."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn's own shutdown, minus its fixed 0.1 s sleep (paid by every test otherwise).
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown or 5):
                # uvicorn exposes no event for "all connections closed": poll.
                while self.server_state.connections or self.server_state.tasks:  # noqa: ASYNC110
                    await asyncio.sleep(0.002)
        except TimeoutError:
            for task in self.server_state.tasks:
                task.cancel()
        for server in self.servers:
            await server.wait_closed()


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeTelegramAPI:
    """A fake Bot API server. See the module docstring."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        enforce_limits: bool = False,
        global_per_second: int = DEFAULT_GLOBAL_PER_SECOND,
        per_chat_per_second: float = DEFAULT_PER_CHAT_PER_SECOND,
        per_chat_burst: int = DEFAULT_PER_CHAT_BURST,
        per_group_per_minute: int = DEFAULT_PER_GROUP_PER_MINUTE,
    ) -> None:
        self.token = token
        self.enforce_limits = enforce_limits
        self.global_per_second = global_per_second
        self.per_chat_per_second = per_chat_per_second
        self.per_chat_burst = per_chat_burst
        self.per_group_per_minute = per_group_per_minute

        # What the bot did.
        self.calls: list[tuple[str, dict[str, Any]]] = []
        # The body's media type of each call, in order (JSON, a form, multipart).
        self.content_types: list[tuple[str, str]] = []
        self.sent: list[SentMessage] = []
        self._sent_by_chat: dict[int, list[SentMessage]] = {}
        self.edits: list[EditRecord] = []
        self.deleted: list[tuple[int, int]] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.my_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        # What getWebhookInfo reports of Telegram's last failed call to the webhook:
        # (unix time, message), set by a test (`boucle doctor`, issue 15).
        self.webhook_last_error: tuple[int, str] | None = None
        self.rate_limited_count = 0

        # What the test controls.
        self.blocked_users: set[int] = set()
        self.users: dict[int, FakeUser] = {}
        self.files: dict[str, bytes] = {}

        # Updates: everything injected, what getUpdates still holds, how often each was served.
        self.updates: list[dict[str, Any]] = []
        self.pending_updates: list[dict[str, Any]] = []
        self.deliveries: Counter[int] = Counter()

        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._open_queries: dict[str, tuple[int, str | None]] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._delays: dict[str, deque[_Delay]] = {}
        self.held_chats: set[int] = set()
        self._gate = _Gate()
        # Held sends dropped by `release_chats(execute=False)`: (method, params).
        self.dropped: list[tuple[str, dict[str, Any]]] = []
        self._poll_generation = 0
        self._global_window = _SlidingWindow(global_per_second, 1.0)
        self._chat_windows: dict[int, _SlidingWindow] = {}
        self._updates_signal = _Signal()
        self._activity_signal = _Signal()
        self._closing = asyncio.Event()
        self._server: _Server | None = None
        self._port: int | None = None

        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file_endpoint, methods=["GET"]),
            ]
        )

    # ---------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> FakeTelegramAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Serve on 127.0.0.1, ephemeral port; returns once the socket listens."""
        self._closing = asyncio.Event()  # fresh, so that a stopped fake can be restarted
        self._server = _Server.for_app(self.app, graceful_seconds=2)
        self._port = await self._server.start_serving("fake-telegram-api")

    async def stop(self) -> None:
        """Release pending long polls and delays, then stop the server."""
        self._closing.set()
        self._updates_signal.notify()
        if self._server is not None:
            await self._server.stop_serving()
        self._server = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeTelegramAPI is not started: use `async with FakeTelegramAPI()`")
        return self._port

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`: PTB appends the token, then "/method"."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For `ApplicationBuilder().base_file_url(...)`."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ---------------------------------------------------------------- test side: inject

    def user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> FakeUser:
        """Register (or update) a user; injected updates from `user_id` carry this identity."""
        user = FakeUser(self, user_id, first_name, username, last_name, language_code)
        self.users[user_id] = user
        return user

    def _user(self, user_id: int) -> FakeUser:
        if user_id not in self.users:
            self.user(user_id, f"User{user_id}")
        return self.users[user_id]

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return self._user(chat_id).private_chat()
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}

    def _next_message_id(self, chat_id: int) -> int:
        # One sequence per chat, shared by the user's and the bot's messages, as in private chats.
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _user_message(self, user_id: int, chat_id: int | None) -> dict[str, Any]:
        user = self._user(user_id)
        chat_id = user_id if chat_id is None else chat_id
        return {
            "message_id": self._next_message_id(chat_id),
            "from": user.to_api(),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
        }

    def inject_raw(self, update: dict[str, Any]) -> int:
        """Queue an update as given (an update_id is assigned if missing); returns its id."""
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        self.pending_updates.append(update)
        self.pending_updates.sort(key=lambda u: int(u["update_id"]))
        self._updates_signal.notify()
        self._activity_signal.notify()
        return int(update["update_id"])

    def send_text(self, user_id: int, text: str, *, chat_id: int | None = None) -> int:
        """The user writes `text` (in their private chat unless `chat_id` names a group)."""
        message = self._user_message(user_id, chat_id)
        message["text"] = text
        command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s])", text)
        if command:
            length = _utf16_len(command.group(0))
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.inject_raw({"message": message})

    def send_sticker(self, user_id: int, *, emoji: str = "👍") -> int:
        message = self._user_message(user_id, None)
        file_id = f"sticker-{user_id}-{message['message_id']}"
        self.files.setdefault(file_id, b"RIFF-fake-webp")
        message["sticker"] = {
            "file_id": file_id,
            "file_unique_id": f"{file_id}-u",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self.inject_raw({"message": message})

    def send_photo(
        self, user_id: int, caption: str | None = None, *, content: bytes = _FAKE_JPEG
    ) -> int:
        """The user sends a photo; getFile + the file URL serve `content`."""
        message = self._user_message(user_id, None)
        sizes = _photo_sizes(f"photo-{user_id}-{message['message_id']}")
        for size in sizes:
            self.files[size["file_id"]] = content
        sizes[-1]["file_size"] = len(content)
        message["photo"] = sizes
        if caption is not None:
            message["caption"] = caption
        return self.inject_raw({"message": message})

    def send_location(self, user_id: int, lat: float, lon: float) -> int:
        message = self._user_message(user_id, None)
        message["location"] = {"latitude": lat, "longitude": lon}
        return self.inject_raw({"message": message})

    def press_button(
        self, user_id: int, message: SentMessage, data: str, *, check: bool = True
    ) -> int:
        """The user taps the inline button carrying `data` on one of the bot's messages.

        With `check` (default), `data` must be on the message's current keyboard: a real
        client can only send what it displays. Pass check=False to forge stale/unknown data.
        """
        if check and data not in message.button_data:
            raise AssertionError(
                f"message {message.message_id} to {message.chat_id} has no button with data "
                f"{data!r}; its buttons: {message.button_data}"
            )
        user = self._user(user_id)
        query_id = str(next(self._callback_ids))
        self._open_queries[query_id] = (user_id, data)
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": message.to_api(self._chat(message.chat_id)),
            "chat_instance": str(abs(hash(("chat", message.chat_id)))),
            "data": data,
        }
        return self.inject_raw({"callback_query": query})

    # ---------------------------------------------------------------- test side: inspect

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to `chat_id`, oldest first (a copy)."""
        return list(self._sent_by_chat.get(chat_id, ()))

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call to `method` (case-insensitive)."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    def duplicates(self) -> dict[tuple[int, str], int]:
        """For each (chat_id, text) sent more than once: how many sends beyond the first."""
        counts = Counter((message.chat_id, message.text) for message in self.sent)
        return {key: count - 1 for key, count in counts.items() if count > 1}

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 (a deadline, not a cancellation scope)
        what: str = "condition",
    ) -> None:
        """Wait until `predicate()` holds (re-checked on every call and injection)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await self._activity_signal.wait(remaining)

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """The messages sent to `chat_id`, once there are at least `count` of them."""
        try:
            await self.wait_for(lambda: len(self.messages_to(chat_id)) >= count, timeout)
        except AssertionError:
            received = [message.text for message in self.messages_to(chat_id)]
            raise AssertionError(
                f"expected at least {count} message(s) to chat {chat_id} within {timeout}s, "
                f"got {len(received)}: {received!r}"
            ) from None
        return self.messages_to(chat_id)

    # ---------------------------------------------------------------- test side: failures

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """The next `count` calls to `method` ("*" for any) fail with this error, unexecuted;
        with `chat_id`, only calls for that chat (the others go through)."""
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(status, "Error")
        if status == 429 and retry_after is None:
            retry_after = 1
        self._failures.setdefault(method.lower(), deque()).append(
            _Failure(status, description, retry_after, count, chat_id)
        )

    def delay_next(
        self, method: str, seconds: float, count: int = 1, chat_id: int | None = None
    ) -> None:
        """The next `count` calls to `method` ("*" for any; with `chat_id`, for that chat only)
        are answered `seconds` late.

        The call is still executed after the delay, even if the client gave up meanwhile
        (PTB raises TimedOut): like Telegram, the message may be sent although the bot thinks
        it failed, which is how retries create duplicates.
        """
        self._delays.setdefault(method.lower(), deque()).extend(
            _Delay(seconds, chat_id) for _ in range(count)
        )

    @staticmethod
    def _for_chat(wanted: int | None, params: dict[str, Any]) -> bool:
        return wanted is None or params.get("chat_id") == wanted

    def _take_failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        for key in (method, "*"):
            queue = self._failures.get(key, deque())
            failure = next((f for f in queue if self._for_chat(f.chat_id, params)), None)
            if failure is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    queue.remove(failure)
                return failure
        return None

    def hold_chats(self, *chat_ids: int) -> None:
        """Sends to these chats are received but not answered until `release_chats()`: the
        bot sees them in flight for as long as the test wants (then they are executed)."""
        self.held_chats.update(chat_ids)

    def release_chats(self, *, execute: bool = True) -> None:
        """Answer the held sends. By default they are executed now, even if the client that
        made them is gone (Telegram does not notice a dead client). With `execute=False` they
        are dropped instead: answered 502 and never executed (the request did not make it),
        recorded in `dropped`."""
        self.held_chats.clear()
        gate, self._gate = self._gate, _Gate()
        gate.execute = execute
        gate.opened.set()

    async def _wait_if_held(self, method: str, params: dict[str, Any]) -> None:
        if params.get("chat_id") not in self.held_chats:
            return
        gate = self._gate
        released = asyncio.create_task(gate.opened.wait())
        closing = asyncio.create_task(self._closing.wait())
        _, pending = await asyncio.wait({released, closing}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if gate.opened.is_set() and not gate.execute:
            self.dropped.append((method, params))
            raise _APIError(502, "Bad Gateway")

    def _take_delay(self, method: str, params: dict[str, Any]) -> float | None:
        for key in (method, "*"):
            queue = self._delays.get(key, deque())
            delay = next((d for d in queue if self._for_chat(d.chat_id, params)), None)
            if delay is not None:
                queue.remove(delay)
                return delay.seconds
        return None

    # ---------------------------------------------------------------- HTTP

    async def _read_params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query_params)
        content_type = request.headers.get("content-type", "")
        if request.method != "POST":
            pass
        elif content_type.startswith("application/json"):
            body = await request.json()
            if isinstance(body, dict):
                return {**self._decode(params), **body}
        elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            async with request.form(max_part_size=50 * 1024 * 1024) as form:
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        params[key] = UploadedFile(
                            value.filename or key,
                            value.content_type or "application/octet-stream",
                            await value.read(),
                        )
                    else:
                        params[key] = value
        return self._decode(params)

    @staticmethod
    def _decode(params: dict[str, Any]) -> dict[str, Any]:
        """Form values are strings, PTB JSON-encodes the others: decode those back."""
        decoded: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, str) and key not in _STRING_PARAMS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            decoded[key] = value
        return decoded

    @staticmethod
    def _error(status: int, description: str, retry_after: int | None = None) -> JSONResponse:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return JSONResponse(body, status_code=status)

    async def _endpoint(self, request: Request) -> Response:
        token = request.path_params["token"]
        method = request.path_params["method"]
        try:
            params = await self._read_params(request)
        except ClientDisconnect:  # the bot died mid-request (the crash benchmark kills it)
            return Response(status_code=499)
        self.calls.append((method, params))
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        self.content_types.append((method, media_type))
        self._activity_signal.notify()  # a waiter may be watching for this call (held, delayed)
        key = method.lower()
        try:
            if token != self.token:
                raise _APIError(401, "Unauthorized")
            delay = self._take_delay(key, params)
            if delay:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), delay)
            if key in ("sendmessage", "sendphoto", "senddocument"):
                await self._wait_if_held(method, params)
            failure = self._take_failure(key, params)
            if failure is not None:
                raise _APIError(failure.status, failure.description, failure.retry_after)
            handler = self._handlers.get(key)
            if handler is None:
                if key in _HARMLESS_METHODS:
                    return JSONResponse({"ok": True, "result": True})
                raise _APIError(404, "Not Found")
            result = await handler(self, params)
        except _APIError as error:
            return self._error(error.status, error.description, error.retry_after)
        finally:
            self._activity_signal.notify()
        return JSONResponse({"ok": True, "result": result})

    async def _file_endpoint(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        file_id = request.path_params["path"].rsplit("/", 1)[-1]
        content = self.files.get(file_id)
        if content is None:
            return Response(status_code=404)
        return Response(content, media_type="application/octet-stream")

    # ---------------------------------------------------------------- validation helpers

    @staticmethod
    def _chat_id(params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _APIError(400, "Bad Request: chat_id is empty")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            raise _APIError(400, "Bad Request: chat not found")
        return chat_id

    def _check_blocked(self, chat_id: int) -> None:
        if chat_id in self.blocked_users:
            if chat_id > 0:
                raise _APIError(403, "Forbidden: bot was blocked by the user")
            raise _APIError(403, "Forbidden: bot was kicked from the group chat")

    @staticmethod
    def _render(text: str, parse_mode: str | None, params_entities: Any) -> tuple[str, list[Any]]:
        if parse_mode is None or parse_mode == "":
            return text, list(params_entities or [])
        mode = parse_mode.lower()
        if mode == "html":
            try:
                return parse_html(text)
            except HTMLParseError as error:
                raise _APIError(400, f"Bad Request: can't parse entities: {error}") from None
        if mode in {"markdown", "markdownv2"}:
            return text, []  # not validated by this fake
        raise _APIError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")

    @staticmethod
    def _reply_markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if isinstance(markup, str):  # JSON-encoded inside a JSON body
            with contextlib.suppress(ValueError):
                markup = json.loads(markup)
        if not isinstance(markup, dict):
            raise _APIError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return markup
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise _APIError(400, "Bad Request: can't parse inline keyboard button")
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _APIError(400, "Bad Request: BUTTON_TEXT_INVALID")
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(data.encode("utf-8")) if isinstance(data, str) else 0
                    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise _APIError(400, "Bad Request: BUTTON_DATA_INVALID")
                elif "url" in button and not str(button["url"]).startswith(
                    ("http://", "https://", "tg://")
                ):
                    raise _APIError(400, "Bad Request: BUTTON_URL_INVALID")
        return markup

    def _check_flood(self, chat_id: int) -> None:
        if not self.enforce_limits:
            return
        now = time.monotonic()
        window = self._chat_windows.get(chat_id)
        if window is None:
            if chat_id < 0:
                window = _SlidingWindow(self.per_group_per_minute, 60.0)
            else:
                burst = max(1, self.per_chat_burst)
                window = _SlidingWindow(burst, burst / self.per_chat_per_second)
            self._chat_windows[chat_id] = window
        wait = max(window.retry_after(now), self._global_window.retry_after(now))
        if wait > 0:
            self.rate_limited_count += 1
            retry_after = max(1, math.ceil(wait))
            raise _APIError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        window.times.append(now)
        self._global_window.times.append(now)

    def _record_sent(self, message: SentMessage) -> None:
        self.sent.append(message)
        self._sent_by_chat.setdefault(message.chat_id, []).append(message)

    def _find_sent(self, params: dict[str, Any]) -> SentMessage:
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        for message in self._sent_by_chat.get(chat_id, ()):
            if message.message_id == message_id and not message.deleted:
                return message
        raise _APIError(400, "Bad Request: message to edit not found")

    # ---------------------------------------------------------------- methods

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return {
            **_bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise _APIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        elif isinstance(offset, int) and offset < 0:
            self.pending_updates = self.pending_updates[offset:]
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout")
        timeout = float(timeout) if isinstance(timeout, int | float) and timeout > 0 else 0.0

        # Like Telegram, a new getUpdates terminates the one still waiting with 409.
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.notify()
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise _APIError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self.pending_updates or self._closing.is_set():
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await self._updates_signal.wait(remaining)
        batch = self.pending_updates[:limit]
        for update in batch:
            self.deliveries[update["update_id"]] += 1
        return batch

    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.pending_updates = []
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> Any:
        url = params.get("url") or ""
        if not url:
            self.webhook = None
        elif not url.startswith("https://") and not url.startswith("http://"):
            raise _APIError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        else:
            self.webhook = {
                key: value for key, value in params.items() if not isinstance(value, UploadedFile)
            }
        if params.get("drop_pending_updates"):
            self.pending_updates = []
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending_updates),
        }
        if self.webhook:
            for key in ("max_connections", "allowed_updates", "ip_address"):
                if key in self.webhook:
                    info[key] = self.webhook[key]
        if self.webhook_last_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook_last_error
        return info

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _APIError(400, "Bad Request: commands must be a list of at most 100 commands")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _APIError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise _APIError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.my_commands[self._commands_key(params)] = commands
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> Any:
        return self.my_commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> Any:
        self.my_commands.pop(self._commands_key(params), None)
        return True

    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat_id(params)
        self._check_blocked(chat_id)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _APIError(400, "Bad Request: message text is empty")
        parse_mode = params.get("parse_mode") or None
        plain, entities = self._render(text, parse_mode, params.get("entities"))
        if not plain.strip():
            raise _APIError(400, "Bad Request: message text is empty")
        if len(plain) > MAX_TEXT_LENGTH:
            raise _APIError(400, "Bad Request: message is too long")
        markup = self._reply_markup(params)
        self._check_flood(chat_id)  # sends only (message, photo, document): edits are not counted
        message = SentMessage(
            chat_id=chat_id,
            message_id=self._next_message_id(chat_id),
            text=text,
            parse_mode=parse_mode,
            reply_markup=markup,
            time=time.monotonic(),
            plain_text=plain,
            entities=entities,
            date=int(time.time()),
            params=params,
        )
        self._record_sent(message)
        return message.to_api(self._chat(chat_id))

    def _input_file(self, params: dict[str, Any], field: str) -> str | UploadedFile:
        """The file of a sendPhoto / sendDocument, checked like Telegram: uploaded (multipart,
        non-empty, under the size limits), or a file_id Telegram knows, or an HTTP URL."""
        value = params.get(field)
        if isinstance(value, UploadedFile):
            if not value.content:
                raise _APIError(400, "Bad Request: file must be non-empty")
            if field == "photo":
                if len(value.content) > MAX_PHOTO_UPLOAD_BYTES:
                    raise _APIError(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
                webp = value.content[:4] == b"RIFF" and value.content[8:12] == b"WEBP"
                if not (webp or value.content.startswith(_IMAGE_SIGNATURES)):
                    raise _APIError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            elif len(value.content) > MAX_DOCUMENT_UPLOAD_BYTES:
                raise _APIError(413, "Request Entity Too Large")
            return value
        if isinstance(value, str) and value:
            known = value in self.files or value.removesuffix("-s") in self.files
            if not (known or value.startswith(("http://", "https://"))):
                raise _APIError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            return value
        raise _APIError(400, f"Bad Request: there is no {field} in the request")

    async def _send_file(self, params: dict[str, Any], method: str, field: str) -> Any:
        chat_id = self._chat_id(params)
        self._check_blocked(chat_id)
        sent_file = self._input_file(params, field)
        caption = params.get("caption")
        caption = caption if isinstance(caption, str) else ""
        parse_mode = params.get("parse_mode") or None
        plain, entities = self._render(caption, parse_mode, params.get("caption_entities"))
        if len(plain) > MAX_CAPTION_LENGTH:
            raise _APIError(400, "Bad Request: message caption is too long")
        markup = self._reply_markup(params)
        self._check_flood(chat_id)
        message = SentMessage(
            chat_id=chat_id,
            message_id=self._next_message_id(chat_id),
            text=caption,
            parse_mode=parse_mode,
            reply_markup=markup,
            time=time.monotonic(),
            method=method,
            plain_text=plain,
            entities=entities,
            date=int(time.time()),
            photo=sent_file if field == "photo" else None,
            document=sent_file if field == "document" else None,
            params=params,
        )
        self._record_sent(message)
        if isinstance(sent_file, UploadedFile):  # getFile + the file URL serve it back
            self.files[f"sent-{chat_id}-{message.message_id}"] = sent_file.content
        return message.to_api(self._chat(chat_id))

    async def _send_photo(self, params: dict[str, Any]) -> Any:
        return await self._send_file(params, "sendPhoto", "photo")

    async def _send_document(self, params: dict[str, Any]) -> Any:
        return await self._send_file(params, "sendDocument", "document")

    async def _edit_message_text(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        chat_id = self._chat_id(params)
        self._check_blocked(chat_id)
        message = self._find_sent(params)
        if message.method != "sendMessage":
            raise _APIError(400, "Bad Request: there is no text in the message to edit")
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _APIError(400, "Bad Request: message text is empty")
        parse_mode = params.get("parse_mode") or None
        plain, entities = self._render(text, parse_mode, params.get("entities"))
        if not plain.strip():
            raise _APIError(400, "Bad Request: message text is empty")
        if len(plain) > MAX_TEXT_LENGTH:
            raise _APIError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = self._reply_markup(params)
        if (
            plain == message.plain_text
            and entities == message.entities
            and (markup == message.reply_markup)
        ):
            raise _APIError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        message.text, message.parse_mode, message.plain_text = text, parse_mode, plain
        message.entities, message.reply_markup = entities, markup
        message.edit_count += 1
        self.edits.append(
            EditRecord(
                "editMessageText", chat_id, message.message_id, text, parse_mode, markup,
                time.monotonic(),
            )
        )  # fmt: skip
        return message.to_api(self._chat(chat_id))

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        chat_id = self._chat_id(params)
        self._check_blocked(chat_id)
        message = self._find_sent(params)
        markup = self._reply_markup(params)
        if markup == message.reply_markup or (not markup and not message.reply_markup):
            raise _APIError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        message.reply_markup = markup
        message.edit_count += 1
        self.edits.append(
            EditRecord(
                "editMessageReplyMarkup", chat_id, message.message_id, None, None, markup,
                time.monotonic(),
            )
        )  # fmt: skip
        return message.to_api(self._chat(chat_id))

    async def _delete_message(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat_id(params)
        try:
            message = self._find_sent(params)
        except _APIError:
            raise _APIError(400, "Bad Request: message to delete not found") from None
        message.deleted = True
        self.deleted.append((chat_id, message.message_id))
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_queries:
            raise _APIError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        user_id, data = self._open_queries.pop(query_id)
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise _APIError(400, "Bad Request: MESSAGE_TOO_LONG")
        cache_time = params.get("cache_time")
        self.callback_answers.append(
            CallbackAnswer(
                callback_query_id=query_id,
                text=text if isinstance(text, str) else None,
                show_alert=bool(params.get("show_alert")),
                url=params.get("url"),
                cache_time=cache_time if isinstance(cache_time, int) else None,
                time=time.monotonic(),
                user_id=user_id,
                data=data,
            )
        )
        return True

    async def _get_file(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            raise _APIError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"{file_id}-u",
            "file_size": len(self.files[file_id]),
            "file_path": f"files/{file_id}",
        }

    _handlers: ClassVar[dict[str, Callable[[FakeTelegramAPI, dict[str, Any]], Awaitable[Any]]]] = {
        "getme": _get_me,
        "getupdates": _get_updates,
        "deletewebhook": _delete_webhook,
        "setwebhook": _set_webhook,
        "getwebhookinfo": _get_webhook_info,
        "setmycommands": _set_my_commands,
        "getmycommands": _get_my_commands,
        "deletemycommands": _delete_my_commands,
        "sendmessage": _send_message,
        "sendphoto": _send_photo,
        "senddocument": _send_document,
        "editmessagetext": _edit_message_text,
        "editmessagereplymarkup": _edit_message_reply_markup,
        "deletemessage": _delete_message,
        "answercallbackquery": _answer_callback_query,
        "getfile": _get_file,
    }
