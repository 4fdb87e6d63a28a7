"""HTTP hygiene of our uvicorn servers, with real sockets on 127.0.0.1: a slow request head or
body is cut, connections are capped, and a client that goes away is an INFO line.

Deadlines are a fraction of a second here (`HttpLimits`); the bot's are in bot/web.py."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.channels.telegram import webhook_route
from bot.clock import ManualClock
from bot.web import (
    HEADER_TIMEOUT_SECONDS,
    KEEP_ALIVE_SECONDS,
    MAX_CONNECTIONS,
    REQUEST_TIMEOUT_SECONDS,
    HttpLimits,
    InLoopServer,
    Web,
    WebServer,
    read_body,
)
from handlers.understanding import Gazetteer
from storage.db import Database

HEAD_SECONDS = 0.3
REQUEST_SECONDS = 0.6
FAST = HttpLimits(header_seconds=HEAD_SECONDS, request_seconds=REQUEST_SECONDS)
# Well past a deadline, far below "for ever".
PATIENCE = 3.0


@dataclass
class Served:
    server: InLoopServer
    port: int
    received: list[bytes]

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port)

    async def connections(self, count: int) -> None:
        """Wait until the server has accepted `count` connections."""
        async with asyncio.timeout(PATIENCE):
            while len(self.server.server_state.connections) < count:  # noqa: ASYNC110
                await asyncio.sleep(0.005)

    async def idle(self) -> None:
        """Wait until no connection is open and no request is being handled."""
        state = self.server.server_state
        async with asyncio.timeout(PATIENCE):
            while state.connections or state.tasks:  # noqa: ASYNC110
                await asyncio.sleep(0.005)


def echo_app(received: list[bytes]) -> Starlette:
    async def echo(request: Request) -> Response:
        body = await read_body(request)
        received.append(body)
        return PlainTextResponse(f"got {len(body)}")

    async def hello(request: Request) -> Response:
        return PlainTextResponse("hello")

    return Starlette(
        routes=[Route("/echo", echo, methods=["POST"]), Route("/hello", hello, methods=["GET"])]
    )


async def serve(limits: HttpLimits = FAST) -> AsyncIterator[Served]:
    received: list[bytes] = []
    server = InLoopServer.for_app(echo_app(received), limits=limits)
    port = await server.start_serving("hygiene-test")
    try:
        yield Served(server, port, received)
    finally:
        await server.stop_serving()


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    async for value in serve():
        yield value


async def read_all(reader: asyncio.StreamReader) -> tuple[bytes, float]:
    """Everything until the server closes the connection, and how long that took."""
    began = time.monotonic()
    async with asyncio.timeout(PATIENCE):
        data = await reader.read()
        while chunk := await reader.read():  # pragma: no cover - read() reads to EOF
            data += chunk
    return data, time.monotonic() - began


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response: its status and body (by its Content-Length)."""
    async with asyncio.timeout(PATIENCE):
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        lines = head.split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if line)
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(lines[0].split()[1]), body


async def trickle(writer: asyncio.StreamWriter, data: bytes, every: float = 0.05) -> None:
    """One byte at a time, until the server hangs up (or the data runs out)."""
    try:
        for index in range(len(data)):
            writer.write(data[index : index + 1])
            await writer.drain()
            await asyncio.sleep(every)
    except ConnectionError:
        return


async def with_trickle(
    writer: asyncio.StreamWriter, data: bytes, read: Callable[[], Awaitable[Any]]
) -> Any:
    task = asyncio.create_task(trickle(writer, data))
    try:
        return await read()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        writer.close()


def request(path: str, body: bytes = b"", length: int | None = None) -> bytes:
    length = len(body) if length is None else length
    method = "POST" if length else "GET"
    head = f"{method} {path} HTTP/1.1\r\nHost: boucle\r\nContent-Length: {length}\r\n\r\n"
    return head.encode() + body


# ---------------------------------------------------------------------- the head


