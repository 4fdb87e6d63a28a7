"""The process is honest about its health (issue 8, "Honest process" and "Redelivery without
loss"), tried as an operator and a supervisor see it.

`boucle run` runs as a real child process (cwd in a temporary folder: no `.env` is read) against
a closed port or the fake Bot API served from the test's own event loop: a start-up failure is
one clear line and exit status 1; SIGTERM and Ctrl+C stop it within 10 s, during the start-up
retries, during a long poll and in the middle of a broadcast, letting sends already on the wire
finish. In process: one bad update is stored as failed and skipped, a dead polling loop makes
`/healthz` answer 503 and `run_until_stopped` return 1, and a new message that reuses an old
`update_id` is answered while a true redelivery is still handled once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from pydantic import SecretStr

import bot.channels.telegram as telegram_module
from bot.app import Boucle, run_until_stopped
from bot.channels.base import RecordingChannel
from bot.clock import ManualClock, SystemClock
from bot.delivery import Sender
from bot.settings import Settings
from handlers.messages import Incoming
from storage import deliveries, members, outbox
from storage.db import Database
from tests.conftest import START
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, SENDER
from tests.network import invite_three

# Well formed (digits, colon, 35 characters), known to no server.
TOKEN = "123456:" + "AAAAbbbbCCCCddddEEEEffffGGGGhhhhIII"
TOKEN_SECRET_PART = TOKEN.split(":", 1)[1]
ALICE, BOB, CARLA = 111, 222, 333
STOP_LIMIT_SECONDS = 10.0  # what supervisors (systemd, Docker) wait before they kill
CHILD_START_SECONDS = 20.0  # a child's imports and first Bot API call, on a slow machine


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


async def until(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll `predicate` (the fake's own wait is not woken by a long poll's arrival)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {what}")
        await asyncio.sleep(0.02)


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening: connections are refused, and nobody else can
    take the port while the test runs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def child_env(**settings: str | Path) -> dict[str, str]:
    """The test's environment without any Boucle, Telegram or Twilio setting, plus `settings`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("BOUCLE_", "TELEGRAM_", "TWILIO_"))
    }
    env.update({name.upper(): str(value) for name, value in settings.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _open_logs(folder: Path) -> tuple[IO[bytes], IO[bytes], Path, Path]:
    out, err = folder / "boucle.stdout", folder / "boucle.stderr"
    return out.open("wb"), err.open("wb"), out, err


@dataclass
class Child:
    """`boucle run` as a supervisor runs it."""

    process: asyncio.subprocess.Process
    stdout_path: Path
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text("utf-8", "replace")

    def output(self) -> str:
        return self.stdout_path.read_text("utf-8", "replace") + self.stderr()

    async def wait_for_stderr(self, text: str, seconds: float) -> None:
        await until(
            lambda: text in self.stderr() or self.process.returncode is not None,
            seconds,
            f"{text!r} on stderr",
        )
        assert text in self.stderr(), f"exited ({self.process.returncode}): {self.stderr()}"

    def signal(self, number: int) -> float:
        """Send a signal; returns when (time.monotonic())."""
        self.process.send_signal(number)
        return time.monotonic()

    async def exit_status(self, seconds: float) -> int:
        try:
            return await asyncio.wait_for(self.process.wait(), seconds)
        except TimeoutError:
            raise AssertionError(
                f"boucle run still running after {seconds}s; stderr:\n{self.stderr()[-4000:]}"
            ) from None


@contextlib.asynccontextmanager
async def boucle_run(folder: Path, env: dict[str, str]) -> AsyncIterator[Child]:
    """Start `boucle run` in `folder`; it is killed on the way out, whatever happened."""
    out, err, out_path, err_path = _open_logs(folder)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=folder,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        try:
            yield Child(process, out_path, err_path)
        finally:
            if process.returncode is None:
                process.kill()
            await asyncio.wait_for(process.wait(), 10)
    finally:
        out.close()
        err.close()


def assert_clean_output(child: Child) -> None:
    """No traceback, no token, whatever happened."""
    output = child.output()
    assert "Traceback" not in output, output
    assert TOKEN_SECRET_PART not in output, output


def settings_for(api: FakeTelegramAPI, db_path: Path, *, web: bool = False) -> Settings:
    """Polling Telegram; with `web`, WhatsApp too (never reached here), so that the web server,
    and its `/healthz`, run beside the polling loop."""
    extra: dict[str, Any] = {}
    if web:
        extra = {
            "boucle_public_url": "https://boucle.example.org",
            "boucle_http_port": 0,
            "twilio_account_sid": ACCOUNT_SID,
            "twilio_auth_token": SecretStr(AUTH_TOKEN),
            "twilio_whatsapp_from": SENDER,
            "twilio_api_base_url": "http://127.0.0.1:9",
        }
    return Settings(
        telegram_bot_token=SecretStr(api.token),
        telegram_base_url=api.base_url,
        boucle_db_path=db_path,
        _env_file=None,  # type: ignore[call-arg]
        **extra,
    )


async def join_three(api: FakeTelegramAPI, codes: dict[str, str]) -> None:
    for chat, person in ((ALICE, "alice"), (BOB, "bob"), (CARLA, "carla")):
        api.send_text(chat, f"/start {codes[person]}")
    for chat in (ALICE, BOB, CARLA):
        [welcome] = await api.wait_for_messages(chat, 1, timeout=10)
        assert "Bienvenue" in welcome.plain_text


async def inbox_rows(db: Database) -> dict[str, str]:
    """message_id -> state, for Telegram's inbox rows."""
    async with (
        db.transaction() as conn,
        conn.execute("SELECT message_id, state FROM inbox WHERE channel = 'telegram'") as cur,
    ):
        return {str(row[0]): str(row[1]) for row in await cur.fetchall()}


def polling_acknowledged(api: FakeTelegramAPI, update_id: int) -> bool:
    """The last getUpdates asks for what follows `update_id`: it is waiting (a long poll)."""
    calls = api.calls_to("getUpdates")
    return bool(calls) and calls[-1].get("offset") == update_id + 1


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(token=TOKEN) as fake:
        fake.user(ALICE, "Alice", "alice_ba")
        fake.user(BOB, "Bob", "bob_restos")
        fake.user(CARLA, "Carla")
        yield fake


@pytest.fixture
async def running(api: FakeTelegramAPI, tmp_path: Path) -> AsyncIterator[Boucle]:
    """An in-process bot polling the fake, Alice, Bob and Carla joined."""
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("alice", "bob", "carla"), START)
    app = await Boucle.create(settings_for(api, db_path), ManualClock(START))
    await app.start()
    try:
        await join_three(api, codes)
        yield app
    finally:
        await app.stop()


# --------------------------------------------------------------------------------------------
# 1. A start-up failure: one clear line, exit status 1
# --------------------------------------------------------------------------------------------


def startup_lines(child: Child) -> list[str]:
    return [line for line in child.stderr().splitlines() if line.startswith("Boucle ne peut pas")]


async def test_telegram_unreachable_at_start_exits_1_with_one_line(tmp_path: Path) -> None:
    with closed_port() as port:
        env = child_env(
            telegram_bot_token=TOKEN,
            telegram_base_url=f"http://127.0.0.1:{port}/bot",
            boucle_db_path=tmp_path / "boucle.db",
            boucle_startup_timeout="3",
        )
        started = time.monotonic()
        async with boucle_run(tmp_path, env) as child:
            status = await child.exit_status(15)
        elapsed = time.monotonic() - started
    assert status == 1, child.output()
    assert elapsed < 15
    [line] = startup_lines(child)
    assert line.startswith("Boucle ne peut pas démarrer : Telegram injoignable"), line
    assert "TELEGRAM_BASE_URL" in line
    assert "trying again" in child.stderr(), "transient errors are retried first"
    assert_clean_output(child)


async def test_refused_token_exits_1_at_once(tmp_path: Path) -> None:
    async with FakeTelegramAPI(token="654321:" + "Z" * 35) as other_bot:  # 401 to our token
        env = child_env(
            telegram_bot_token=TOKEN,
            telegram_base_url=other_bot.base_url,
            boucle_db_path=tmp_path / "boucle.db",
            boucle_startup_timeout="60",
        )
        async with boucle_run(tmp_path, env) as child:
            status = await child.exit_status(CHILD_START_SECONDS)
        assert len(other_bot.calls_to("getMe")) == 1, "a refused token is not retried"
    assert status == 1, child.output()
    [line] = startup_lines(child)
    assert "TELEGRAM_BOT_TOKEN" in line and "@BotFather" in line, line
    assert_clean_output(child)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_during_the_startup_retries_is_prompt(tmp_path: Path, number: int) -> None:
    with closed_port() as port:
        env = child_env(
            telegram_bot_token=TOKEN,
            telegram_base_url=f"http://127.0.0.1:{port}/bot",
            boucle_db_path=tmp_path / "boucle.db",
            boucle_startup_timeout="120",
        )
        async with boucle_run(tmp_path, env) as child:
            await child.wait_for_stderr("Telegram unreachable", CHILD_START_SECONDS)
            sent_at = child.signal(number)
            status = await child.exit_status(STOP_LIMIT_SECONDS)
            elapsed = time.monotonic() - sent_at
    assert status == 0, child.output()
    assert elapsed < 3, f"stopped {elapsed:.1f}s after the signal"
    assert startup_lines(child) == []
    assert_clean_output(child)


# --------------------------------------------------------------------------------------------
# 2. SIGTERM stops within 10 s: during a long poll, during a broadcast
# --------------------------------------------------------------------------------------------


def env_for(api: FakeTelegramAPI, db_path: Path) -> dict[str, str]:
    return child_env(
        telegram_bot_token=api.token, telegram_base_url=api.base_url, boucle_db_path=db_path
    )


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_during_a_long_poll_exits_0_at_once(
    api: FakeTelegramAPI, tmp_path: Path, number: int
) -> None:
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("alice", "bob", "carla"), SystemClock().now())
    async with boucle_run(tmp_path, env_for(api, db_path)) as child:
        await until(lambda: bool(api.calls_to("getUpdates")), CHILD_START_SECONDS, "polling")
        await join_three(api, codes)
        last = api.updates[-1]["update_id"]
        await until(lambda: polling_acknowledged(api, last), 5, "a long poll")
        sent_at = child.signal(number)
        status = await child.exit_status(STOP_LIMIT_SECONDS)
        elapsed = time.monotonic() - sent_at
    assert status == 0, child.output()
    assert elapsed < 3, f"stopped {elapsed:.1f}s after the signal with nothing to finish"
    assert "Boucle is running" in child.stderr()
    assert_clean_output(child)


