"""The one web server of the bot process: the channels' webhooks and a health check.

Each channel brings its own routes (`bot/channels/whatsapp/webhooks.py`: `POST /whatsapp`,
`POST /whatsapp/status`; `bot/channels/telegram.py`: `POST /telegram` in webhook mode); this
module serves them with `GET /healthz`, protects the server from slow or numerous clients, and
offers what every webhook needs: a bounded body reader and a worker for work done after the
answer. It knows no platform.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Self

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol

from bot.intake import Intake
from storage.db import Database

log = logging.getLogger(__name__)

# Twilio's inbound forms are a few kilobytes, Telegram's updates too; anything much larger
# is not from them.
MAX_BODY_BYTES = 64 * 1024
HEALTH_TIMEOUT_SECONDS = 2.0
# At stop: how long the worker may finish what was already accepted.
DRAIN_SECONDS = 5.0

# HTTP hygiene (see `SlowClientH11Protocol`). Twilio and Telegram send a whole request at once:
# a client slower than this is broken or hostile.
HEADER_TIMEOUT_SECONDS = 10.0  # from connection (or previous answer) to complete request head
REQUEST_TIMEOUT_SECONDS = 15.0  # from the same start to complete body; else 408 and close
KEEP_ALIVE_SECONDS = 5  # an idle connection between requests is closed after this
# Requests arriving while this many other connections are open are answered 503 at once.
MAX_CONNECTIONS = 100

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
    """The Starlette app: the webhooks the channels bring (`routes`) and a health check."""

    def __init__(
        self,
        db: Database,
        channels: Mapping[str, object],
        routes: list[Route],
        loop_states: Callable[[], dict[str, str]] = dict,
        workers: list[Worker] | None = None,
        intake: Intake | None = None,
    ) -> None:
        self.db = db
        self.channels = channels
        # The bot's own loops (sender lanes, polling): one that died makes the process unhealthy.
        self.loop_states = loop_states
        self.workers = workers or []
        self.intake = intake
        self.app = Starlette(routes=[Route("/healthz", self.healthz, methods=["GET"]), *routes])

    def start(self) -> None:
        for worker in self.workers:
            worker.start()

    async def stop(self) -> None:
        for worker in self.workers:
            await worker.stop()

    async def idle(self) -> None:
        """Wait until what was received is processed (tests)."""
        if self.intake is not None:
            await self.intake.idle()
        for worker in self.workers:
            await worker.idle()

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


@dataclass(frozen=True)
class HttpLimits:
    """How long a client may take to send a request, and how many may be connected."""

    header_seconds: float = HEADER_TIMEOUT_SECONDS
    request_seconds: float = REQUEST_TIMEOUT_SECONDS
    keep_alive_seconds: int = KEEP_ALIVE_SECONDS  # uvicorn takes whole seconds
    max_connections: int = MAX_CONNECTIONS


DEFAULT_LIMITS = HttpLimits()


class SlowClientH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the request deadlines it lacks.

    uvicorn's only timer is keep-alive: armed after an answer, cancelled by any byte received.
    A fresh connection, or one that sends its request head or body a byte at a time
    (slowloris), is held for ever: a few hundred of them use up the process's sockets. Here,
    from the moment a request may start (connection made, or previous answer sent), its head
    must be complete within `header_seconds` (else the connection is closed: there is no
    request to answer) and its body within `request_seconds` (else 408 and close). Once the
    whole request is in, the time is the application's. It is done here, not in the ASGI app:
    uvicorn calls the app only once the head is complete."""

    limits: ClassVar[HttpLimits] = DEFAULT_LIMITS
    _deadline: asyncio.TimerHandle | None = None
    _request_began = 0.0

    @classmethod
    def with_limits(cls, limits: HttpLimits) -> type[SlowClientH11Protocol]:
        """The class uvicorn instantiates per connection (it passes only its own config)."""
        return type(cls.__name__, (cls,), {"limits": limits})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_deadline(None)
        super().connection_lost(exc)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request head arrived: the rest of the time is the body's
            remaining = self._request_began + self.limits.request_seconds - self.loop.time()
            self._set_deadline(max(remaining, 0.0))

    def on_response_complete(self) -> None:
        # Before uvicorn's: it handles a pipelined request at once (and arms keep-alive).
        self._await_request()
        super().on_response_complete()

    def _await_request(self) -> None:
        self._request_began = self.loop.time()
        self._set_deadline(self.limits.header_seconds)

    def _set_deadline(self, delay: float | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None if delay is None else self.loop.call_later(delay, self._expired)

    def shutdown(self) -> None:
        # A request still coming in at stop is refused at once (uvicorn would wait for it the
        # whole graceful period, then cancel the application: an ERROR and a 500).
        if self.cycle is not None and self.cycle.more_body and not self.transport.is_closing():
            log.info("refused %s's request: the server is stopping (503)", peer(self.client))
            self._answer_and_close(503)
        else:
            super().shutdown()

    def _expired(self) -> None:
        self._deadline = None
        cycle = self.cycle
        if self.transport.is_closing():
            return
        client = peer(self.client)
        if cycle is None or cycle.response_complete:
            limit = self.limits.header_seconds
            log.info("closed %s's connection: no complete request head within %g s", client, limit)
            self.transport.close()
        elif cycle.more_body:
            limit = self.limits.request_seconds
            log.info("cut %s's request: body not complete within %g s (408)", client, limit)
            self._answer_and_close(408)
        # else the whole request is in: the application answers it

    def _answer_and_close(self, status: int) -> None:
        """Answer a request whose body is still coming (unless the application already began
        to), then close: uvicorn tells the application its client is gone."""
        if not self.cycle.response_started:
            headers = [(b"content-length", b"0"), (b"connection", b"close")]
            answer = h11.Response(
                status_code=status, headers=headers, reason=STATUS_PHRASES[status]
            )
            for event in (answer, h11.EndOfMessage()):
                self.transport.write(self.conn.send(event) or b"")
        self.transport.close()


class QuietDisconnects:
    """A client that goes away before its request is complete (a phone losing signal, a
    proxy giving up, our own 408) is routine: one INFO line. Without this, Starlette's
    `ClientDisconnect` (raised by `request.stream()`, so by `read_body`) reaches uvicorn,
    which logs an ERROR with a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except ClientDisconnect:
            # Starlette tried to answer 500; uvicorn drops writes to a closed connection.
            log.info(
                "%s went away before its request to %s was complete",
                peer(scope.get("client")),
                scope.get("path", "?"),
            )


def peer(address: tuple[str, int] | None) -> str:
    return f"{address[0]}:{address[1]}" if address else "a client"


def listening_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class InLoopServer(uvicorn.Server):
    """uvicorn inside the caller's event loop: the caller owns the signals and the stop.
    (The test fakes serve the same way.)"""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def for_app(
        cls,
        app: ASGIApp,
        host: str = "127.0.0.1",
        port: int = 0,
        graceful_seconds: float = 5,
        limits: HttpLimits = DEFAULT_LIMITS,
    ) -> Self:
        """HTTP/1.1 only, no lifespan, no access log, slow clients cut, connections capped,
        disconnects quiet: the settings every server of ours uses."""
        config = uvicorn.Config(
            QuietDisconnects(app),
            host=host,
            port=port,
            http=SlowClientH11Protocol.with_limits(limits),
            ws="none",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=int(graceful_seconds),
            timeout_keep_alive=limits.keep_alive_seconds,
            # uvicorn counts the requesting connection itself: N + 1 lets N be served.
            limit_concurrency=limits.max_connections + 1,
        )
        return cls(config)

    async def start_serving(self, name: str) -> int:
        """Serve in a task; returns the port once the socket listens (`port=0`: any port).
        A port already in use raises `OSError` here: we bind the socket ourselves, since
        uvicorn answers a failed bind with `sys.exit`, which would tear the event loop down."""
        sock = listening_socket(self.config.host, self.config.port)
        self._task = asyncio.create_task(self.serve(sockets=[sock]), name=name)
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

    def __init__(self, web: Web, host: str, port: int, limits: HttpLimits = DEFAULT_LIMITS) -> None:
        self.web = web
        self._server = InLoopServer.for_app(web.app, host, port, limits=limits)
        self.port: int | None = None

    async def start(self) -> None:
        self.web.start()
        self.port = await self._server.start_serving("boucle-web")
        log.info("web server listening on %s:%s", self._server.config.host, self.port)

    @property
    def task(self) -> asyncio.Task[None] | None:
        """Serving; done only if the server died (or was stopped)."""
        return self._server.task

    async def stop(self) -> None:
        await self._server.stop_serving()
        await self.web.stop()