async def test_half_a_request_head_then_silence_is_closed(served: Served) -> None:
    reader, writer = await served.connect()
    writer.write(b"POST /echo HTTP/1.1\r\nHost: boucle\r\n")
    data, waited = await read_all(reader)
    writer.close()
    assert data == b"", "no request, no answer: the connection is just closed"
    assert HEAD_SECONDS * 0.8 <= waited < HEAD_SECONDS + 1.0


async def test_a_connection_that_sends_nothing_is_closed(served: Served) -> None:
    reader, writer = await served.connect()
    data, waited = await read_all(reader)
    writer.close()
    assert data == b""
    assert waited < HEAD_SECONDS + 1.0


async def test_a_head_sent_a_byte_at_a_time_is_cut_though_bytes_keep_coming(
    served: Served,
) -> None:
    reader, writer = await served.connect()
    endless = b"GET /hello HTTP/1.1\r\n" + b"X-Slow: " + b"a" * 10_000
    data, waited = await with_trickle(writer, endless, lambda: read_all(reader))
    assert data == b""
    assert waited < HEAD_SECONDS + 1.0


async def test_a_kept_alive_connection_trickling_its_next_head_is_cut(served: Served) -> None:
    """uvicorn's keep-alive timer is cancelled by any byte: the head deadline is not."""
    reader, writer = await served.connect()
    writer.write(request("/hello"))
    assert await read_response(reader) == (200, b"hello")
    endless = b"GET /hello HTTP/1.1\r\n" + b"X-Slow: " + b"a" * 10_000
    data, waited = await with_trickle(writer, endless, lambda: read_all(reader))
    assert data == b""
    assert waited < HEAD_SECONDS + 1.0


# ---------------------------------------------------------------------- the body


async def test_a_trickling_body_gets_408_and_is_closed(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    reader, writer = await served.connect()
    writer.write(request("/echo", length=1000))
    data, waited = await with_trickle(writer, b"x" * 1000, lambda: read_all(reader))
    assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert waited < REQUEST_SECONDS + 1.0
    assert served.received == [], "the application never saw a complete body"
    await wait_for_record(caplog, "went away")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_quick_requests_on_one_connection_are_all_answered(served: Served) -> None:
    """The deadlines restart with each request of a kept-alive connection."""
    reader, writer = await served.connect()
    for round_ in range(5):
        writer.write(request("/echo", body=b"x" * (round_ + 1)))
        assert await read_response(reader) == (200, f"got {round_ + 1}".encode())
        await asyncio.sleep(HEAD_SECONDS / 3)  # idle, but less than a head's deadline
    writer.close()
    assert served.received == [b"x" * n for n in range(1, 6)]


async def test_the_applications_own_time_is_not_cut(caplog: pytest.LogCaptureFixture) -> None:
    """Once the whole request is in, a slow answer is the application's business."""
    caplog.set_level(logging.INFO)

    async def slow(request: Request) -> Response:
        await read_body(request)
        await asyncio.sleep(REQUEST_SECONDS * 1.5)
        return PlainTextResponse("done")

    server = InLoopServer.for_app(
        Starlette(routes=[Route("/slow", slow, methods=["POST"])]), limits=FAST
    )
    port = await server.start_serving("hygiene-slow-app")
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request("/slow", body=b"now"))
        answer = await read_response(reader)
        writer.close()
    finally:
        await server.stop_serving()
    assert answer == (200, b"done")
    assert not [r for r in caplog.records if r.name == "bot.web" and "408" in r.getMessage()]