COORDINATOR = 900
FIRST_MEMBER = 1001
BROADCAST_MEMBERS = 60
HELD = FIRST_MEMBER + 2  # Telegram never answers this send before the process stops
ALERT = "/alerte Plus de lait infantile à Quillan !"


async def seed_broadcast(db_path: Path) -> list[int]:
    """A coordinator and 60 members, all on Telegram (as bench/broadcast.py seeds them)."""
    db = await Database.open(db_path)
    now = SystemClock().now()
    chats = [FIRST_MEMBER + index for index in range(BROADCAST_MEMBERS)]
    async with db.transaction() as conn:
        association = await members.ensure_association(conn, "Banque Alimentaire", "Quillan", now)
        coordinator = await members.create_member(
            conn, association.id, "Camille", "coordinator", now
        )
        await members.add_identity(conn, coordinator.id, "telegram", str(COORDINATOR), "", now)
        for chat in chats:
            member = await members.create_member(conn, association.id, f"M{chat}", "member", now)
            await members.add_identity(conn, member.id, "telegram", str(chat), "", now)
    await db.close()
    return chats


def alerts_by_chat(api: FakeTelegramAPI) -> Counter[int]:
    return Counter(m.chat_id for m in api.sent if "lait infantile" in m.plain_text)


def alert_calls(api: FakeTelegramAPI) -> list[int]:
    """Chats of the alert sends that reached the fake (answered or not)."""
    return [
        int(call["chat_id"])
        for call in api.calls_to("sendMessage")
        if "lait infantile" in str(call.get("text", ""))
    ]


