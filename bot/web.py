"""The one web server of the bot process: Twilio's and Telegram's webhooks, and a health check.

Routes: `POST /whatsapp` (Twilio inbound), `POST /whatsapp/status` (delivery status callbacks),
`POST /telegram` (Telegram updates, webhook mode only), `GET /healthz`.

Each webhook is a straight line: refuse an oversized body, check the signature (or secret),
parse, store, answer. The work happens after the answer: a message is handed to the intake
(`bot/intake.py`: stored before we answer, processed in order per chat), a status callback to
one worker task fed by a queue. Twilio wants its answer within seconds. What was stored but not
yet processed when the process stops is finished at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp
from twilio.request_validator import RequestValidator

from bot.channels.telegram import TelegramChannel
from bot.channels.whatsapp import WhatsAppChannel, parse_twilio_form
from bot.clock import Clock
from bot.delivery_status import StatusPolicy, apply_status, status_report
from bot.intake import Intake
from storage.db import Database

log = logging.getLogger(__name__)

# Twilio's inbound forms are a few kilobytes, Telegram's updates too; anything much larger
# is not from them.
MAX_BODY_BYTES = 64 * 1024
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
TWILIO_SIGNATURE = "X-Twilio-Signature"
TELEGRAM_SECRET = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT_SECONDS = 2.0
# At stop: how long the worker may finish what was already accepted.
DRAIN_SECONDS = 5.0

Job = Callable[[], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, refused as soon as it exceeds `limit` (never read whole into memory)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def public_url(base: str, request: Request) -> str:
    """The URL Twilio called, rebuilt from the configured public base (a proxy in front
    changes the host, scheme and port the process sees)."""
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base.rstrip('/')}{request.url.path}{query}"


@dataclass
class Worker:
    """Runs queued jobs one after the other, after the webhook answered."""

    queue: asyncio.Queue[Job] = field(default_factory=asyncio.Queue)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="boucle-web-worker")

    def submit(self, job: Job) -> None:
        self.queue.put_nowait(job)

    async def idle(self) -> None:
        """Wait until every submitted job is done (tests, and a graceful stop)."""
        await self.queue.join()

    async def stop(self) -> None:
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.queue.join(), DRAIN_SECONDS)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            job = await self.queue.get()
            try:
                await job()
            except Exception:  # one bad message must not stop the others
                log.exception("webhook job failed")
            finally:
                self.queue.task_done()


class Web:
    """The Starlette app, built from the running bot's parts."""

    def __init__(
        self,
        intake: Intake,
        db: Database,
        clock: Clock,
        channels: dict[str, Any],
        public_base_url: str | None,
        twilio_auth_token: str | None,
        whatsapp: WhatsAppChannel | None = None,
        telegram: TelegramChannel | None = None,
        telegram_secret: str | None = None,
        wake_sender: Callable[[], None] = lambda: None,
        status_policy: StatusPolicy | None = None,
        loop_states: Callable[[], dict[str, str]] = dict,
    ) -> None:
        self.intake = intake
        self.db = db
        self.clock = clock
        self.channels = channels
        self.public_base_url = public_base_url
        self.validator = RequestValidator(twilio_auth_token) if twilio_auth_token else None
        self.whatsapp = whatsapp
        self.telegram = telegram
        self.telegram_secret = telegram_secret
        self.wake_sender = wake_sender
        self.status_policy = status_policy or StatusPolicy()
        # The bot's own loops (sender lanes, polling): one that died makes the process unhealthy.
        self.loop_states = loop_states
        self.worker = Worker()
        routes = [Route("/healthz", self.healthz, methods=["GET"])]
        if whatsapp is not None:
            routes.append(Route("/whatsapp", self.whatsapp_inbound, methods=["POST"]))
            routes.append(Route("/whatsapp/status", self.whatsapp_status, methods=["POST"]))
        if telegram is not None and telegram_secret:
            routes.append(Route("/telegram", self.telegram_update, methods=["POST"]))
        self.app = Starlette(routes=routes)

    # ------------------------------------------------------------------ Twilio

    async def _verified_form(self, request: Request) -> ImmutableMultiDict[str, str] | Response:
        """The form when Twilio signed it; else the response to give (403, 413)."""
        try:
            body = await read_body(request)
        except BodyTooLarge:
            log.warning("refused an oversized request to %s", request.url.path)
            return Response(status_code=413)
        # Repeated keys are kept: the signature covers every value.
        form = ImmutableMultiDict(
            parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        )
        signature = request.headers.get(TWILIO_SIGNATURE, "")
        if self.validator is None or self.public_base_url is None or not signature:
            log.warning("refused an unsigned request to %s", request.url.path)
            return Response(status_code=403)
        if not self.validator.validate(public_url(self.public_base_url, request), form, signature):
            # The body is not logged: it is someone's message, or an attacker's payload.
            log.warning("refused a request to %s: wrong Twilio signature", request.url.path)
            return Response(status_code=403)
        return form

    async def whatsapp_inbound(self, request: Request) -> Response:
        form = await self._verified_form(request)
        if isinstance(form, Response):
            return form
        incoming = parse_twilio_form(form, self.clock.now())
        if incoming is not None:
            await self.intake.take(incoming)
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def idle(self) -> None:
        """Wait until what was received is processed (tests)."""
        await self.intake.idle()
        await self.worker.idle()

    async def whatsapp_status(self, request: Request) -> Response:
        form = await self._verified_form(request)
        if isinstance(form, Response):
            return form
        report = status_report(dict(form))
        if report is not None:
            self.worker.submit(
                lambda: apply_status(
                    report, self.db, self.clock, self.whatsapp, self.wake_sender, self.status_policy
                )
            )
        return Response(EMPTY_TWIML, media_type="text/xml")

    # ------------------------------------------------------------------ Telegram

    async def telegram_update(self, request: Request) -> Response:
        assert self.telegram is not None and self.telegram_secret is not None
        given = request.headers.get(TELEGRAM_SECRET, "")
        if not hmac.compare_digest(given.encode(), self.telegram_secret.encode()):
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
        # Stored in the inbox when `feed` returns (a redelivery is recognised); if storing
        # fails, the error answer makes Telegram send the update again.
        await self.telegram.feed(data)
        return Response()

    # ------------------------------------------------------------------ health

    async def healthz(self, request: Request) -> Response:
        database = "ok"
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                await self.db.ping()
        except Exception as error:  # any failure means unhealthy; the type says enough
            database = f"error: {type(error).__name__}"
        channels = {
            name: getattr(channel, "state", "running") for name, channel in self.channels.items()
        }
        loops = self.loop_states()
        healthy = database == "ok" and all(
            state == "running" for state in [*channels.values(), *loops.values()]
        )
        return JSONResponse(
            {
                "status": "ok" if healthy else "unhealthy",
                "database": database,
                "channels": channels,
                "loops": loops,
            },
            status_code=200 if healthy else 503,
        )


