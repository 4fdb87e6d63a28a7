"""A local fake of Twilio's Messages REST API, and of Twilio's side of the webhooks.

The bot's real twilio client talks to it over loopback HTTP through `TWILIO_API_BASE_URL`:

    async with FakeTwilioAPI() as twilio:
        settings = Settings(twilio_api_base_url=twilio.base_url, ...)
        ...
        twilio.connect(f"http://127.0.0.1:{port}")       # where the bot's web server listens
        await twilio.send_whatsapp("+33611111111", "besoin 10 kg de riz")   # signed, like Twilio
        [reply] = await twilio.wait_for_messages("+33611111111", 1)

Outbound: `POST /2010-04-01/Accounts/{sid}/Messages.json` (form-encoded, HTTP basic auth),
answered with a realistic Message resource (`sid` "SM…", status "queued"). The test controls
failures: `outside_window` numbers get Twilio's 63016 (synchronously, as a 400, or later as a
`failed` status callback), `fail_next` answers 429/5xx/4xx with a Twilio error body.

Media: like Twilio, the fake fetches each `MediaUrl` of an outbound message that points at the
bot's public URL (from the bot's local address, `connect`), after answering the REST call, and
records what it got (`FakeMessage.fetched`: status, Content-Type, Content-Disposition, bytes).

Inbound: `send_whatsapp` and `post_status` sign the form with twilio's own `RequestValidator`
against the bot's *public* URL (as Twilio does) and post it to the bot's local address.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from tests.fakes.telegram_api import _Server

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "fake-auth-token-0123456789abcdef"
SENDER = "whatsapp:+14155238886"
# Twilio: "The concatenated message body exceeds the 1600 character limit."
MAX_BODY = 1600
ERROR_BODY_TOO_LONG = 21617
ERROR_OUTSIDE_WINDOW = 63016


@dataclass
class FetchedMedia:
    """What the fake got when it fetched a media URL, as Twilio does before sending."""

    url: str
    status: int
    content_type: str
    disposition: str
    content: bytes


@dataclass
class FakeMessage:
    sid: str
    to: str
    from_: str
    body: str
    media_urls: list[str]
    content_sid: str | None
    content_variables: str | None
    status_callback: str | None
    status: str = "queued"
    fetched: list[FetchedMedia] = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.to.removeprefix("whatsapp:")


@dataclass
class _Failure:
    status: int
    code: int
    message: str


@dataclass
class FakeTwilioAPI:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    public_url: str = "https://boucle.example.org"
    # Numbers whose 24-hour window is closed; "sync": the REST call fails with 63016,
    # "callback": it succeeds and a `failed` status callback with 63016 follows.
    outside_window: set[str] = field(default_factory=set)
    window_mode: str = "sync"
    messages: list[FakeMessage] = field(default_factory=list)
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    bot_url: str | None = None

    def __post_init__(self) -> None:
        self._failures: deque[_Failure] = deque()
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._server: _Server | None = None
        self._port: int | None = None
        self._pending_callbacks: set[asyncio.Task[None]] = set()
        self.app = Starlette(
            routes=[
                Route("/2010-04-01/Accounts/{sid}/Messages.json", self._create, methods=["POST"]),
            ]
        )

    # ---------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> FakeTwilioAPI:
        self._server = _Server.for_app(self.app)
        self._port = await self._server.start_serving("fake-twilio-api")
        self._client = httpx.AsyncClient(timeout=10)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for task in list(self._pending_callbacks):
            task.cancel()
        await asyncio.gather(*self._pending_callbacks, return_exceptions=True)
        await self._client.aclose()
        if self._server is not None:
            await self._server.stop_serving()

    @property
    def base_url(self) -> str:
        """For TWILIO_API_BASE_URL."""
        return f"http://127.0.0.1:{self._port}"

    def connect(self, bot_url: str) -> None:
        """Where the bot's web server really listens (its public URL is `public_url`)."""
        self.bot_url = bot_url.rstrip("/")

    # ---------------------------------------------------------------- test side

    def fail_next(self, status: int, code: int, message: str = "error", count: int = 1) -> None:
        for _ in range(count):
            self._failures.append(_Failure(status, code, message))

    def messages_to(self, number: str) -> list[FakeMessage]:
        return [m for m in self.messages if m.number == number]

    async def wait_for(self, predicate: Callable[[], bool], what: str, seconds: float = 5) -> None:
        try:
            async with asyncio.timeout(seconds):
                while not predicate():
                    self._changed.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), 0.05)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    async def wait_for_messages(
        self, number: str, count: int, seconds: float = 5
    ) -> list[FakeMessage]:
        def enough() -> bool:
            return len(self.messages_to(number)) >= count

        try:
            await self.wait_for(enough, f"{count} message(s) to {number}", seconds)
        except AssertionError:
            got = [m.body or m.content_sid for m in self.messages_to(number)]
            raise AssertionError(f"{number}: expected {count} message(s), got {got}") from None
        return self.messages_to(number)

    async def callbacks_done(self) -> None:
        """Wait until the status callbacks the fake posts on its own have been answered (and
        the media it fetches on its own, fetched)."""
        await asyncio.gather(*self._pending_callbacks)

    def local(self, url: str) -> str:
        """A URL under the bot's public URL, at the bot's local address."""
        assert self.bot_url is not None, "call connect(bot_url) first"
        return f"{self.bot_url}{url.removeprefix(self.public_url)}"

    async def _fetch_media(self, message: FakeMessage) -> None:
        for url in message.media_urls:
            if not url.startswith(self.public_url) or self.bot_url is None:
                continue
            response = await self._client.get(self.local(url))
            message.fetched.append(
                FetchedMedia(
                    url,
                    response.status_code,
                    response.headers.get("content-type", ""),
                    response.headers.get("content-disposition", ""),
                    response.content,
                )
            )
        self._changed.set()

    def _in_background(self, job: Any) -> None:
        task = asyncio.create_task(job)
        self._pending_callbacks.add(task)
        task.add_done_callback(self._pending_callbacks.discard)

    def sign(self, url: str, form: list[tuple[str, str]]) -> str:
        return signature(self.auth_token, url, form)

    async def post_signed(
        self, path: str, form: list[tuple[str, str]], *, signature: str | None = None
    ) -> httpx.Response:
        """POST `form` to the bot at `path`, signed for the public URL unless told otherwise."""
        assert self.bot_url is not None, "call connect(bot_url) first"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        signed = self.sign(f"{self.public_url}{path}", form) if signature is None else signature
        if signed:
            headers["X-Twilio-Signature"] = signed
        return await self._client.post(
            f"{self.bot_url}{path}", content=urlencode(form), headers=headers
        )

    async def send_whatsapp(
        self,
        number: str,
        body: str = "",
        *,
        name: str = "",
        sid: str | None = None,
        media: list[str] | None = None,
        location: tuple[float, float] | None = None,
    ) -> str:
        """The person at `number` writes to the bot; returns the MessageSid."""
        sid = sid or new_sid("SM")
        form = inbound_form(number, body, sid, name=name, media=media, location=location)
        response = await self.post_signed("/whatsapp", form)
        assert response.status_code == 200, response.status_code
        return sid

    async def post_status(self, sid: str, status: str, error_code: int | None = None) -> None:
        """Twilio reports a status change of message `sid` to its status callback."""
        message = next(m for m in self.messages if m.sid == sid)
        assert message.status_callback, "the bot asked for no status callback"
        assert message.status_callback.startswith(self.public_url)
        path = message.status_callback.removeprefix(self.public_url)
        message.status = status
        form = [
            ("MessageSid", sid),
            ("SmsSid", sid),
            ("AccountSid", self.account_sid),
            ("From", message.from_),
            ("To", message.to),
            ("MessageStatus", status),
            ("SmsStatus", status),
            ("ApiVersion", "2010-04-01"),
        ]
        if error_code is not None:
            form.append(("ErrorCode", str(error_code)))
        response = await self.post_signed(path, form)
        assert response.status_code == 200, response.status_code

    # ---------------------------------------------------------------- REST API

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}"

    @staticmethod
    def _error(status: int, code: int, message: str) -> JSONResponse:
        return JSONResponse(
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
            status_code=status,
        )

    async def _create(self, request: Request) -> Response:
        if not self._authorized(request) or request.path_params["sid"] != self.account_sid:
            return self._error(401, 20003, "Authenticate")
        pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True)
        params: dict[str, list[str]] = {}
        for key, value in pairs:
            params.setdefault(key, []).append(value)
        self.requests.append(params)
        self._changed.set()

        def one(key: str) -> str | None:
            values = params.get(key)
            return values[0] if values else None

        to, from_, body = one("To") or "", one("From") or "", one("Body") or ""
        content_sid = one("ContentSid")
        if self._failures:
            failure = self._failures.popleft()
            return self._error(failure.status, failure.code, failure.message)
        if not to.startswith("whatsapp:") or not from_.startswith("whatsapp:"):
            return self._error(400, 21211, "Invalid 'To' Phone Number")
        if not (body or content_sid or params.get("MediaUrl")):
            return self._error(400, 21619, "A text message body or media URL is required")
        if len(body) > MAX_BODY:
            return self._error(400, ERROR_BODY_TOO_LONG, "The message body is too long")
        number = to.removeprefix("whatsapp:")
        closed = number in self.outside_window and content_sid is None
        if closed and self.window_mode == "sync":
            return self._error(
                400,
                ERROR_OUTSIDE_WINDOW,
                "Failed to send freeform message because you are "
                "outside the allowed window. Please use a Template.",
            )
        message = FakeMessage(
            sid=new_sid("SM"),
            to=to,
            from_=from_,
            body=body,
            media_urls=params.get("MediaUrl", []),
            content_sid=content_sid,
            content_variables=one("ContentVariables"),
            status_callback=one("StatusCallback"),
        )
        self.messages.append(message)
        self._changed.set()
        if closed:
            self._in_background(self.post_status(message.sid, "failed", ERROR_OUTSIDE_WINDOW))
        elif message.media_urls:
            self._in_background(self._fetch_media(message))
        now = format_datetime(datetime.now(UTC))
        return JSONResponse(
            {
                "account_sid": self.account_sid,
                "api_version": "2010-04-01",
                "body": body,
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": from_,
                "messaging_service_sid": None,
                "num_media": str(len(message.media_urls)),
                "num_segments": "1",
                "price": None,
                "price_unit": None,
                "sid": message.sid,
                "status": "queued",
                "subresource_uris": {
                    "media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/"
                    f"{message.sid}/Media.json"
                },
                "to": to,
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{message.sid}.json",
            },
            status_code=201,
        )