async def outbox_states(db_path: Path) -> tuple[dict[str, int], dict[str, int]]:
    db = await Database.open(db_path)
    try:
        async with db.transaction() as conn:
            return (
                await outbox.count_by_state(conn),
                await deliveries.count_attempts_by_outcome(conn),
            )
    finally:
        await db.close()


async def test_sigterm_during_a_broadcast_lets_sends_on_the_wire_finish(
    api: FakeTelegramAPI, tmp_path: Path
) -> None:
    """SIGTERM while an /alerte goes to 60 members, sends on the wire (each answered 0.5 s
    late) and one that Telegram never answers: exit 0 within 10 s; the answered ones are
    recorded as sent, the unanswered one stays in flight. After a restart everyone has the
    alert, and only what was still in flight (counted `interrupted`) may arrive twice."""
    db_path = tmp_path / "boucle.db"
    chats = await seed_broadcast(db_path)
    api.delay_next("sendMessage", 0.5, count=30)
    api.hold_chats(HELD)
    async with boucle_run(tmp_path, env_for(api, db_path)) as child:
        await until(lambda: bool(api.calls_to("getUpdates")), CHILD_START_SECONDS, "polling")
        api.send_text(COORDINATOR, ALERT)
        await until(lambda: HELD in alert_calls(api) and len(alert_calls(api)) >= 10, 10, "sends")
        on_the_wire = len(alert_calls(api)) - sum(alerts_by_chat(api).values())
        sent_at = child.signal(signal.SIGTERM)
        status = await child.exit_status(STOP_LIMIT_SECONDS)
        elapsed = time.monotonic() - sent_at
    assert status == 0, child.output()
    assert elapsed < STOP_LIMIT_SECONDS
    assert_clean_output(child)
    assert on_the_wire >= 5, "several sends were on the wire at SIGTERM"
    # Every send that reached Telegram was answered before the exit, but the held one.
    delivered_before = sum(alerts_by_chat(api).values())
    assert delivered_before == len(alert_calls(api)) - 1
    assert delivered_before < BROADCAST_MEMBERS - 1, "stopped mid-broadcast"
    states, _ = await outbox_states(db_path)
    # Only the send Telegram never answered is left in flight: the others finished.
    assert states.get("in_flight") == 1, states

    api.release_chats()  # Telegram did deliver it after all: it may arrive twice
    await until(lambda: alerts_by_chat(api)[HELD] == 1, 5, "the held send executed")
    again = await Boucle.create(settings_for(api, db_path))
    await again.start()
    try:
        await until(
            lambda: set(alerts_by_chat(api)) == set(chats), 20, "every member has the alert"
        )
        await asyncio.sleep(0.3)  # a late duplicate would show up now
        assert again.sender.stats.requeued_after_crash == 1
    finally:
        await again.stop()
    _, outcomes = await outbox_states(db_path)
    interrupted = outcomes.get("interrupted", 0)
    assert interrupted == 1, outcomes
    counts = alerts_by_chat(api)
    extra = {chat: count - 1 for chat, count in counts.items() if count > 1}
    assert sum(extra.values()) <= interrupted, extra
    assert set(extra) <= {HELD}, extra
    assert len(api.messages_to(COORDINATOR)) == 1, "the coordinator's reply, once"