async def test_a_stop_does_not_wait_for_a_body_still_coming(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without this, uvicorn waits its whole graceful period, then cancels the application:
    an ERROR with a traceback, and a 500."""
    caplog.set_level(logging.INFO)
    async for served in serve(HttpLimits(header_seconds=PATIENCE, request_seconds=PATIENCE)):
        reader, writer = await served.connect()
        writer.write(request("/echo", body=b"abc", length=100))
        await served.connections(1)
        await asyncio.sleep(0.05)  # the application is reading the body
        began = time.monotonic()
        await served.server.stop_serving()
        stopped = time.monotonic() - began
        data, _ = await read_all(reader)
        writer.close()
        assert data.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert stopped < 1.0, "not the graceful 5 s"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# ---------------------------------------------------------------------- disconnects


async def wait_for_record(caplog: pytest.LogCaptureFixture, text: str) -> logging.LogRecord:
    async with asyncio.timeout(PATIENCE):
        while True:
            for record in caplog.records:
                if text in record.getMessage():
                    return record
            await asyncio.sleep(0.01)


async def test_a_client_gone_mid_body_is_an_info_line_not_an_error(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    _, writer = await served.connect()
    writer.write(request("/echo", body=b"x" * 10, length=100))
    await writer.drain()
    await served.connections(1)
    await asyncio.sleep(0.05)  # the application is reading the body
    writer.close()
    await served.idle()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert not any(r.exc_info for r in caplog.records), "no traceback"
    gone = [r for r in caplog.records if "went away before its request to /echo" in r.getMessage()]
    assert [r.levelno for r in gone] == [logging.INFO]
    assert served.received == []


# ---------------------------------------------------------------------- the cap


async def test_past_the_connection_cap_a_request_gets_503() -> None:
    async for served in serve(HttpLimits(header_seconds=PATIENCE, max_connections=2)):
        idle = [await served.connect() for _ in range(2)]
        await served.connections(2)
        reader, writer = await served.connect()
        writer.write(request("/hello"))
        data, _ = await read_all(reader)  # 503 comes with "Connection: close"
        writer.close()
        assert data.startswith(b"HTTP/1.1 503 ")

        _, first = idle.pop()
        first.close()
        async with asyncio.timeout(PATIENCE):
            while len(served.server.server_state.connections) > 1:  # noqa: ASYNC110
                await asyncio.sleep(0.005)
        reader, writer = await served.connect()
        writer.write(request("/hello"))
        answer = await read_response(reader)
        writer.close()
        assert answer == (200, b"hello"), "under the cap, served again"
        for _, other in idle:
            other.close()


def test_the_bots_limits() -> None:
    assert HttpLimits() == HttpLimits(
        header_seconds=HEADER_TIMEOUT_SECONDS,
        request_seconds=REQUEST_TIMEOUT_SECONDS,
        keep_alive_seconds=KEEP_ALIVE_SECONDS,
        max_connections=MAX_CONNECTIONS,
    )
    assert HEADER_TIMEOUT_SECONDS <= 10 and REQUEST_TIMEOUT_SECONDS <= 15
    assert KEEP_ALIVE_SECONDS <= 5 and MAX_CONNECTIONS <= 1000
    server = InLoopServer.for_app(echo_app([]))
    assert server.config.timeout_keep_alive == KEEP_ALIVE_SECONDS
    assert server.config.limit_concurrency == MAX_CONNECTIONS + 1


# ---------------------------------------------------------------------- the bot's server


@dataclass
class FakeTelegram:
    fed: list[dict[str, Any]]
    state: str = "running"

    async def feed(self, data: dict[str, Any]) -> None:
        self.fed.append(data)


async def test_the_bots_web_server_has_the_hygiene_and_still_serves(
    db: Database, clock: ManualClock, gazetteer: Gazetteer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret = "s3cret-token"
    telegram = FakeTelegram(fed=[])
    web = Web(db, {"telegram": telegram}, [webhook_route(telegram, secret)])
    server = WebServer(web, "127.0.0.1", 0, limits=FAST)
    await server.start()
    assert server.port is not None
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: boucle\r\n\r\n")
        status, body = await read_response(reader)
        assert (status, json.loads(body)["status"]) == (200, "ok")
        # Kept alive, then silent: closed.
        data, _ = await read_all(reader)
        writer.close()
        assert data == b""

        update = b'{"update_id": 1}'
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        head = (
            "POST /telegram HTTP/1.1\r\nHost: boucle\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(update)}\r\n\r\n"
        )
        writer.write(head.encode() + update[:5])
        await asyncio.sleep(0.05)
        writer.close()
        await wait_for_record(caplog, "went away before its request to /telegram")

        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(head.encode() + update)
        answer = await read_response(reader)
        writer.close()
        assert answer[0] == 200
        assert telegram.fed == [{"update_id": 1}]
    finally:
        await server.stop()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