class _MultiDict:
    """What `RequestValidator.get_values` reads repeated keys from (`getall`)."""

    def __init__(self, params: dict[str, list[str]]) -> None:
        self._params = params

    def __iter__(self) -> Any:
        return iter(self._params)

    def getall(self, key: str) -> list[str]:
        return self._params[key]


def signature(auth_token: str, url: str, form: list[tuple[str, str]]) -> str:
    """X-Twilio-Signature for `form` posted to `url`, by twilio's own validator."""
    params: dict[str, list[str]] = {}
    for key, value in form:
        params.setdefault(key, []).append(value)
    return str(RequestValidator(auth_token).compute_signature(url, _MultiDict(params)))


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def inbound_form(
    number: str,
    body: str,
    sid: str,
    *,
    name: str = "",
    media: list[str] | None = None,
    location: tuple[float, float] | None = None,
    to: str = SENDER,
    account_sid: str = ACCOUNT_SID,
) -> list[tuple[str, str]]:
    """The form Twilio posts for an inbound WhatsApp message."""
    form = [
        ("SmsMessageSid", sid),
        ("NumMedia", str(len(media or []))),
        ("ProfileName", name),
        ("MessageType", "location" if location else ("image" if media else "text")),
        ("SmsSid", sid),
        ("WaId", number.lstrip("+")),
        ("SmsStatus", "received"),
        ("Body", body),
        ("To", to),
        ("NumSegments", "1"),
        ("ReferralNumMedia", "0"),
        ("MessageSid", sid),
        ("AccountSid", account_sid),
        ("From", f"whatsapp:{number}"),
        ("ApiVersion", "2010-04-01"),
    ]
    for index, url in enumerate(media or []):
        form.append((f"MediaUrl{index}", url))
        form.append((f"MediaContentType{index}", "image/jpeg"))
    if location:
        form.append(("Latitude", str(location[0])))
        form.append(("Longitude", str(location[1])))
    return form