# --------------------------------------------------------------------------------------------
# 3. One bad update is logged, stored as failed, skipped; the loop lives on
# --------------------------------------------------------------------------------------------


def message_from(api: FakeTelegramAPI, chat: int, message_id: int, text: str) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "from": api.users[chat].to_api(),
        "chat": api.users[chat].private_chat(),
        "date": int(time.time()),
        "text": text,
    }


async def test_bad_updates_are_stored_as_failed_and_skipped(
    api: FakeTelegramAPI, running: Boucle, caplog: pytest.LogCaptureFixture
) -> None:
    app = running
    assert app.telegram is not None and app.telegram.polling is not None
    caplog.set_level(logging.WARNING, logger="bot.channels.telegram")
    no_chat = message_from(api, ALICE, 900, "/mes")
    del no_chat["chat"]
    bad = [
        api.inject_raw({"message": "garbage"}),
        api.inject_raw({"message": no_chat}),
        api.inject_raw({"callback_query": {"id": "77", "data": "/mes"}}),  # no `from`
        api.inject_raw({"message": {**message_from(api, BOB, 901, "/mes"), "date": "hier"}}),
    ]
    api.send_text(ALICE, "/mes")
    [*_, answer] = await api.wait_for_messages(ALICE, 2)
    assert "annonce" in answer.plain_text.lower(), answer.plain_text
    rows = await inbox_rows(app.db)
    assert {f"u{update_id}": rows.get(f"u{update_id}") for update_id in bad} == {
        f"u{update_id}": "failed" for update_id in bad
    }
    assert app.telegram.unreadable == len(bad)
    assert all(api.deliveries[update_id] == 1 for update_id in bad), "skipped, not served again"
    warned = [r for r in caplog.records if "unreadable Telegram update" in r.getMessage()]
    assert len(warned) == len(bad)
    assert not app.telegram.polling.done()
    assert set(app.loop_states().values()) == {"running"}
    assert len(api.messages_to(BOB)) == 1, "Bob's unreadable message got no answer"


