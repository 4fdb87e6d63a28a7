"""WhatsApp through Twilio: a signed form in, plain-text messages (keyword replies) out.

`parse_twilio_form` and `render_whatsapp` are pure. `WhatsAppChannel` holds one twilio
`Client` (never subclasses it) whose HTTP client is ours: it composes twilio's
`AsyncTwilioHttpClient` (one aiohttp session for the process) and sends the REST calls to
`TWILIO_API_BASE_URL` when that is set, since the twilio client has no base-URL option.

The 24-hour customer-service window: free-form messages reach a person only within 24 h of
their last message to us. Outside it, a message that may travel as an approved template
(`Outgoing.template`: "alert", "digest") goes as that template; any other one is reported
`OutsideWindow`, so the sender holds it until the person writes again.

Files (`Outgoing.attachment`): Twilio sends media by URL, which it fetches. The bot serves the
file itself (`bot/file_links.py`: `BOUCLE_PUBLIC_URL/fichiers/<token>`, signed, expiring). What
WhatsApp carries as media (`MEDIA_TYPES`: JPEG/PNG images up to 5 MB, PDF and Office documents
up to 16 MB) goes with `media_url`: an image with the text's last part as its caption, a
document in a message of its own after the text (Twilio sets no caption on documents). Any
other file (CSV, JSON...) goes as a download link at the end of the text. The media is the
row's last call, so a retry never sends it twice (the Telegram adapter does the same). A message
with a file waits for the window: a template cannot carry it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from bot.channels.base import (
    OutsideWindow,
    Pacing,
    Rejected,
    RetryLater,
    SendResult,
    Sent,
    Unreachable,
)
from bot.file_links import FileLinks
from handlers.messages import (
    MAX_ATTACHMENT_BYTES,
    Address,
    Attachment,
    Choice,
    Incoming,
    Location,
    Outgoing,
    split_text,
)
from handlers.texts import t

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
PREFIX = "whatsapp:"
# Twilio: a WhatsApp message body holds at most 1,600 characters.
MAX_BODY = 1600
# Twilio accepts at most 10 media URLs per message (MediaUrl0..9 inbound, media_url outbound).
MAX_MEDIA = 10
# WhatsApp's customer-service window (Meta's rule, enforced by Twilio as error 63016).
WINDOW = timedelta(hours=24)
# No answer from the REST API in this time: try again later rather than block the sender.
SEND_TIMEOUT_SECONDS = 15.0
TRANSIENT_RETRY_SECONDS = 5.0
RATE_LIMIT_RETRY_SECONDS = 2.0
# Twilio: about 80 messages/s per WhatsApp sender by default (BOUCLE_WHATSAPP_RATE).
WHATSAPP_DEFAULT_PER_SECOND = 80.0

# Twilio error codes (https://www.twilio.com/docs/api/errors).
ERROR_OUTSIDE_WINDOW = 63016  # free-form message outside the 24-hour window
ERROR_TOO_MANY_REQUESTS = 20429
# The number can never receive from us: invalid, unsubscribed (STOP), not a WhatsApp user.
UNREACHABLE_CODES = frozenset({21211, 21610, 21614, 63003, 63024})

# What WhatsApp takes as media through Twilio (twilio.com/docs/whatsapp/guidance-whatsapp-
# media-messages: "Images: JPG, JPEG, PNG" up to 5 MB, "Documents: PDF, DOC, DOCX, PPTX, XLSX",
# 16 MB per message; Twilio checks the Content-Type the URL answers with). WEBP is a sticker
# there, CSV and JSON are not taken: those go as a link.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)
MEDIA_TYPES = IMAGE_TYPES | DOCUMENT_TYPES

LastInbound = Callable[[str], Awaitable[datetime | None]]


# ----------------------------------------------------------------------------- inbound


def parse_twilio_form(form: Mapping[str, str], now: datetime) -> Incoming | None:
    """A Twilio inbound-message form as an `Incoming`; None for what is not a WhatsApp message."""
    sender = form.get("From", "")
    sid = form.get("MessageSid", "") or form.get("SmsMessageSid", "")
    if not sender.startswith(PREFIX) or not sid:
        return None
    number = sender.removeprefix(PREFIX).strip()
    if not number:
        return None
    text = form.get("Body", "")
    location = _location(form.get("Latitude"), form.get("Longitude"))
    media = _media_urls(form)
    return Incoming(
        address=Address(CHANNEL, number),
        message_id=sid,
        text=text,
        received_at=now,
        display_name=(form.get("ProfileName") or "").strip() or number,
        contact=f"{number} (WhatsApp)",
        # One tap opens a WhatsApp chat with them; the number is theirs: private.
        contact_link=f"https://wa.me/{number.lstrip('+')}",
        contact_private=True,
        # A photo without words, a voice note, a sticker: nothing the bot can read.
        unsupported=not text.strip() and location is None,
        location=location,
        media_urls=media,
    )


def _location(latitude: str | None, longitude: str | None) -> Location | None:
    if not latitude or not longitude:
        return None
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Location(lat, lon)


def _media_urls(form: Mapping[str, str]) -> tuple[str, ...]:
    try:
        count = int(form.get("NumMedia", "0") or 0)
    except ValueError:
        return ()
    urls = (form.get(f"MediaUrl{index}", "") for index in range(min(max(count, 0), MAX_MEDIA)))
    return tuple(url for url in urls if url.startswith(("https://", "http://")))


# ----------------------------------------------------------------------------- outbound


def keyword(command: str) -> str:
    """`/prendre 12` -> `PRENDRE 12`: what a WhatsApp user types (commands work without slash)."""
    head, _, rest = command.removeprefix("/").partition(" ")
    return f"{head.upper()} {rest}".strip()


def render_whatsapp(message: Outgoing) -> list[str]:
    """Plain text with the title in *bold*, choices as keyword lines, split under 1,600."""
    lines: list[str] = []
    if message.title:
        lines.append(f"*{message.title}*")
    if message.text:
        lines.append(message.text)
    lines.extend(choice_line(choice, message.lang) for choice in message.choices)
    body = "\n".join(lines)
    return split_text(body, MAX_BODY) if body else []


def carried_as_media(attachment: Attachment) -> bool:
    """Whether WhatsApp takes this file as media (else it goes as a link)."""
    if attachment.mime in IMAGE_TYPES:
        return attachment.size <= MAX_ATTACHMENT_BYTES["photo"]
    return attachment.mime in DOCUMENT_TYPES


Call = tuple[str, list[str]]  # (body, media URLs) of one Twilio message


def whatsapp_calls(message: Outgoing, links: FileLinks | None) -> list[Call]:
    """The Twilio messages `message` becomes, in order. Its file, as media, is in the last
    one; as a link, at the end of the text."""
    attachment = message.attachment
    file_url: str | None = None
    if attachment is not None:
        if links is not None and attachment.file_id is not None:
            url = links.url_for(attachment.file_id)
            if carried_as_media(attachment):
                file_url = url
            else:
                line = t(
                    message.lang,
                    "attachment_link",
                    filename=attachment.filename,
                    url=url,
                    days=links.days,
                )
                message = with_line(message, line)
        else:
            line = t(message.lang, "attachment_unavailable", filename=attachment.filename)
            message = with_line(message, line)
    media = list(message.media_urls[:MAX_MEDIA])
    chunks = render_whatsapp(message)
    calls: list[Call] = [(chunk, media if index == 0 else []) for index, chunk in enumerate(chunks)]
    if file_url is not None:
        assert attachment is not None
        image = attachment.mime in IMAGE_TYPES
        if image and calls and not calls[-1][1]:
            calls[-1] = (calls[-1][0], [file_url])  # the image, captioned by the last part
        else:
            calls.append(("", [file_url]))
    return calls or [("", media)]


def with_line(message: Outgoing, line: str) -> Outgoing:
    return replace(message, text=f"{message.text}\n{line}" if message.text else line)


def choice_line(choice: Choice, lang: str) -> str:
    """« 1 ✅ Publier » for a choice answered by a short reply, else its keyword line."""
    if choice.reply:
        return f"{choice.reply} {choice.label}"
    return t(lang, "whatsapp_choice", label=choice.label, command=keyword(choice.command))


def template_variables(message: Outgoing) -> str:
    """Content variables as Twilio wants them: `{"1": "...", "2": "..."}`."""
    values = message.template_variables or (message.title or message.text[:200],)
    return json.dumps({str(index): value for index, value in enumerate(values, 1)})


def result_of_error(error: Exception) -> SendResult:
    """A Twilio REST or network error as a typed send result (63016 is handled by the caller)."""
    if isinstance(error, TwilioRestException | TwilioServiceException):
        status = int(error.status or 0)
        code = int(error.code or 0)
        reason = f"twilio {status} error {code}"
        if code == ERROR_OUTSIDE_WINDOW:
            return OutsideWindow(reason)
        if status == 429 or code == ERROR_TOO_MANY_REQUESTS:
            return RetryLater(RATE_LIMIT_RETRY_SECONDS, reason, rate_limited=True)
        if status >= 500 or status == 0:
            return RetryLater(TRANSIENT_RETRY_SECONDS, reason)
        if code in UNREACHABLE_CODES:
            return Unreachable(reason)
        return Rejected(reason)
    return RetryLater(TRANSIENT_RETRY_SECONDS, type(error).__name__, ambiguous=maybe_sent(error))


def maybe_sent(error: Exception) -> bool:
    """True when the request may have reached Twilio although no answer was read (our time
    limit ran out, or the connection dropped after the request was written); a refused
    connection means it was not."""
    if isinstance(error, aiohttp.ClientConnectorError):
        return False
    return isinstance(
        error, TimeoutError | aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError
    )


class BaseUrlHttpClient:
    """twilio's async HTTP client, pointed at another base URL when one is configured.

    Composes `AsyncTwilioHttpClient` (one pooled aiohttp session) and rewrites the
    `https://api.twilio.com` prefix of each request; twilio's `Client` only needs `is_async`
    and `request`.
    """

    is_async = True

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url.rstrip("/") if base_url else None
        self.inner = AsyncTwilioHttpClient()

    def rebase(self, url: str) -> str:
        if self.base_url is None:
            return url
        parts = urlsplit(url)
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
        return f"{self.base_url}{rest}"

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (twilio's HttpClient signature)
        allow_redirects: bool = False,
    ) -> TwilioResponse:
        headers = dict(headers or {})
        if auth is not None:
            # aiohttp deprecates its `auth=` argument (twilio still passes it): send the header.
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        response: TwilioResponse = await self.inner.request(
            method,
            self.rebase(url),
            params=params,
            data=data,
            headers=headers,
            auth=None,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        return response

    async def close(self) -> None:
        await self.inner.close()


class WhatsAppChannel:
    name = CHANNEL

    def __init__(
        self,
        client: Any,
        from_: str,
        status_callback_url: str | None,
        templates: Mapping[str, str],
        last_inbound: LastInbound,
        clock_now: Callable[[], datetime],
        http_client: BaseUrlHttpClient | None = None,
        per_second: float = WHATSAPP_DEFAULT_PER_SECOND,
        file_links: FileLinks | None = None,
    ) -> None:
        self.client = client
        # Where Twilio fetches the files sent as media (None: files are said, not sent).
        self.file_links = file_links
        self.pacing = Pacing(per_second=per_second)
        self.from_ = from_ if from_.startswith(PREFIX) else f"{PREFIX}{from_}"
        self.status_callback_url = status_callback_url
        self.templates = {name: sid for name, sid in templates.items() if sid}
        self._last_inbound = last_inbound
        self._now = clock_now
        self._http = http_client

    @classmethod
    def build(
        cls,
        account_sid: str,
        auth_token: str,
        from_: str,
        api_base_url: str | None,
        status_callback_url: str | None,
        templates: Mapping[str, str],
        last_inbound: LastInbound,
        clock_now: Callable[[], datetime],
        per_second: float = WHATSAPP_DEFAULT_PER_SECOND,
        file_links: FileLinks | None = None,
    ) -> WhatsAppChannel:
        """One client and one HTTP session for the process (call from inside the event loop)."""
        http = BaseUrlHttpClient(api_base_url)
        client = Client(account_sid, auth_token, http_client=http)
        return cls(
            client,
            from_,
            status_callback_url,
            templates,
            last_inbound,
            clock_now,
            http,
            per_second,
            file_links,
        )

    @property
    def state(self) -> str:
        if self._http is None:
            return "running"
        session = self._http.inner.session
        return "stopped" if session is None or session.closed else "running"

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    def parts(self, message: Outgoing) -> int:
        """How many Twilio messages this one becomes (the sender paces per message)."""
        return len(whatsapp_calls(message, self.file_links))

    async def in_window(self, external_id: str) -> bool:
        last = await self._last_inbound(external_id)
        return last is not None and self._now() - last < WINDOW

    async def send(self, external_id: str, message: Outgoing) -> SendResult:
        if not await self.in_window(external_id):
            return await self.send_outside_window(external_id, message, "24-hour window closed")
        result: SendResult = Sent()
        for body, media in whatsapp_calls(message, self.file_links):
            result = await self._create(
                external_id, body=body if body or not media else None, media_url=media or None
            )
            if isinstance(result, OutsideWindow):
                return await self.send_outside_window(external_id, message, result.reason)
            if not isinstance(result, Sent):
                return result
        return result

    async def send_outside_window(
        self, external_id: str, message: Outgoing, reason: str
    ) -> SendResult:
        """The approved template when this message may use one, else wait for the person. A
        message with a file always waits: a template cannot carry it."""
        content_sid = self.templates.get(message.template) if message.template else None
        if content_sid is None or message.attachment is not None:
            return OutsideWindow(reason)
        return await self._create(
            external_id, content_sid=content_sid, content_variables=template_variables(message)
        )

    async def _create(self, external_id: str, **fields: Any) -> SendResult:
        options = {key: value for key, value in fields.items() if value is not None}
        if self.status_callback_url:
            options["status_callback"] = self.status_callback_url
        try:
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                created = await self.client.messages.create_async(
                    from_=self.from_, to=f"{PREFIX}{external_id}", **options
                )
        except (TwilioRestException, TwilioServiceException) as error:
            return result_of_error(error)
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            return result_of_error(error)
        return Sent(str(created.sid or ""))