class InLoopServer(uvicorn.Server):
    """uvicorn inside the caller's event loop: the caller owns the signals and the stop.
    (The test fakes serve the same way.)"""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def for_app(
        cls, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, graceful_seconds: float = 5
    ) -> Self:
        """HTTP/1.1 only, no lifespan, no access log: the settings every server of ours uses."""
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            http="h11",
            ws="none",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=int(graceful_seconds),
        )
        return cls(config)

    async def start_serving(self, name: str) -> int:
        """Serve in a task; returns the port once the socket listens (`port=0`: any port)."""
        self._task = asyncio.create_task(self.serve(), name=name)
        while not self.started:
            if self._task.done():
                await self._task  # raises the startup error (port in use...)
                raise RuntimeError(f"{name} stopped during startup")
            await asyncio.sleep(0.005)
        port: int = self.servers[0].sockets[0].getsockname()[1]
        return port

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    async def stop_serving(self) -> None:
        if self._task is not None:
            self.stop()
            await self._task
            self._task = None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def main_loop(self) -> None:
        # uvicorn's loop polls `should_exit` every 0.1 s; waiting on an event stops at once.
        await self.on_tick(0)
        await self._stop.wait()

    def stop(self) -> None:
        self.should_exit = True
        self._stop.set()


class WebServer:
    """Serves `Web.app` with uvicorn, started and stopped by the bot (`port=0`: any port)."""

    def __init__(self, web: Web, host: str, port: int) -> None:
        self.web = web
        self._server = InLoopServer.for_app(web.app, host, port)
        self.port: int | None = None

    async def start(self) -> None:
        self.web.worker.start()
        self.port = await self._server.start_serving("boucle-web")
        log.info("web server listening on %s:%s", self._server.config.host, self.port)

    @property
    def task(self) -> asyncio.Task[None] | None:
        """Serving; done only if the server died (or was stopped)."""
        return self._server.task

    async def stop(self) -> None:
        await self._server.stop_serving()
        await self.web.worker.stop()