# --------------------------------------------------------------------------------------------
# 4. A loop that dies anyway: /healthz answers 503 and the process exits non-zero
# --------------------------------------------------------------------------------------------


def break_storage(app: Boucle, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every update fails to be stored; after 2 failures in a row the polling loop gives up."""
    assert app.telegram is not None
    monkeypatch.setattr(telegram_module, "MAX_STORE_FAILURES", 2)
    app.telegram.error_pause = 0.01

    async def disk_gone(incoming: Incoming) -> bool:
        raise OSError("disk I/O error")

    app.telegram._take = disk_gone


async def test_dead_polling_loop_is_unhealthy_and_stops_the_process(
    api: FakeTelegramAPI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("alice", "bob", "carla"), START)
    app = await Boucle.create(settings_for(api, db_path, web=True), ManualClock(START))
    await app.start()
    try:
        assert app.telegram is not None and app.telegram.polling is not None
        assert app.web is not None and app.web.port
        health_url = f"http://127.0.0.1:{app.web.port}/healthz"
        await join_three(api, codes)
        async with httpx.AsyncClient(timeout=5) as client:
            assert (await client.get(health_url)).status_code == 200

            break_storage(app, monkeypatch)
            stop = asyncio.Event()
            watching = asyncio.create_task(run_until_stopped(app, stop))
            update_id = api.send_text(ALICE, "/mes")
            status = await asyncio.wait_for(watching, 5)
            assert status == 1
            assert app.telegram.polling.done()
            assert app.loop_states()["telegram-polling"] == "failed"
            assert api.deliveries[update_id] == 2, "retried, never acknowledged"

            health = await client.get(health_url)
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "unhealthy"
        assert body["loops"]["telegram-polling"] == "failed"
        assert body["channels"]["telegram"] == "failed"
        assert any(
            r.levelno == logging.CRITICAL and "telegram-polling stopped" in r.getMessage()
            for r in caplog.records
        )
    finally:
        await asyncio.wait_for(app.stop(), 10)


async def test_revoked_token_while_running_exits_1(api: FakeTelegramAPI, tmp_path: Path) -> None:
    """In a real process: the token is revoked while the bot runs; getUpdates answers 401,
    polling stops for good, and the process stops with status 1 for its supervisor."""
    db_path = tmp_path / "boucle.db"
    codes = await invite_three(db_path, ("alice", "bob", "carla"), SystemClock().now())
    async with boucle_run(tmp_path, env_for(api, db_path)) as child:
        await until(lambda: bool(api.calls_to("getUpdates")), CHILD_START_SECONDS, "polling")
        await join_three(api, codes)
        last = api.updates[-1]["update_id"]
        await until(lambda: polling_acknowledged(api, last), 5, "a long poll")
        api.token = "123456:" + "R" * 35  # revoked: every call now answers 401
        api.send_text(ALICE, "/mes")  # ends the long poll; the next getUpdates gets 401
        status = await child.exit_status(STOP_LIMIT_SECONDS)
    assert status == 1, child.output()
    assert "telegram-polling stopped" in child.stderr()
    assert_clean_output(child)


# --------------------------------------------------------------------------------------------
# 5. A reused update_id is answered; a true redelivery is handled once
# --------------------------------------------------------------------------------------------


async def test_a_new_message_reusing_an_update_id_is_answered(
    api: FakeTelegramAPI, running: Boucle
) -> None:
    """Telegram's update ids restart after a token change or a long silence: a new message
    that comes with an old `update_id` is a new message."""
    update_id = api.send_text(ALICE, "/mes")
    await api.wait_for_messages(ALICE, 2)
    await until(lambda: polling_acknowledged(api, update_id), 5, "a long poll")
    reused = {"update_id": update_id, "message": message_from(api, ALICE, 500, "/aide")}
    api.inject_raw(reused)
    [*_, answer] = await api.wait_for_messages(ALICE, 3)
    assert "/don" in answer.plain_text, "the help, for the new message"
    assert api.deliveries[update_id] == 2


async def test_a_true_redelivery_is_handled_once(api: FakeTelegramAPI, running: Boucle) -> None:
    update_id = api.send_text(ALICE, "/don 4 cagettes de tomates à Trèbes")
    await api.wait_for_messages(ALICE, 2)
    await api.wait_for_messages(BOB, 2)
    await until(lambda: polling_acknowledged(api, update_id), 5, "a long poll")
    original = next(u for u in api.updates if u["update_id"] == update_id)
    api.inject_raw(original)  # Telegram sends the same update again
    await until(lambda: api.deliveries[update_id] == 2, 5, "the redelivery")
    api.send_text(ALICE, "/mes")  # a later update: once it is answered, the redelivery was read
    await api.wait_for_messages(ALICE, 3)
    await asyncio.sleep(0.2)
    assert len(api.messages_to(ALICE)) == 3
    assert len(api.messages_to(BOB)) == 2 and len(api.messages_to(CARLA)) == 2
    async with running.db.transaction() as conn, conn.execute("SELECT COUNT(*) FROM posts") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == 1


# --------------------------------------------------------------------------------------------
# 6. A stop always ends (what the SIGTERM tests above ran into)
# --------------------------------------------------------------------------------------------


async def test_a_transaction_cancelled_while_it_begins_leaves_the_connection_usable(
    tmp_path: Path,
) -> None:
    """A stop cancels the sender's loops wherever they are, BEGIN included: SQLite still runs
    that BEGIN; the connection must not stay inside it (the next transaction failed, the stop
    raised, the database was never closed and its thread kept the process alive)."""
    db = await Database.open(tmp_path / "boucle.db")
    try:

        async def count_outbox() -> None:
            async with db.transaction() as conn:
                await outbox.count_by_state(conn)

        for _ in range(5):
            task = asyncio.create_task(count_outbox())
            await asyncio.sleep(0)  # it now waits for BEGIN IMMEDIATE
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await asyncio.wait_for(count_outbox(), 5)
    finally:
        await db.close()


async def test_a_sender_lane_stops_when_cancelled_as_it_is_woken(
    db: Database, clock: ManualClock
) -> None:
    """A send finishes (waking the lane) just as a stop cancels the lane: the lane must end
    all the same (on Python 3.11 `asyncio.wait_for` swallowed that cancellation, the lane ran
    on and the stop, hence SIGTERM, waited for ever)."""
    sender = Sender(db, {"telegram": RecordingChannel("telegram")}, clock)
    await sender.recover()
    sender.start()
    await asyncio.sleep(0.1)  # the lane has nothing to send: it waits to be woken

    async def wake_then_stop() -> None:
        sender.wake()
        await sender.stop()  # cancels the lane in the same turn of the event loop

    started = time.monotonic()
    # (A timeout's own cancellation would be swallowed by `stop` too: measure the time.)
    await asyncio.wait_for(wake_then_stop(), 3)
    assert time.monotonic() - started < 1, "the lane ran on after its cancellation"
